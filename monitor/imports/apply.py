"""Importing a progress file, all or nothing.

The whole file is read and checked first; then, in one transaction scoped to the actor (`scoped_write`,
refusals recorded), every report goes through the write path of `log_progress`, as one `Batch`: the codes
are resolved, the roster checked and the reports already recorded found with a few queries for the whole
file; each report is checked in file order against the database and the rows before it (a cumulative value
going down is caught within the file too); then all are inserted and chained at once. Any problem
anywhere: nothing is inserted, the transaction is rolled back and every problem is reported. A dry run
writes the same way and then rolls back (the ids it shows for corrections are those that write got; on
PostgreSQL, whose sequences do not roll back, the real import's ids are later ones).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from monitor.db import models as m
from monitor.errors import InputError
from monitor.history.chain import NewRow
from monitor.imports.check import Target, check_row, resolve
from monitor.imports.columns import Field, HeaderMap, map_headers
from monitor.imports.combine import Planned, plan
from monitor.imports.existing import already_recorded
from monitor.imports.problems import ImportRejected, Problem
from monitor.imports.read import read_table
from monitor.imports.validate import Parsed, parse_rows
from monitor.progress import Batch
from monitor.scope import Actor, authorize, scoped_write
from monitor.timeutil import local_date
from monitor.vocab import Channel, Lang
from monitor.writecheck import PLAUSIBLE_FACTOR, WriteProblem, WriteRefused

COMMAND = "progress import"


@dataclass(frozen=True)
class Written:
    """A report as written (or, in a dry run, as it would be)."""

    rows: tuple[int, ...]
    code: str
    as_of: date
    fields: dict[str, str]  # English keys (value, status, 국비.executed …) → the figure as written
    unit: str = ""  # the milestone's unit ("" for a commitment; amounts are in 백만원)
    commitment: bool = False  # status is a commitment's official status, not a milestone's


@dataclass(frozen=True)
class ImportOutcome:
    file: str
    rows: int  # data rows read (blank lines not counted)
    skipped: int  # rows with nothing to report
    unchanged: int  # reports the database already holds, not written again
    written: list[Written]
    ignored_columns: tuple[str, ...]
    dry_run: bool


@dataclass(frozen=True)
class WriteOptions:
    """How an import writes: `confirm` figures far past the plan or target, `factor` (the
    `plausible_factor` setting) saying how far, `lang` of the problems listed."""

    confirm: bool = False
    factor: Decimal = PLAUSIBLE_FACTOR
    lang: Lang = "en"
    correction: bool = False


class _DryRun(Exception):
    """Raised inside the transaction so it rolls back; carries what would have been written."""

    def __init__(self, written: list[Written], unchanged: int) -> None:
        super().__init__("dry run")
        self.written, self.unchanged = written, unchanged


def read_and_parse(path: Path, today: date, lang: Lang = "en") -> tuple[HeaderMap, Parsed, int]:
    """The file's columns and typed rows (no database). Unreadable files and missing columns raise
    `ImportRejected`, in `lang`."""
    try:
        table = read_table(path)
    except ImportRejected as unreadable:
        raise unreadable.speaking(lang) from None
    headers, problems = map_headers(table.headers, table.header_row)
    if problems:
        raise ImportRejected(table.file, problems, lang=lang)
    return headers, parse_rows(table, headers, today), len(table.rows)


def import_progress(
    sessions: sessionmaker[Session],
    path: Path,
    *,
    by: str,
    now: datetime,
    tz: ZoneInfo,
    dry_run: bool = False,
    correction: bool = False,
    options: WriteOptions | None = None,
) -> ImportOutcome:
    """Import FILE as `by` (a name on the officials roster). Raises `ImportRejected` listing every problem
    (nothing written), `Refused` when `by` may not report on some target (recorded, nothing written)."""
    options = replace(options or WriteOptions(), correction=correction)
    headers, parsed, count = read_and_parse(path, local_date(now, tz), options.lang)
    actor = Actor(Channel.IMPORT.value, name=by.strip())
    try:
        with scoped_write(sessions, actor, command=COMMAND, detail=path.name, now=now) as session:
            written, unchanged = _write(session, actor, headers, parsed, now, tz, options, path.name)
            if dry_run:
                raise _DryRun(written, unchanged)
    except _DryRun as rolled_back:
        written, unchanged = rolled_back.written, rolled_back.unchanged
    return ImportOutcome(path.name, count, parsed.skipped, unchanged, written, headers.ignored, dry_run)


def _write(
    session: Session,
    actor: Actor,
    headers: HeaderMap,
    parsed: Parsed,
    now: datetime,
    tz: ZoneInfo,
    options: WriteOptions,
    file: str,
) -> tuple[list[Written], int]:
    batch = Batch(
        session, now, tz, options.factor
    )  # the writers' turn first: nothing read below can change meanwhile
    targets, problems = resolve(session, parsed.rows, headers)
    commitments = {t.code: t for t in targets.values() if isinstance(t, m.Commitment)}
    commitments |= {t.commitment.code: t.commitment for t in targets.values() if isinstance(t, m.Milestone)}
    authorize(session, actor, commitments.values())
    problems += parsed.problems
    good = [row for row in parsed.rows if row.valid and row.code in targets]
    checked = {row.row: check_row(row, targets[row.code], headers) for row in good}
    problems += [p for found in checked.values() for p in found]
    planned, found = plan([row for row in good if not checked[row.row]], targets, headers, str(actor))
    problems += found
    unchanged = already_recorded(session, planned, targets)
    new = [report for position, report in enumerate(planned) if position not in unchanged]
    added = _add_all(batch, new, targets, headers, options, problems)
    if problems:
        raise ImportRejected(file, problems, headers.written, options.lang)
    batch.write()
    return [_describe(report, row, targets[report.entry.code]) for report, row in added], len(unchanged)


def _add_all(
    batch: Batch,
    reports: list[Planned],
    targets: dict[str, Target],
    headers: HeaderMap,
    options: WriteOptions,
    problems: list[Problem],
) -> list[tuple[Planned, NewRow]]:
    """Add every report to the batch in file order; each one refused is a problem at its first row, at
    the column of each field the write path's check names."""
    batch.expect(t for report in reports if isinstance(t := targets[report.entry.code], m.Milestone))
    added: list[tuple[Planned, NewRow]] = []
    for report in reports:
        confirmed = replace(report, entry=replace(report.entry, confirmed=options.confirm))
        try:
            added.append((report, _add(batch, confirmed, targets[report.entry.code], options.correction)))
        except WriteRefused as refused:
            problems += [_problem(report.rows[0], headers, p) for p in refused.problems]
        except InputError as exc:
            problems.append(Problem(report.rows[0], report.column, str(exc), exc.ko))
    return added


def _problem(row: int, headers: HeaderMap, problem: WriteProblem) -> Problem:
    hint = problem.confirmable  # implausible figures: say how to confirm them (`progress import --confirm`)
    return Problem(
        row, headers.name(Field(problem.field)), problem.text("en", hint), problem.text("ko", hint)
    )


def _add(batch: Batch, report: Planned, target: Target, correction: bool) -> NewRow:
    try:
        return batch.add(report.entry, target)
    except InputError:
        # --correction: a cumulative value that went down corrects the latest report. Nothing was added
        # by the failed call, so trying again as a correction is safe (other errors fail again).
        if not (correction and report.cumulative):
            raise
        return batch.add(replace(report.entry, correction=True), target)


def _describe(report: Planned, row: NewRow, target: Target) -> Written:
    values = row.values
    fields: dict[str, str] = {}
    if row.model is m.StatusChange:
        fields["status"] = values["status"]
    else:
        amounts = {
            "value": values["value"],
            "status": values["status"],
            "planned": values["planned_amount"],
            "secured": values["secured_amount"],
            "executed": values["executed_amount"],
        }
        fields |= {name: str(amount) for name, amount in amounts.items() if amount is not None}
        for source, split in (values["by_source"] or {}).items():
            fields |= {f"{source}.{name}": str(amount) for name, amount in split.items()}
        if values["corrects_id"] is not None:
            fields["corrects"] = f"#{values['corrects_id']}"
    if values["note"]:
        fields["note"] = values["note"]
    if values["evidence"]:
        fields["evidence"] = " ".join(values["evidence"])
    unit = (target.unit or "") if isinstance(target, m.Milestone) else ""
    commitment = isinstance(target, m.Commitment)
    return Written(report.rows, report.entry.code, values["as_of"], fields, unit, commitment)
