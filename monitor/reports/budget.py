"""The budget report (공약가계부): per pledge line and year, planned vs secured vs executed.

Amounts in 백만원. A line without a report of its own for a year takes what its items reported (as
`monitor.metrics` does for the totals); the jurisdiction totals are `monitor.metrics`' own figures. The
published table's consistency findings (from the last seed load) close the report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from monitor.evaluation.facts import load_commitment_facts, load_milestone_facts, load_parties
from monitor.evaluation.run import evaluate
from monitor.evaluation.summaries import load_summaries
from monitor.metrics import load_metrics
from monitor.reports.budget_table import FindingRow, LineRow, budget_findings, depth, line_rows
from monitor.reports.common import Countdown, ReportHeader, concerns, countdown, make_header
from monitor.rules import NO_REPORTS, MilestoneFacts, ReportSummary, Rule, RuleConfig
from monitor.timeutil import local_date
from monitor.vocab import Lang

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
    state: str | None  # the budget rule's condition: "unreported", "underspent"
    countdown: Countdown


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
    header = make_header(session, "budget", as_of, tz, jurisdiction, lang)
    parties = load_parties(session, None)
    tranches = [
        f
        for f in load_milestone_facts(session, None, parties)
        if f.kind == "budget" and concerns(f.parties, jurisdiction)
    ]
    commitments = {c.code: c for c in load_commitment_facts(session, as_of, tz, parties).values()}
    # one jurisdiction: only its lines; all: everything (no list of ids as long as the registry)
    ids = None
    if jurisdiction is not None:
        ids = {commitments[f.commitment_code].id for f in tranches if f.commitment_code in commitments}
    summaries = load_summaries(session, as_of, ids, levels=False)
    evaluations = evaluate(session, config, as_of, scope=ids).evaluations
    states = {e.subject: e.condition for e in evaluations if e.rule is Rule.BUDGET}
    figures = _figures(tranches, summaries, {c.code: c.parent_code for c in commitments.values()})
    by_line: dict[str, list[MilestoneFacts]] = defaultdict(list)
    for facts in sorted(tranches, key=lambda f: (f.fiscal_years or (0, 0), f.code)):
        by_line[facts.commitment_code].append(facts)
    lines, rows = [], line_rows(session, jurisdiction)
    for row in rows:
        cells = [_cell(f, figures[f.code], states.get(f.code), as_of, tz, lang) for f in by_line[row.code]]
        lines.append(_line(row, cells, depth(row.code, commitments, set(by_line))))
    columns = sorted({column_label(f.fiscal_years) for f in tranches})
    totals = _totals(session, lines, columns, header, as_of, tz)
    findings = budget_findings(session, {row.seed_file for row in rows}, lang)
    return BudgetReport(header=header, columns=columns, lines=lines, totals=totals, findings=findings)


def _figures(
    tranches: list[MilestoneFacts], summaries: dict[int, ReportSummary], parent_of: dict[str, str | None]
) -> dict[str, Figures]:
    """Reported (secured, executed) per tranche; a line without its own takes the sum of its items'."""
    own = {f.code: summaries.get(f.id, NO_REPORTS) for f in tranches}
    below: dict[str, list[ReportSummary]] = defaultdict(list)
    for facts in tranches:
        parent = parent_of.get(facts.commitment_code)
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
        countdown=countdown(facts.due_at, as_of, tz, lang, met=executed is not None),
    )


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
    session: Session,
    lines: list[BudgetLine],
    columns: list[str],
    header: ReportHeader,
    as_of: datetime,
    tz: ZoneInfo,
) -> list[BudgetTotal]:
    """Per jurisdiction: each year column over its top-level lines, then `monitor metrics`' overall row."""
    totals: list[BudgetTotal] = []
    places = sorted({line.jurisdiction for line in lines})
    overall = {r.jurisdiction: r for r in load_metrics(session, as_of, tz, local_date(as_of, tz).year, False)}
    for place in places:
        name = header.names.get(place, place)
        top = [
            cell for line in lines if line.jurisdiction == place and line.depth == 0 for cell in line.cells
        ]
        for column in columns:
            cells = [cell for cell in top if cell.column == column]
            planned = sum((c.planned for c in cells), Decimal(0))
            secured = _sum(c.secured for c in cells) or Decimal(0)
            executed = _sum(c.executed for c in cells) or Decimal(0)
            totals.append(
                BudgetTotal(
                    place,
                    name,
                    column,
                    planned,
                    secured,
                    executed,
                    ratio(secured, planned),
                    ratio(executed, planned),
                )
            )
        metrics = overall.get(place)
        if metrics is not None:
            totals.append(
                BudgetTotal(
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
            )
    return totals
