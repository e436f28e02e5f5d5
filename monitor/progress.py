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
from dataclasses import dataclass, field
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
from monitor.i18n import amount, t
from monitor.registry import find_code
from monitor.signals import Topic, touch
from monitor.timeutil import local_date
from monitor.vocab import Channel, Lang, MilestoneStatus, Status

Target = m.Commitment | m.Milestone
_CHUNK = 500
PLAUSIBLE_FACTOR = Decimal("1.5")  # the default of the `plausible_factor` setting
TARGET_TIMES = 10  # a cumulative value past this many times its target is a typo until confirmed


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
    confirmed: bool = False  # the reporter confirmed figures far past the plan or target


@dataclass(frozen=True)
class _Latest:
    """A milestone's latest report: one recorded (`id`) or one added to the batch (`row`)."""

    value: Decimal | None
    as_of: date
    entered_at: datetime
    id: int | None = None
    row: NewRow | None = None


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
        self._latest: dict[int, _Latest | None] = {}
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
            raise InputError(f"{target.code} was removed from the seeds; it takes no more reports")
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
            self._latest[milestone.id] = _Latest(row.values["value"], as_of, self.now, row=row)
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
        touch(self.session, Topic.PROGRESS)
        self.session.flush()


def check_entry(entry: ProgressInput, now: datetime, tz: ZoneInfo) -> date:
    """What every report needs whatever its target: a reporter, an as-of date not in the future (today by
    default, returned), http(s) evidence."""
    if not entry.reporter.strip():
        raise InputError("a report needs the reporter's name (--by)")
    as_of = entry.as_of or local_date(now, tz)
    if as_of > local_date(now, tz):
        raise InputError(f"as-of date {as_of} is in the future")
    for url in entry.evidence:
        parsed = urlparse(url)
        if parsed.scheme not in {"http", "https"} or not parsed.netloc:
            raise InputError(f"evidence {url!r} is not an http(s) URL")
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


# ── The one check of every write (CLI, spreadsheet import, the bot's /log, an API): pure, over the typed
# input and the facts of its target (and the milestone's latest report), naming the field of each problem.

AMOUNTS = ("planned", "secured", "executed")
LABELS = {"value": "실적", "status": "상태", "planned": "계획액", "secured": "확보액", "executed": "집행액"}
# kind → (Korean name, the statuses it takes in Korean, and in English)
KINDS = {
    "quantity": ("수량", "", ""),
    "completion": ("완료", "완료", "완료 (done)"),
    "payment": ("지급", "시행 또는 완료", "시행 (started) or 완료 (done)"),
    "event": ("행사", "개최 또는 취소", "개최 (held) or 취소 (cancelled)"),
    "budget": ("예산", "", ""),
}
STATUSES_BY_KIND: dict[str, set[MilestoneStatus]] = {
    "completion": {MilestoneStatus.DONE},
    "payment": {MilestoneStatus.STARTED, MilestoneStatus.DONE},
    "event": {MilestoneStatus.HELD, MilestoneStatus.CANCELLED},
    "quantity": set(),
    "budget": set(),
}


@dataclass(frozen=True)
class WriteProblem:
    """What is wrong with one field of a report. `confirmable`: an implausible figure, written when the
    reporter confirms it (`ProgressInput.confirmed`)."""

    field: str  # value, status, planned, secured or executed
    key: str  # its message in monitor.i18n
    values: dict[str, Any]
    confirmable: bool = False

    def text(self, lang: Lang, hint: bool = False) -> str:
        return t(self.key, lang, **self.values) + (t("write.confirm_hint", lang) if hint else "")


class WriteRefused(InputError):
    """A report the check refuses, every problem in one line (English `str`, Korean `ko`). `unconfirmed`:
    only implausible figures — a confirmation lets it through. The CLI and the import say how to confirm."""

    def __init__(self, problems: list[WriteProblem], channel: str) -> None:
        self.problems = problems
        self.unconfirmed = all(p.confirmable for p in problems)
        self.hint = channel in (Channel.CLI.value, Channel.IMPORT.value)
        super().__init__(self.render("en"), ko=self.render("ko"))

    def render(self, lang: Lang, hint: bool | None = None) -> str:
        hinted = self.hint if hint is None else hint
        return "; ".join(p.text(lang, hinted and p.confirmable) for p in self.problems)


def milestone_status(text: str) -> MilestoneStatus | None:
    """A milestone status word, spacing ignored (완료, 개최, done …); None when it is not one."""
    try:
        return MilestoneStatus.parse("".join(text.split()))
    except ValueError:
        return None


def check_report(
    target: Target,
    entry: ProgressInput,
    latest: _Latest | None = None,
    factor: Decimal = PLAUSIBLE_FACTOR,
    part: bool = False,
) -> list[WriteProblem]:
    """Every problem of `entry` as a report on `target`; none: it may be written. `latest`: the milestone's
    latest report; `part`: one row of a report split by funding source (checked again as a whole)."""
    if isinstance(target, m.Commitment):
        return _commitment_problems(target, entry)
    found = _negative(entry) or _budget_problems(target, entry, part) or _shape_problems(target, entry)
    if found or part:
        return found
    found = _going_down(target, entry, latest) + _implausible(target, entry, factor, latest)
    return [p for p in found if not (p.confirmable and entry.confirmed)]


def _given(entry: ProgressInput, *names: str) -> list[str]:
    return [name for name in names if getattr(entry, name) is not None]


def _about(name: str, code: str, **values: Any) -> dict[str, Any]:
    return {"code": code, "name": name, "label": LABELS.get(name, name), **values}


def _commitment_problems(commitment: m.Commitment, entry: ProgressInput) -> list[WriteProblem]:
    found = [
        WriteProblem(name, "write.commitment", _about(name, commitment.code))
        for name in _given(entry, "value", *AMOUNTS)
    ]
    if entry.status is None:
        return found or [WriteProblem("status", "write.commitment_status", {"code": commitment.code})]
    try:
        Status.parse(entry.status)
    except ValueError as exc:
        found.append(WriteProblem("status", "write.raw", {"message": str(exc)}))
    return found


def _negative(entry: ProgressInput) -> list[WriteProblem]:
    """No amount below zero: not a total, and not one source's part of it either."""
    amounts = [(name, name, LABELS[name], getattr(entry, name)) for name in ("value", *AMOUNTS)]
    for source, split in (entry.by_source or {}).items():
        amounts += [(n, f"{source}.{n}", f"{source} {LABELS[n]}", Decimal(a)) for n, a in split.items()]
    return [
        WriteProblem(field, "write.negative", {"name": name, "label": label, "amount": amount})
        for field, name, label, amount in amounts
        if amount is not None and amount < 0
    ]


def _budget_problems(milestone: m.Milestone, entry: ProgressInput, part: bool) -> list[WriteProblem]:
    if milestone.kind != "budget":
        return []
    found = [
        WriteProblem(name, "write.budget_not", _about(name, milestone.code))
        for name in _given(entry, "value", "status")
    ]
    if not found and not _given(entry, *AMOUNTS):
        found.append(WriteProblem("executed", "write.budget_missing", {"code": milestone.code}))
    elif not found and not part and not _given(entry, "secured", "executed"):
        found.append(WriteProblem("planned", "write.planned_alone", {}))
    return found


def _shape_problems(milestone: m.Milestone, entry: ProgressInput) -> list[WriteProblem]:
    """What a milestone other than a budget tranche does not take, or misses."""
    if milestone.kind == "budget":
        return []
    kind_ko, words_ko, words = KINDS[milestone.kind]
    about: dict[str, Any] = {"kind": milestone.kind, "kind_ko": kind_ko, "words": words, "words_ko": words_ko}
    about |= {"unit": milestone.unit, "code": milestone.code}
    amounts = _given(entry, *AMOUNTS) + (["executed"] if entry.by_source else [])
    found = [WriteProblem(name, "write.amounts", about | {"label": LABELS[name]}) for name in amounts]
    status = milestone_status(entry.status) if entry.status is not None else None
    if milestone.kind == "quantity":
        if entry.status is not None:
            found.append(WriteProblem("status", "write.quantity_status", about))
        elif entry.value is None:
            found.append(WriteProblem("value", "write.quantity_missing", about))
    elif entry.value is not None:
        found.append(WriteProblem("value", "write.status_not_value", about))
    elif entry.status is None:
        found.append(WriteProblem("status", "write.status_missing", about))
    elif status is None:
        found.append(WriteProblem("status", "write.raw", {"message": _unknown_status(entry.status)}))
    elif status not in STATUSES_BY_KIND[milestone.kind]:
        allowed = ", ".join(sorted(s.value for s in STATUSES_BY_KIND[milestone.kind]))
        found.append(
            WriteProblem(
                "status", "write.status_not_allowed", about | {"given": entry.status, "allowed": allowed}
            )
        )
    return found


def _unknown_status(text: str) -> str:
    try:
        MilestoneStatus.parse(text)
    except ValueError as exc:
        return str(exc)
    return text


def _going_down(milestone: m.Milestone, entry: ProgressInput, latest: _Latest | None) -> list[WriteProblem]:
    was = latest.value if latest is not None else None
    if milestone.kind != "quantity" or not milestone.cumulative or entry.correction or latest is None:
        return []
    if was is None or entry.value is None or entry.value >= was:
        return []
    values = {"code": milestone.code, "was": was, "as_of": latest.as_of, "value": entry.value}
    return [WriteProblem("value", "write.going_down", values)]


def _implausible(
    milestone: m.Milestone, entry: ProgressInput, factor: Decimal, latest: _Latest | None
) -> list[WriteProblem]:
    """Figures far past the plan or the target: executed or secured above planned × `factor`; a cumulative
    value up by more than TARGET_TIMES × its target since the latest report (or the baseline)."""
    found: list[WriteProblem] = []
    plan, target, value = milestone.planned_amount, milestone.target_value, entry.value
    for name in _given(entry, "secured", "executed") if milestone.kind == "budget" and plan else []:
        given: Decimal = getattr(entry, name)
        if plan is not None and given > plan * factor:
            values = _about(name, milestone.code, amount=amount(given), plan=amount(plan), factor=factor)
            percent = round(given * 100 / plan)
            found.append(WriteProblem(name, "write.over_plan", values | {"percent": percent}, True))
    was = (latest.value if latest is not None else None) or milestone.baseline or Decimal(0)
    if milestone.kind != "quantity" or not milestone.cumulative or not target or value is None:
        return found
    if value - was > target * TARGET_TIMES:
        values = {"value": amount(value), "was": amount(was), "target": amount(target), "times": TARGET_TIMES}
        values |= {"code": milestone.code, "unit": milestone.unit or ""}
        found.append(WriteProblem("value", "write.over_target", values, True))
    return found


def _latest_reports(session: Session, milestone_ids: list[int]) -> dict[int, _Latest | None]:
    """Each milestone's latest report by (entered_at, id), a few hundred milestones a query."""
    report = m.ProgressReport
    found: dict[int, _Latest | None] = {}
    for start in range(0, len(milestone_ids), _CHUNK):
        order = (report.entered_at.desc(), report.id.desc())
        rank = func.row_number().over(partition_by=report.milestone_id, order_by=order).label("rank")
        columns = (report.milestone_id, report.value, report.as_of, report.entered_at, report.id, rank)
        chunk = milestone_ids[start : start + _CHUNK]
        ranked = select(*columns).where(report.milestone_id.in_(chunk)).subquery()
        query = select(ranked).where(ranked.c.rank == 1)
        for milestone_id, value, as_of, entered_at, report_id, _ in session.execute(query):
            found[milestone_id] = _Latest(value, as_of, entered_at, id=report_id)
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
