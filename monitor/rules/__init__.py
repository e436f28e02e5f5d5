"""Detection rules: pure functions of (facts, rule config, now) returning `Evaluation`s.

- milestone rules (`milestone`): overdue, due soon, at risk, budget tranche, event, achieved
- commitment rules (`commitment`): stale, contradiction, and the roll-up
"""

from monitor.rules.commitment import contradiction, stale, worst
from monitor.rules.config import RuleConfig
from monitor.rules.evaluate import evaluate_milestone
from monitor.rules.facts import NO_REPORTS, CommitmentFacts, MilestoneFacts, ReportSummary, Trend
from monitor.rules.outcome import BEHAVIOUR, Behaviour, Evaluation, Reason, Rule, Severity

__all__ = [
    "BEHAVIOUR",
    "NO_REPORTS",
    "Behaviour",
    "CommitmentFacts",
    "Evaluation",
    "MilestoneFacts",
    "Reason",
    "ReportSummary",
    "Rule",
    "RuleConfig",
    "Severity",
    "Trend",
    "contradiction",
    "evaluate_milestone",
    "stale",
    "worst",
]
