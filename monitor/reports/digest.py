"""The digest: what changed between the previous digest (`since`) and `as_of`.

Overdue targets are split into new (not overdue at `since`) and ongoing; targets overdue at `since` but
not at `as_of` are resolved. Both instants are evaluated with only the reports entered by then, so the
digest for a past week is exactly what it would have said that week. Then what falls due in the next
`days` days and the reports entered in (since, as_of], with their evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from monitor.evaluation.facts import load_milestone_facts, load_parties
from monitor.evaluation.run import evaluate
from monitor.evaluation.summaries import load_summaries
from monitor.reports.common import Countdown, ReportHeader, concerns, countdown, make_header
from monitor.reports.entries import Entry, load_entries
from monitor.rules import NO_REPORTS, Evaluation, MilestoneFacts, ReportSummary, Rule, RuleConfig
from monitor.rules.milestone import HELD, is_met
from monitor.timeutil import local_date
from monitor.vocab import Lang

DEFAULT_SINCE = timedelta(days=7)


@dataclass(frozen=True)
class DigestItem:
    """A target in one of the digest's lists, with its deadline and why it is listed."""

    code: str
    title: str
    commitment_code: str
    commitment_title: str
    jurisdiction: str
    parties: tuple[str, ...]
    category: str | None
    kind: str
    due: datetime | None
    due_day: str | None  # the deadline day as published (local)
    countdown: Countdown | None
    reason: str  # the rule's reason in the report's language ("" when nothing holds any more)
    since: datetime | None = None  # when the state began (overdue items)


@dataclass(frozen=True)
class DigestReport:
    header: ReportHeader
    since: datetime
    since_local: str
    days: int
    new_overdue: list[DigestItem]
    ongoing_overdue: list[DigestItem]
    resolved: list[DigestItem]
    due_soon: list[DigestItem]
    progress: list[Entry]


def build_digest(
    session: Session,
    *,
    as_of: datetime,
    tz: ZoneInfo,
    lang: Lang,
    config: RuleConfig,
    jurisdiction: str | None = None,
    since: datetime | None = None,
    days: int = 30,
) -> DigestReport:
    header = make_header(session, "digest", as_of, tz, jurisdiction, lang)
    start = since if since is not None else as_of - DEFAULT_SINCE
    before = _overdue(evaluate(session, config, start).evaluations, jurisdiction)
    current = [e for e in evaluate(session, config, as_of).evaluations if concerns(e.parties, jurisdiction)]
    now_overdue = _overdue(current, jurisdiction)
    reasons = {e.subject: e.reason.text(lang) for e in current if e.rule is Rule.ACHIEVED}

    def item(e: Evaluation, reason: str) -> DigestItem:
        met = e.subject not in now_overdue
        due_in = countdown(e.due, as_of, tz, lang, met=met) if e.due is not None else None
        return DigestItem(
            code=e.subject,
            title=e.title,
            commitment_code=e.commitment_code,
            commitment_title=e.commitment_title,
            jurisdiction=e.jurisdiction,
            parties=e.parties,
            category=e.category,
            kind=e.subject_type,
            due=e.due,
            due_day=local_date(e.due - timedelta(microseconds=1), tz).isoformat() if e.due else None,
            countdown=due_in,
            reason=reason,
            since=e.since,
        )

    ordered = sorted(now_overdue.values(), key=lambda e: (e.due or e.since, e.subject))
    parties = load_parties(session, None)
    return DigestReport(
        header=header,
        since=start,
        since_local=start.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
        days=days,
        new_overdue=[item(e, e.reason.text(lang)) for e in ordered if e.subject not in before],
        ongoing_overdue=[item(e, e.reason.text(lang)) for e in ordered if e.subject in before],
        resolved=[
            item(e, reasons.get(e.subject, ""))
            for e in sorted(before.values(), key=lambda e: e.subject)
            if e.subject not in now_overdue
        ],
        due_soon=_due_soon(session, as_of, tz, lang, jurisdiction, days, current, parties),
        progress=[
            entry
            for entry in load_entries(session, until=as_of, after=start, lang=lang, parties=parties)
            if concerns(entry.parties, jurisdiction)
        ],
    )


def _overdue(evaluations: list[Evaluation], jurisdiction: str | None) -> dict[str, Evaluation]:
    return {e.subject: e for e in evaluations if e.rule is Rule.OVERDUE and concerns(e.parties, jurisdiction)}


def is_done(facts: MilestoneFacts, summary: ReportSummary) -> bool:
    """Nothing left to do for the target: met, held, or (a budget tranche) its execution reported."""
    if facts.kind == "event":
        return HELD in summary.statuses
    if facts.kind == "budget":
        return summary.max_executed is not None
    return is_met(facts, summary)


def _due_soon(
    session: Session,
    as_of: datetime,
    tz: ZoneInfo,
    lang: Lang,
    jurisdiction: str | None,
    days: int,
    current: list[Evaluation],
    parties: dict[int, tuple[str, ...]],
) -> list[DigestItem]:
    """Targets due in (as_of, as_of + days] that are not yet done, soonest first."""
    end = as_of + timedelta(days=days)
    facts = [
        f
        for f in load_milestone_facts(session, None, parties)
        if as_of < f.due_at <= end and concerns(f.parties, jurisdiction)
    ]
    summaries = load_summaries(session, as_of, None)
    warnings = {e.subject: e.reason.text(lang) for e in current if e.rule is Rule.AT_RISK}
    return [
        DigestItem(
            code=f.code,
            title=f.title,
            commitment_code=f.commitment_code,
            commitment_title=f.commitment_title,
            jurisdiction=f.jurisdiction,
            parties=f.parties,
            category=f.category,
            kind=f.kind,
            due=f.due_at,
            due_day=(f.due_date or local_date(f.due_at, tz)).isoformat(),
            countdown=countdown(f.due_at, as_of, tz, lang),
            reason=warnings.get(f.code, ""),
        )
        for f in sorted(facts, key=lambda f: (f.due_at, f.code))
        if not is_done(f, summaries.get(f.id, NO_REPORTS))
    ]
