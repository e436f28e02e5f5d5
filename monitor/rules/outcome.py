"""What a rule returns: an `Evaluation` — a condition, since when, a reason a person can read, and the
figures behind it (typed `details`, `monitor.rules.details`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from monitor.korean import particles
from monitor.rules.config import RuleConfig
from monitor.rules.details import Details
from monitor.rules.facts import CommitmentFacts, MilestoneFacts, Pledge, PledgerRole
from monitor.vocab import Lang


class Rule(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    STALE = "stale"
    AT_RISK = "at_risk"
    BUDGET = "budget"
    EVENT = "event"
    CONTRADICTION = "contradiction"
    ACHIEVED = "achieved"


class State(StrEnum):
    """The one vocabulary of states, counted the same way by every view (a rule may have several)."""

    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    STALE = "stale"
    AT_RISK = "at_risk"
    UNREPORTED = "unreported"
    UNDERSPENT = "underspent"
    REMINDER = "reminder"
    UNCONFIRMED = "unconfirmed"
    CANCELLED = "cancelled"
    CONTRADICTION = "contradiction"
    ACHIEVED = "achieved"


class Severity(StrEnum):
    CRITICAL = "critical"
    WARNING = "warning"
    INFO = "info"
    GOOD = "good"


@dataclass(frozen=True, slots=True)
class Behaviour:
    """How the alert lifecycle treats a condition."""

    severity: Severity
    notify: bool = True  # send anything at all
    repeats: bool = True  # remind every repeat_interval while firing
    notify_resolved: bool = True  # send a resolved notice when it clears


BEHAVIOUR: dict[tuple[Rule, State], Behaviour] = {
    (Rule.OVERDUE, State.OVERDUE): Behaviour(Severity.CRITICAL),
    (Rule.DUE_SOON, State.DUE_SOON): Behaviour(Severity.INFO, repeats=False, notify_resolved=False),
    (Rule.STALE, State.STALE): Behaviour(Severity.WARNING),
    (Rule.AT_RISK, State.AT_RISK): Behaviour(Severity.WARNING),
    (Rule.BUDGET, State.UNREPORTED): Behaviour(Severity.WARNING),
    (Rule.BUDGET, State.UNDERSPENT): Behaviour(Severity.WARNING),
    (Rule.EVENT, State.REMINDER): Behaviour(Severity.INFO, repeats=False, notify_resolved=False),
    (Rule.EVENT, State.UNCONFIRMED): Behaviour(Severity.WARNING),
    (Rule.EVENT, State.CANCELLED): Behaviour(Severity.WARNING, repeats=False, notify_resolved=False),
    (Rule.CONTRADICTION, State.CONTRADICTION): Behaviour(Severity.CRITICAL),
    (Rule.ACHIEVED, State.ACHIEVED): Behaviour(
        Severity.GOOD, notify=False, repeats=False, notify_resolved=False
    ),
}

SEVERITY_RANK = {Severity.CRITICAL: 3, Severity.WARNING: 2, Severity.INFO: 1, Severity.GOOD: 0}


class Reason:
    """Why a state holds, in Korean and English. `Reason.lazy` defers the formatting until someone reads
    it: a national pass finds hundreds of thousands of states, and most are never shown."""

    __slots__ = ("_build", "_texts")

    def __init__(self, ko: str, en: str) -> None:
        self._texts: tuple[str, str] | None = (particles(ko), en)
        self._build: Callable[[], tuple[str, str]] | None = None

    @classmethod
    def lazy(cls, build: Callable[[], tuple[str, str]]) -> Reason:
        reason = cls.__new__(cls)
        reason._texts, reason._build = None, build
        return reason

    def _both(self) -> tuple[str, str]:
        if self._texts is None:
            assert self._build is not None
            ko, en = self._build()
            self._texts, self._build = (particles(ko), en), None
        return self._texts

    @property
    def ko(self) -> str:
        return self._both()[0]

    @property
    def en(self) -> str:
        return self._both()[1]

    def text(self, lang: Lang) -> str:
        return self.ko if lang == "ko" else self.en

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Reason) and self._both() == other._both()

    def __hash__(self) -> int:
        return hash(self._both())

    def __repr__(self) -> str:
        return f"Reason({self.ko!r}, {self.en!r})"


@dataclass(frozen=True, slots=True)
class Evaluation:
    subject: str  # milestone or commitment code
    subject_type: str  # "milestone" or "commitment"
    commitment_code: str
    title: str  # the milestone's or commitment's title
    commitment_title: str
    rule: Rule
    condition: State
    stage: str | None
    since: datetime
    due: datetime | None
    reason: Reason
    details: Details
    jurisdiction: str
    parties: tuple[str, ...]
    category: str | None = None
    pledge: Pledge | None = None  # whose promise (views label "공약 — 후보")

    @property
    def pledger_role(self) -> PledgerRole | None:
        return self.pledge.role if self.pledge else None

    @property
    def key(self) -> str:
        return alert_key(self.subject, self.rule)

    @property
    def behaviour(self) -> Behaviour:
        return BEHAVIOUR[(self.rule, self.condition)]


def alert_key(subject: str, rule: Rule) -> str:
    """One alert per (subject, rule): "{subject}:{rule}"."""
    return f"{subject}:{rule.value}"


def found(
    facts: MilestoneFacts | CommitmentFacts,
    rule: Rule,
    condition: State,
    since: datetime,
    reason: Reason,
    details: Details,
    stage: str | None = None,
    due: datetime | None = None,
) -> Evaluation:
    """An evaluation of a milestone or commitment (due defaults to its deadline or period end)."""
    deadline: datetime | None
    if isinstance(facts, MilestoneFacts):
        kind, commitment_code, commitment_title = "milestone", facts.commitment_code, facts.commitment_title
        deadline = facts.due_at
    else:
        kind, commitment_code, commitment_title = "commitment", facts.code, facts.title
        deadline = facts.period_end_at
    if facts.pledge is not None and facts.pledge.candidate:  # every state of a candidate's pledge says so
        reason = _named(facts.pledge, reason)
    return Evaluation(
        subject=facts.code,
        subject_type=kind,
        commitment_code=commitment_code,
        title=facts.title,
        commitment_title=commitment_title,
        rule=rule,
        condition=condition,
        stage=stage,
        since=since,
        due=due or deadline,
        reason=reason,
        details=details,
        jurisdiction=facts.jurisdiction,
        parties=facts.parties,
        category=facts.category,
        pledge=facts.pledge,
    )


# The states a pending candidate's promises can be in that speak of keeping them (nobody holds office yet)
CANDIDATE_RULES = frozenset({Rule.STALE, Rule.OVERDUE})


def heard(pledge: Pledge | None, rule: Rule, config: RuleConfig) -> bool:
    """Whether a state of this rule is found at all for a promise: nothing for a lost candidate's, and a
    pending candidate's stale and overdue only when `candidate_alerts` is "say"."""
    if pledge is None:
        return True
    if pledge.lost:
        return False
    return not (pledge.candidate and rule in CANDIDATE_RULES and config.candidate_alerts == "quiet")


def _named(pledge: Pledge, reason: Reason) -> Reason:
    """`reason` naming the candidate first, formatted only when read (like the rules' lazy reasons)."""
    return Reason.lazy(lambda: whose(pledge, (reason.ko, reason.en)))


def whose(pledge: Pledge | None, reason: tuple[str, str]) -> tuple[str, str]:
    """A reason about a pending candidate's promise names the candidate first."""
    if pledge is None or not pledge.candidate:
        return reason
    names = ", ".join(pledge.names)
    return f"후보 {names}의 공약 — {reason[0]}", f"candidate {names}'s pledge — {reason[1]}"
