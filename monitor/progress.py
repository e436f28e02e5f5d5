"""Logging progress: the one write path for reports — `monitor progress log`, the bot's /log and the
spreadsheet import all write through a `Batch` (`log_progress` is a batch of one).

A report on a milestone is a value, a milestone status (done, started, held, cancelled) or budget
amounts; a report on a commitment is an official status (정상추진 …), kept in its status history. Reports
are appended, never changed: a correction is a new row pointing at the one it corrects.

Why a batch: writing a spreadsheet's reports one at a time (lookups, a flush and a chain append each) took
over a minute for 10,000 rows. A batch takes the writers' turn on the history head, looks up what the
checks need set-wise, checks each report against the database and the reports added before it (so a
cumulative value going down is caught within a file too) and builds it as a plain row; then every row
goes in with a few multi-row INSERTs and one chain append, in the order added — the rows, ids and chain
entries writing them one by one would give.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor.db import models as m
from monitor.errors import InputError
from monitor.history import chain
from monitor.history.chain import NewRow
from monitor.registry import find_code
from monitor.signals import Topic, touch
from monitor.timeutil import local_date
from monitor.vocab import Status
from monitor.writecheck import (
    PLAUSIBLE_FACTOR,
    Latest,
    ProgressInput,
    WriteProblem,
    WriteRefused,
    check_report,
    milestone_status,
)

Target = m.Commitment | m.Milestone
_CHUNK = 500


def log_progress(
    session: Session, entry: ProgressInput, now: datetime, tz: ZoneInfo, factor: Decimal = PLAUSIBLE_FACTOR
) -> m.ProgressReport | m.StatusChange:
    """Validate and append one report; bumps the progress signal so a running daemon re-plans."""
    batch = Batch(session, now, tz, factor)
    row = batch.add(entry)
    batch.write()
    return cast(m.ProgressReport | m.StatusChange, session.get_one(row.model, row.values["id"]))


class Batch:
    """Reports checked one by one as they are added (`add` raises `InputError` and adds nothing), then
    written together (`write`), in the session's transaction."""

    def __init__(
        self, session: Session, now: datetime, tz: ZoneInfo, factor: Decimal = PLAUSIBLE_FACTOR
    ) -> None:
        self.session, self.now, self.tz, self.factor = session, now, tz, factor
        self.rows: list[NewRow] = []
        self._targets: dict[int, Target] = {}
        self._latest: dict[int, Latest | None] = {}
        chain.lock(session)  # serialised with every other writer before anything is read

    def expect(self, milestones: Iterable[m.Milestone]) -> None:
        """Look up the latest report of all these milestones at once (else `add` looks up one at a time)."""
        wanted = sorted({milestone.id for milestone in milestones if milestone.id not in self._latest})
        if wanted:
            self._latest |= dict.fromkeys(wanted) | _latest_reports(self.session, wanted)

    def add(self, entry: ProgressInput, target: Target | None = None) -> NewRow:
        """Check and add one report on `target` (found by `entry.code` when not given)."""
        as_of = check_entry(entry, self.now, self.tz)
        target = target or find_code(self.session, entry.code)
        if target.retired_at is not None:
            raise InputError(
                f"{target.code} was removed from the seeds; it takes no more reports",
                ko=f"{target.code}은(는) 시드에서 빠졌습니다: 더는 보고를 받지 않습니다",
            )
        if isinstance(target, m.Commitment):
            _refuse(check_report(target, entry), entry)
            row = NewRow(m.StatusChange, status_values(target, entry, as_of, self.now))
        else:
            row = self._report(target, entry, as_of)
        self.rows.append(row)
        self._targets.setdefault(id(target), target)
        return row

    def _report(self, milestone: m.Milestone, entry: ProgressInput, as_of: date) -> NewRow:
        self.expect([milestone])
        previous = self._latest[milestone.id]
        _refuse(check_report(milestone, entry, previous, self.factor), entry)
        row = NewRow(m.ProgressReport, report_values(milestone, entry, as_of, self.now))
        if entry.correction and previous is not None:
            row.values["corrects_id"] = previous.id
            row.refers = ("corrects_id", previous.row) if previous.row is not None else None
        # the latest is by (entered_at, id), and a row of this batch gets a larger id than those recorded
        if previous is None or self.now >= previous.entered_at:
            self._latest[milestone.id] = Latest(row.values["value"], as_of, self.now, row=row)
        return row

    def write(self) -> None:
        """Insert and chain every row in the order added, restart the stale clocks, bump the signal."""
        if not self.rows:
            return
        chain.insert_rows(self.session, self.rows)
        for target in self._targets.values():  # a collection loaded before would miss the new rows
            self.session.expire(target, ["status_changes" if isinstance(target, m.Commitment) else "reports"])
        for commitment in {id(c): c for c in map(_commitment, self._targets.values())}.values():
            _restart_stale_clocks(commitment, self.now)
        touch(self.session, Topic.PROGRESS, self.now, {_commitment(t).code for t in self._targets.values()})
        self.session.flush()


def check_entry(entry: ProgressInput, now: datetime, tz: ZoneInfo) -> date:
    """What every report needs whatever its target: a reporter, an as-of date not in the future (today by
    default, returned), http(s) evidence."""
    if not entry.reporter.strip():
        raise InputError("a report needs the reporter's name (--by)", ko="보고자 이름(--by)이 필요합니다")
    as_of = entry.as_of or local_date(now, tz)
    if as_of > local_date(now, tz):
        raise InputError(f"as-of date {as_of} is in the future", ko=f"기준일 {as_of}은(는) 미래입니다")
    for url in entry.evidence:
        parsed = urlparse(url)
        if parsed.scheme not in {"http", "https"} or not parsed.netloc:
            raise InputError(
                f"evidence {url!r} is not an http(s) URL", ko=f"근거 {url!r}은(는) http(s) 주소가 아닙니다"
            )
    return as_of


def _refuse(problems: list[WriteProblem], entry: ProgressInput) -> None:
    if problems:
        raise WriteRefused(problems, entry.channel)


def status_values(
    commitment: m.Commitment, entry: ProgressInput, as_of: date, now: datetime
) -> dict[str, Any]:
    return {
        "commitment_id": commitment.id,
        "status": Status.parse(entry.status or "").value,
        "as_of": as_of,
        "note": entry.note,
        "evidence": list(entry.evidence),
        "reporter": entry.reporter,
        "channel": entry.channel,
        "entered_at": now,
        "corrects_id": None,
    }


def report_values(milestone: m.Milestone, entry: ProgressInput, as_of: date, now: datetime) -> dict[str, Any]:
    status = milestone_status(entry.status) if entry.status is not None else None
    return {
        "commitment_id": milestone.commitment_id,
        "milestone_id": milestone.id,
        "value": entry.value,
        "status": status.value if status else None,
        "secured_amount": entry.secured,
        "executed_amount": entry.executed,
        "planned_amount": entry.planned,
        "by_source": entry.by_source or None,
        "as_of": as_of,
        "note": entry.note,
        "evidence": list(entry.evidence),
        "reporter": entry.reporter,
        "channel": entry.channel,
        "entered_at": now,
        "corrects_id": None,
    }


def _latest_reports(session: Session, milestone_ids: list[int]) -> dict[int, Latest | None]:
    """Each milestone's latest report by (entered_at, id), a few hundred milestones a query."""
    report = m.ProgressReport
    found: dict[int, Latest | None] = {}
    for start in range(0, len(milestone_ids), _CHUNK):
        order = (report.entered_at.desc(), report.id.desc())
        rank = func.row_number().over(partition_by=report.milestone_id, order_by=order).label("rank")
        columns = (report.milestone_id, report.value, report.as_of, report.entered_at, report.id, rank)
        chunk = milestone_ids[start : start + _CHUNK]
        ranked = select(*columns).where(report.milestone_id.in_(chunk)).subquery()
        query = select(ranked).where(ranked.c.rank == 1)
        for milestone_id, value, as_of, entered_at, report_id, _ in session.execute(query):
            found[milestone_id] = Latest(value, as_of, entered_at, id=report_id)
    return found


def _commitment(target: Target) -> m.Commitment:
    return target if isinstance(target, m.Commitment) else target.commitment


def _restart_stale_clocks(commitment: m.Commitment, now: datetime) -> None:
    """A report restarts the stale clock of its commitment and of every commitment above it."""
    node: m.Commitment | None = commitment
    while node is not None:
        if node.stale_ref_at is None or node.stale_ref_at < now:
            node.stale_ref_at = now
        node = node.parent
