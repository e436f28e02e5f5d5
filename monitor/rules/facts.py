"""What the rules see: plain, immutable facts about milestones, commitments and their reports.

Facts are built from the database by `monitor.evaluation.facts` (or by tests directly); the rules never
touch the database or the clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Trend:
    """Least-squares sums over (day, value) of the effective value reports; day = days since 2000-01-01."""

    n: int
    sum_x: float
    sum_y: float
    sum_xx: float
    sum_xy: float

    def project(self, day: float) -> float | None:
        """The fitted value at `day` (like Prometheus `predict_linear`); None if all reports share a day."""
        denominator = self.n * self.sum_xx - self.sum_x * self.sum_x
        if self.n < 2 or abs(denominator) < 1e-9:
            return None
        slope = (self.n * self.sum_xy - self.sum_x * self.sum_y) / denominator
        return (self.sum_y - slope * self.sum_x) / self.n + slope * day


@dataclass(frozen=True, slots=True)
class ReportSummary:
    """The effective reports of one milestone up to the evaluation instant (corrected rows left out).

    Cumulative figures only grow (a decrease is entered as a correction), so the largest reported
    value is the current one; `latest_value` is the value of the latest report by as-of date.
    """

    count: int = 0
    max_value: Decimal | None = None
    latest_value: Decimal | None = None
    max_executed: Decimal | None = None
    max_secured: Decimal | None = None
    statuses: frozenset[str] = frozenset()
    last_as_of: date | None = None
    last_entered_at: datetime | None = None
    trend: Trend | None = None


NO_REPORTS = ReportSummary()


@dataclass(frozen=True, slots=True)
class MilestoneFacts:
    id: int
    code: str
    commitment_code: str
    title: str
    commitment_title: str
    kind: str
    due_at: datetime
    due_date: date | None
    target: Decimal | None
    target_max: Decimal | None
    unit: str | None
    cumulative: bool
    planned_amount: Decimal | None
    fiscal_years: tuple[int, int] | None
    starts_at: datetime | None
    ends_at: datetime | None
    jurisdiction: str
    parties: tuple[str, ...]
    category: str | None = None


@dataclass(frozen=True, slots=True)
class CommitmentFacts:
    id: int
    code: str
    parent_code: str | None
    kind: str
    title: str
    jurisdiction: str
    parties: tuple[str, ...]
    period_start_at: datetime | None  # start of the first day, configured zone
    period_end_at: datetime | None  # end of the last day, configured zone
    official_status: str | None
    status_as_of: date | None
    last_report_at: datetime | None  # latest report entered on it or any descendant
    milestone_codes: tuple[str, ...] = field(default=())
    category: str | None = None
