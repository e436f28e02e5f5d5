"""Every milestone rule, dispatched by kind."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from monitor.rules.budget import budget
from monitor.rules.config import RuleConfig
from monitor.rules.event import event
from monitor.rules.facts import MilestoneFacts, ReportSummary, pledge_at
from monitor.rules.milestone import achieved, at_risk, due_soon, is_met, overdue
from monitor.rules.outcome import Evaluation, heard

DATED_RULES: tuple[
    Callable[[MilestoneFacts, ReportSummary, RuleConfig, datetime], Evaluation | None], ...
] = (overdue, due_soon, at_risk)


def evaluate_milestone(
    facts: MilestoneFacts, summary: ReportSummary, config: RuleConfig, now: datetime
) -> list[Evaluation]:
    """Every condition that holds for one milestone at `now` (empty when all is well and nothing is near);
    whose promise it is may silence some (`heard`)."""
    if facts.pledgers and facts.pledge is None:
        facts = replace(facts, pledge=pledge_at(facts.pledgers, now))
    return [e for e in _conditions(facts, summary, config, now) if heard(facts.pledge, e.rule, config)]


def _conditions(
    facts: MilestoneFacts, summary: ReportSummary, config: RuleConfig, now: datetime
) -> list[Evaluation]:
    if facts.kind == "event":
        return event(facts, summary, config, now)
    if facts.kind == "budget":
        return budget(facts, summary, config, now)
    if is_met(facts, summary):
        return [achieved(facts, summary, config, now)]
    return [found for rule in DATED_RULES if (found := rule(facts, summary, config, now)) is not None]
