"""Logging progress: the one write path for reports (CLI today; Telegram and bulk import later).

A report on a milestone is a value, a milestone status (done, started, held, cancelled) or budget
amounts; a report on a commitment is an official status (정상추진 …), kept in its status history. Reports
are appended, never changed: a correction is a new row pointing at the one it corrects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.db import models as m
from monitor.errors import InputError
from monitor.registry import find_code
from monitor.signals import Topic, touch
from monitor.timeutil import local_date
from monitor.vocab import MilestoneStatus, Status


@dataclass(frozen=True)
class ProgressInput:
    code: str
    reporter: str
    channel: str
    value: Decimal | None = None
    status: str | None = None
    executed: Decimal | None = None
    secured: Decimal | None = None
    # Budget tranches only: a restated plan, and the amounts split by source ({"국비": {"executed": "5"}}).
    planned: Decimal | None = None
    by_source: dict[str, dict[str, str]] | None = None
    as_of: date | None = None
    note: str | None = None
    evidence: list[str] = field(default_factory=list)
    correction: bool = False


def _check_evidence(urls: list[str]) -> None:
    for url in urls:
        parsed = urlparse(url)
        if parsed.scheme not in {"http", "https"} or not parsed.netloc:
            raise InputError(f"evidence {url!r} is not an http(s) URL")


def log_progress(
    session: Session, entry: ProgressInput, now: datetime, tz: ZoneInfo
) -> m.ProgressReport | m.StatusChange:
    """Validate and append one report; bumps the progress signal so a running daemon re-plans."""
    if not entry.reporter.strip():
        raise InputError("a report needs the reporter's name (--by)")
    as_of = entry.as_of or local_date(now, tz)
    if as_of > local_date(now, tz):
        raise InputError(f"as-of date {as_of} is in the future")
    _check_evidence(entry.evidence)
    target = find_code(session, entry.code)
    if target.retired_at is not None:
        raise InputError(f"{target.code} was removed from the seeds; it takes no more reports")
    if isinstance(target, m.Commitment):
        row: m.ProgressReport | m.StatusChange = _status_change(session, target, entry, as_of, now)
        commitment = target
    else:
        row = _milestone_report(session, target, entry, as_of, now)
        commitment = target.commitment
    _restart_stale_clocks(commitment, now)
    touch(session, Topic.PROGRESS)
    session.flush()
    return row


def _status_change(
    session: Session, commitment: m.Commitment, entry: ProgressInput, as_of: date, now: datetime
) -> m.StatusChange:
    if entry.status is None or entry.value is not None or entry.executed is not None:
        raise InputError(
            f"{commitment.code} is a commitment: report its official status (--status 정상추진, …) "
            "or report on one of its milestones (CODE.key)"
        )
    try:
        status = Status.parse(entry.status)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    change = m.StatusChange(
        commitment=commitment,
        status=status.value,
        as_of=as_of,
        note=entry.note,
        evidence=list(entry.evidence),
        reporter=entry.reporter,
        channel=entry.channel,
        entered_at=now,
    )
    session.add(change)
    return change


def _milestone_report(
    session: Session, milestone: m.Milestone, entry: ProgressInput, as_of: date, now: datetime
) -> m.ProgressReport:
    status = _milestone_status(milestone, entry)
    value, executed = entry.value, entry.executed
    if milestone.kind == "budget" and value is not None:
        value, executed = (
            None,
            executed if executed is not None else value,
        )  # a tranche's value is its execution
    if milestone.kind in {"completion", "event", "payment"} and value is not None:
        raise InputError(f"{milestone.code} is a {milestone.kind} milestone: report a status, not a value")
    if milestone.kind == "quantity" and value is None and status is None:
        raise InputError(
            f"{milestone.code} is a quantity target: report a value (--value N, in {milestone.unit})"
        )
    if milestone.kind != "budget" and (entry.planned is not None or entry.by_source):
        raise InputError(
            f"{milestone.code} is a {milestone.kind} milestone: planned amounts are for budget lines"
        )
    amounts = (
        ("value", value),
        ("executed", executed),
        ("secured", entry.secured),
        ("planned", entry.planned),
    )
    for name, amount in amounts:
        if amount is not None and amount < 0:
            raise InputError(f"{name} {amount} is negative")
    previous = _latest(session, milestone)
    goes_down = (
        previous is not None and previous.value is not None and value is not None and value < previous.value
    )
    if milestone.kind == "quantity" and milestone.cumulative and goes_down and not entry.correction:
        assert previous is not None
        raise InputError(
            f"{milestone.code} is cumulative and was {previous.value} on {previous.as_of}; "
            f"{value} would go down — log it as a correction (--correction) if that was wrong"
        )
    # Checked before the row exists: built with its milestone, it would already be in the session.
    if value is None and status is None and executed is None and entry.secured is None:
        raise InputError("nothing to report: give --value, --status, --held, --executed or --secured")
    report = m.ProgressReport(
        commitment=milestone.commitment,
        milestone=milestone,
        value=value,
        status=status,
        executed_amount=executed,
        secured_amount=entry.secured,
        planned_amount=entry.planned,
        by_source=entry.by_source or None,
        as_of=as_of,
        note=entry.note,
        evidence=list(entry.evidence),
        reporter=entry.reporter,
        channel=entry.channel,
        entered_at=now,
        corrects=previous if entry.correction else None,
    )
    session.add(report)
    return report


STATUSES_BY_KIND: dict[str, set[MilestoneStatus]] = {
    "completion": {MilestoneStatus.DONE},
    "payment": {MilestoneStatus.STARTED, MilestoneStatus.DONE},
    "event": {MilestoneStatus.HELD, MilestoneStatus.CANCELLED},
    "quantity": set(),
    "budget": set(),
}


def _milestone_status(milestone: m.Milestone, entry: ProgressInput) -> str | None:
    if entry.status is None:
        return None
    try:
        status = MilestoneStatus.parse(entry.status)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    allowed = STATUSES_BY_KIND[milestone.kind]
    if not allowed:
        measure = "a value (--value)" if milestone.kind == "quantity" else "amounts (--executed, --secured)"
        raise InputError(
            f"{milestone.code} is a {milestone.kind} milestone: it takes {measure}, not a status"
        )
    if status not in allowed:
        raise InputError(
            f"{milestone.code} is a {milestone.kind} milestone: status must be one of "
            f"{', '.join(sorted(s.value for s in allowed))}"
        )
    return status.value


def _latest(session: Session, milestone: m.Milestone) -> m.ProgressReport | None:
    query = (
        select(m.ProgressReport)
        .where(m.ProgressReport.milestone_id == milestone.id)
        .order_by(m.ProgressReport.entered_at.desc(), m.ProgressReport.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def _restart_stale_clocks(commitment: m.Commitment, now: datetime) -> None:
    """A report restarts the stale clock of its commitment and of every commitment above it."""
    node: m.Commitment | None = commitment
    while node is not None:
        if node.stale_ref_at is None or node.stale_ref_at < now:
            node.stale_ref_at = now
        node = node.parent
