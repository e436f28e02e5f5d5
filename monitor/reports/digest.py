"""The digest: what changed between the previous digest (`since`) and `as_of`.

Overdue targets are split into new (not overdue at `since`) and ongoing; targets overdue at `since` but
not at `as_of` are resolved. Both instants are evaluated with only the reports entered by then, so the
digest for a past week is exactly what it would have said that week: two snapshots of one scope (the
jurisdiction with those below it), one per instant. Then what falls due in the next `days` days and
the reports entered in (since, as_of], with their evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from monitor import snapshot
from monitor.display import evaluation_deadline, milestone_deadline
from monitor.reports.common import Countdown, ReportHeader, countdown, finished, make_header, party_map
from monitor.reports.entries import Entry, load_entries
from monitor.rules import Evaluation, Rule, RuleConfig
from monitor.snapshot import Snapshot
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
    start = since if since is not None else as_of - DEFAULT_SINCE
    scope = snapshot.resolve(session, snapshot.Scope(jurisdiction=jurisdiction))
    header = make_header(session, "digest", as_of, tz, jurisdiction, lang, scope.jurisdictions)
    before = _overdue(snapshot.build(session, config, start, scope))
    snap = snapshot.build(session, config, as_of, scope)
    now_overdue = _overdue(snap)
    reasons = {e.subject: e.reason.text(lang) for e in snap.evaluations if e.rule is Rule.ACHIEVED}
    ordered = sorted(now_overdue.values(), key=lambda e: (e.due or e.since, e.subject))
    fresh = [e for e in ordered if e.subject not in before]
    late = [e for e in ordered if e.subject in before]
    gone = [e for e in sorted(before.values(), key=lambda e: e.subject) if e.subject not in now_overdue]
    return DigestReport(
        header=header,
        since=start,
        since_local=start.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
        days=days,
        new_overdue=[_item(e, e.reason.text(lang), as_of, tz, lang) for e in fresh],
        ongoing_overdue=[_item(e, e.reason.text(lang), as_of, tz, lang) for e in late],
        resolved=[_item(e, reasons.get(e.subject, ""), as_of, tz, lang, met=True) for e in gone],
        due_soon=_due_soon(snap, tz, lang, days),
        progress=_progress(session, snap, start, lang),
    )


def _overdue(snap: Snapshot) -> dict[str, Evaluation]:
    """The overdue targets concerning the scope's jurisdictions, by code."""
    return {e.subject: e for e in snap.problems() if e.rule is Rule.OVERDUE}


def _item(
    e: Evaluation, reason: str, as_of: datetime, tz: ZoneInfo, lang: Lang, met: bool = False
) -> DigestItem:
    """A listed evaluation, its deadline counted from `as_of` (met: resolved since)."""
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
        due_day=evaluation_deadline(e, tz) or None,
        countdown=countdown(e.due, as_of, tz, lang, met=met) if e.due is not None else None,
        reason=reason,
        since=e.since,
    )


def _progress(session: Session, snap: Snapshot, start: datetime, lang: Lang) -> list[Entry]:
    """Reports and official statuses entered in (start, as_of] on the scope's commitments."""
    entries = load_entries(
        session,
        until=snap.as_of,
        after=start,
        lang=lang,
        commitment_ids=snap.scope.commitment_ids,
        parties=party_map(snap),
    )
    return [entry for entry in entries if snap.scope.concerns(entry.parties)]


def _due_soon(snap: Snapshot, tz: ZoneInfo, lang: Lang, days: int) -> list[DigestItem]:
    """Targets due in (as_of, as_of + days] that are not yet done, soonest first."""
    as_of, end = snap.as_of, snap.as_of + timedelta(days=days)
    facts = [f for f in snap.milestones if as_of < f.due_at <= end and snap.scope.concerns(f.parties)]
    warnings = {e.subject: e.reason.text(lang) for e in snap.evaluations if e.rule is Rule.AT_RISK}
    done = finished(snap)
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
            due_day=milestone_deadline(f.due_date, f.due_at, f.starts_at, tz),
            countdown=countdown(f.due_at, as_of, tz, lang),
            reason=warnings.get(f.code, ""),
        )
        for f in sorted(facts, key=lambda f: (f.due_at, f.code))
        if f.code not in done
    ]
