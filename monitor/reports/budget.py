"""The budget report (공약가계부): per pledge line and year, planned vs secured vs executed.

Amounts in 백만원. A line without a report of its own for a year takes what its items reported (as
`monitor.metrics` does for the totals); the jurisdiction totals are `monitor.metrics`' own figures, from
the same snapshot as the lines, so the two can never disagree. The published table's consistency
findings (from the last seed load) close the report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from monitor import snapshot
from monitor.metrics import Metrics, from_snapshot
from monitor.notify.labels import CONDITION_LABELS, label
from monitor.reports.budget_table import FindingRow, LineRow, budget_findings, depth, line_rows
from monitor.reports.common import Countdown, ReportHeader, countdown, make_header
from monitor.reports.figures import done_label
from monitor.rules import MilestoneFacts, ReportSummary, Rule, RuleConfig
from monitor.rules.outcome import State
from monitor.snapshot import Snapshot
from monitor.timeutil import local_date
from monitor.vocab import Lang

TRANCHE_RULES = (Rule.BUDGET, Rule.ACHIEVED)  # a tranche's states: unreported, underspent, achieved
Figures = tuple[Decimal | None, Decimal | None]  # (secured, executed) as reported; None: nothing reported


@dataclass(frozen=True)
class BudgetCell:
    column: str  # "2022~2023", "2024"
    milestone: str
    planned: Decimal
    secured: Decimal | None
    executed: Decimal | None
    securing_rate: Decimal | None
    execution_rate: Decimal | None
    state: str | None  # the snapshot's condition: "unreported", "underspent", "achieved"; None while open
    state_label: str | None  # 예산 집행 미보고, 예산 집행 부진, 집행 목표 달성
    countdown: Countdown  # shown only while the tranche is open (no state)


@dataclass(frozen=True)
class BudgetLine:
    code: str
    title: str
    jurisdiction: str
    category: str | None
    depth: int  # 0 for a top-level line, 1 for its items …
    published_total: Decimal | None  # the line's 총계 as published
    non_budget: bool
    cells: list[BudgetCell]
    planned: Decimal
    secured: Decimal | None
    executed: Decimal | None
    securing_rate: Decimal | None
    execution_rate: Decimal | None

    def cell(self, column: str) -> BudgetCell | None:
        """The tranche of a year column; None where the table plans nothing ("-")."""
        return next((cell for cell in self.cells if cell.column == column), None)


@dataclass(frozen=True)
class BudgetTotal:
    """One jurisdiction's top-level lines added up, per year column and overall (column None)."""

    jurisdiction: str
    jurisdiction_name: str
    column: str | None
    planned: Decimal
    secured: Decimal
    executed: Decimal
    securing_rate: Decimal | None
    execution_rate: Decimal | None
    securing_rate_in_term: Decimal | None = None  # overall rows only


@dataclass(frozen=True)
class BudgetReport:
    header: ReportHeader
    columns: list[str]
    lines: list[BudgetLine]
    totals: list[BudgetTotal]
    findings: list[FindingRow]


def ratio(part: Decimal | None, whole: Decimal) -> Decimal | None:
    return None if part is None or whole == 0 else (part / whole).quantize(Decimal("0.0001"))


def column_label(years: tuple[int, int] | None) -> str:
    first, last = years or (0, 0)
    return str(first) if first == last else f"{first}~{last}"


def build_budget(
    session: Session,
    *,
    as_of: datetime,
    tz: ZoneInfo,
    lang: Lang,
    config: RuleConfig,
    jurisdiction: str | None = None,
) -> BudgetReport:
    snap = snapshot.take(session, config, as_of, jurisdiction)
    header = make_header(session, "budget", as_of, tz, jurisdiction, lang, snap.scope.jurisdictions)
    tranches = [f for f in snap.milestones if f.kind == "budget" and snap.scope.concerns(f.parties)]
    states = {e.subject: e.condition for e in snap.evaluations if e.rule in TRANCHE_RULES}
    figures = _figures(tranches, snap)
    by_line: dict[str, list[MilestoneFacts]] = defaultdict(list)
    for facts in sorted(tranches, key=lambda f: (f.fiscal_years or (0, 0), f.code)):
        by_line[facts.commitment_code].append(facts)
    lines, rows = [], _line_rows(session, snap)
    for row in rows:
        cells = [_cell(f, figures[f.code], states.get(f.code), as_of, tz, lang) for f in by_line[row.code]]
        lines.append(_line(row, cells, depth(row.code, snap.commitments, set(by_line))))
    columns = sorted({column_label(f.fiscal_years) for f in tranches})
    overall = from_snapshot(snap, local_date(as_of, tz).year, by_category=False)
    totals = _totals(lines, columns, header, {r.jurisdiction: r for r in overall})
    findings = budget_findings(session, {row.seed_file for row in rows}, lang)
    return BudgetReport(header=header, columns=columns, lines=lines, totals=totals, findings=findings)


def _line_rows(session: Session, snap: Snapshot) -> list[LineRow]:
    """The published tables' lines of the commitments in scope that concern its jurisdictions."""
    rows = line_rows(session, None)
    if snap.scope.jurisdictions is None:
        return rows
    wanted = {code for code in snap.in_scope if snap.scope.concerns(snap.commitments[code].parties)}
    return [row for row in rows if row.code in wanted]


def _figures(tranches: list[MilestoneFacts], snap: Snapshot) -> dict[str, Figures]:
    """Reported (secured, executed) per tranche; a line without its own takes the sum of its items'."""
    own = {f.code: snap.summary(f) for f in tranches}
    below: dict[str, list[ReportSummary]] = defaultdict(list)
    for facts in tranches:
        commitment = snap.commitments.get(facts.commitment_code)
        parent = commitment.parent_code if commitment is not None else None
        key = facts.code.rsplit(".", 1)[-1]
        if parent is not None and f"{parent}.{key}" in own:
            below[f"{parent}.{key}"].append(own[facts.code])
    result: dict[str, Figures] = {}
    for code, summary in own.items():
        items = below.get(code, [])
        result[code] = (
            summary.max_secured if summary.max_secured is not None else _sum(s.max_secured for s in items),
            summary.max_executed if summary.max_executed is not None else _sum(s.max_executed for s in items),
        )
    return result


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    """The sum of what was reported; None when nothing was."""
    found = [v for v in values if v is not None]
    return sum(found, Decimal(0)) if found else None


def _cell(
    facts: MilestoneFacts, figures: Figures, state: str | None, as_of: datetime, tz: ZoneInfo, lang: Lang
) -> BudgetCell:
    planned = facts.planned_amount or Decimal(0)
    secured, executed = figures
    return BudgetCell(
        column=column_label(facts.fiscal_years),
        milestone=facts.code,
        planned=planned,
        secured=secured,
        executed=executed,
        securing_rate=ratio(secured, planned),
        execution_rate=ratio(executed, planned),
        state=state,
        state_label=_state_label(state, lang),
        countdown=countdown(facts.due_at, as_of, tz, lang, met=state == State.ACHIEVED),
    )


def _state_label(state: str | None, lang: Lang) -> str | None:
    if state is None:
        return None
    return done_label("budget", lang) if state == State.ACHIEVED else label(CONDITION_LABELS, state, lang)


def _line(row: LineRow, cells: list[BudgetCell], depth: int) -> BudgetLine:
    planned = sum((cell.planned for cell in cells), Decimal(0))
    secured = _sum(cell.secured for cell in cells)
    executed = _sum(cell.executed for cell in cells)
    return BudgetLine(
        code=row.code,
        title=row.title,
        jurisdiction=row.jurisdiction,
        category=row.category,
        depth=depth,
        published_total=row.budget_total,
        non_budget=row.non_budget,
        cells=cells,
        planned=planned,
        secured=secured,
        executed=executed,
        securing_rate=ratio(secured, planned),
        execution_rate=ratio(executed, planned),
    )


def _totals(
    lines: list[BudgetLine], columns: list[str], header: ReportHeader, overall: dict[str, Metrics]
) -> list[BudgetTotal]:
    """Per jurisdiction: each year column over its top-level lines, then `monitor metrics`' overall row."""
    totals: list[BudgetTotal] = []
    for place in sorted({line.jurisdiction for line in lines}):
        name = header.names.get(place, place)
        top = [
            cell for line in lines if line.jurisdiction == place and line.depth == 0 for cell in line.cells
        ]
        for column in columns:
            cells = [cell for cell in top if cell.column == column]
            planned = sum((c.planned for c in cells), Decimal(0))
            secured = _sum(c.secured for c in cells) or Decimal(0)
            executed = _sum(c.executed for c in cells) or Decimal(0)
            rates = (ratio(secured, planned), ratio(executed, planned))
            totals.append(BudgetTotal(place, name, column, planned, secured, executed, *rates))
        metrics = overall.get(place)
        if metrics is not None:
            totals.append(_overall(place, name, metrics))
    return totals


def _overall(place: str, name: str, metrics: Metrics) -> BudgetTotal:
    return BudgetTotal(
        place,
        name,
        None,
        metrics.planned,
        metrics.secured,
        metrics.executed,
        metrics.securing_rate,
        metrics.execution_rate,
        metrics.securing_rate_in_term,
    )
