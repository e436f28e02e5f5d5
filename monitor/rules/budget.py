"""Budget tranches: after the fiscal year plus grace, execution must be reported and near the plan."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from monitor.rules import timing
from monitor.rules.config import RuleConfig
from monitor.rules.details import BudgetDetails
from monitor.rules.facts import MilestoneFacts, ReportSummary
from monitor.rules.milestone import achieved
from monitor.rules.outcome import Evaluation, Reason, Rule, State, found
from monitor.rules.text import days, figure, figure_en, local_day, percent
from monitor.rules.timing import starts


def spent_enough(facts: MilestoneFacts, executed: Decimal | None, config: RuleConfig) -> bool:
    """Executed at least planned × threshold (exact decimals): the tranche is achieved."""
    return spent(facts.planned_amount, executed, config)


def spent(planned: Decimal | None, executed: Decimal | None, config: RuleConfig) -> bool:
    """`spent_enough` on the two amounts alone (what the column-wise detection pass reads)."""
    planned = planned or Decimal(0)
    return executed is not None and planned > 0 and executed >= planned * config.underspend_threshold


def budget(
    facts: MilestoneFacts, summary: ReportSummary, config: RuleConfig, now: datetime
) -> list[Evaluation]:
    """After the fiscal year plus grace: execution unreported, or below planned × threshold."""
    if spent_enough(facts, summary.max_executed, config):
        return [achieved(facts, summary, config, now)]
    planned = facts.planned_amount or Decimal(0)
    if now < starts(timing.BUDGET_DUE, facts.due_at, config) or planned <= 0:
        return []
    return [budget_state(facts, summary, config, now)]


def budget_state(
    facts: MilestoneFacts, summary: ReportSummary, config: RuleConfig, now: datetime
) -> Evaluation:
    """Unreported or underspent, for a tranche past its fiscal year plus grace and not spent enough."""
    planned = facts.planned_amount or Decimal(0)
    executed = summary.max_executed
    deadline = starts(timing.BUDGET_DUE, facts.due_at, config)
    year = _years(facts)
    if executed is None:
        late = days(now - facts.due_at)
        reason = Reason.lazy(
            lambda: (
                f"{year} 회계연도 종료 후 {late}일, 집행 실적 미보고 (계획 {figure(planned, '백만원')})",
                f"fiscal {year} ended {late} days ago, execution not reported "
                f"({figure_en(planned, '백만원')} planned)",
            )
        )
        details = BudgetDetails(planned=planned, executed=None, fiscal_years=year)
        return found(facts, Rule.BUDGET, State.UNREPORTED, deadline, reason, details)
    threshold = percent(config.underspend_threshold, Decimal(1))
    share = percent(executed, planned)
    reason = Reason.lazy(
        lambda: (
            f"{year} 집행 {figure(executed, '백만원')} / 계획 {figure(planned, '백만원')} "
            f"({share}, 기준 {threshold})",
            f"fiscal {year}: executed {figure_en(executed, '백만원')} of {figure_en(planned, '백만원')} "
            f"({share}, threshold {threshold})",
        )
    )
    since = max(deadline, summary.last_entered_at or deadline)
    details = BudgetDetails(planned=planned, executed=executed, fiscal_years=year)
    return found(facts, Rule.BUDGET, State.UNDERSPENT, since, reason, details)


def _years(facts: MilestoneFacts) -> str:
    if facts.fiscal_years is None:
        return str(local_day(facts.due_at, ZoneInfo("UTC")).year)
    first, last = facts.fiscal_years
    return str(first) if first == last else f"{first}~{last}"
