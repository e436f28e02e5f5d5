"""The snapshot: everything true as of an instant for a scope, computed once and rendered by every view.

Views (check, metrics, reports, feed, bot, web) read it and format; none re-queries the world or
re-derives a rule. Counting is defined here once, so a number shown in two places is the same number.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from monitor.rules.config import RuleConfig
from monitor.rules.facts import NO_REPORTS, CommitmentFacts, MilestoneFacts, ReportSummary
from monitor.rules.outcome import Evaluation, State
from monitor.snapshot.compact import Found
from monitor.snapshot.scope import Place, ResolvedScope, self_and_above

# A state as the alert lifecycle sees it: a full evaluation, or (detection pass) one built on demand
Finding = Evaluation | Found

# The order states are listed in (most pressing first); `achieved` is not a problem and is never counted.
STATE_ORDER = (
    State.OVERDUE,
    State.CONTRADICTION,
    State.UNREPORTED,
    State.UNDERSPENT,
    State.UNCONFIRMED,
    State.AT_RISK,
    State.STALE,
    State.CANCELLED,
    State.DUE_SOON,
    State.REMINDER,
)


@dataclass
class Snapshot:
    as_of: datetime
    config: RuleConfig
    scope: ResolvedScope
    commitments: dict[str, CommitmentFacts] = field(default_factory=dict)  # in scope and their ancestors
    in_scope: frozenset[str] = frozenset()  # codes of the commitments in scope (ancestors excluded)
    milestones: list[MilestoneFacts] = field(default_factory=list)  # detection pass: those it built
    summaries: dict[int, ReportSummary] = field(default_factory=dict)
    built: list[Evaluation] = field(default_factory=list)
    subjects: set[str] = field(default_factory=set)  # evaluated without error
    errors: dict[str, str] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)  # every jurisdiction, with its parent
    pending: list[Found] = field(default_factory=list)  # detection pass: states not built yet
    milestone_count: int = 0
    # builds the evaluations of `pending` states (the detection pass's, within its transaction)
    builder: Callable[[Sequence[Found]], dict[str, Evaluation]] | None = None

    @property
    def evaluations(self) -> list[Evaluation]:
        """Every state, built (a detection-pass snapshot builds its pending states on first use)."""
        if self.pending:
            self.built.extend(self.full(self.pending).values())
            self.pending = []
        return self.built

    @property
    def findings(self) -> list[Finding]:
        """Every state, pending ones unbuilt: what the alert lifecycle compares."""
        return [*self.pending, *self.built]

    def full(self, findings: Sequence[object]) -> dict[str, Evaluation]:
        """The evaluations of `findings` by key (a state whose builder fails is left out and recorded
        in `errors`)."""
        out = {f.key: f for f in findings if isinstance(f, Evaluation)}
        waiting = [f for f in findings if isinstance(f, Found)]
        if waiting:
            assert self.builder is not None, "a pending state without its builder"
            out.update(self.builder(waiting))
        return out

    def name(self, slug: str, lang: str = "ko") -> str:
        place = self.places.get(slug)
        if place is None:
            return slug
        return place.name_ko if lang == "ko" else place.name_en

    def counted_for(self, evaluation: Evaluation) -> set[str]:
        """The jurisdictions whose counts include `evaluation`: its parties and every one above them
        (광주광역시 counts what 광주광역시 서구 has, as `check --jurisdiction gwangju` lists it)."""
        return {a for party in evaluation.parties for a in self_and_above(self.places, party)}

    @property
    def now(self) -> datetime:
        return self.as_of

    def summary(self, facts: MilestoneFacts) -> ReportSummary:
        return self.summaries.get(facts.id, NO_REPORTS)

    def problems(self, places: Iterable[str] | None = None) -> list[Evaluation]:
        """Every state that is not OK (achieved excluded) of items concerning `places` (default: the
        scope's jurisdictions), in (jurisdiction, code, rule) order — what `check` lists."""
        wanted = set(places) if places is not None else None
        found = [
            e
            for e in self.evaluations
            if e.condition is not State.ACHIEVED
            and (wanted.intersection(e.parties) if wanted is not None else self.scope.concerns(e.parties))
        ]
        return sorted(found, key=lambda e: (e.jurisdiction, e.subject, e.rule))


def state_counts(evaluations: Iterable[Evaluation]) -> dict[str, int]:
    """{state: count} in `STATE_ORDER`, every state present (zero included); achieved is not counted."""
    counted = Counter(str(e.condition) for e in evaluations if e.condition is not State.ACHIEVED)
    return {state.value: counted[state.value] for state in STATE_ORDER}
