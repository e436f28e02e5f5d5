"""What the rules see: plain, immutable facts about milestones, commitments and their reports.

Facts are built from the database by `monitor.evaluation.facts` (or by tests directly); the rules never
touch the database or the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum


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


class PledgerRole(StrEnum):
    """Whose promise a commitment is: a candidate's (pledge book, before the outcome) or an officeholder's."""

    CANDIDATE = "candidate"
    OFFICEHOLDER = "officeholder"


class Outcome(StrEnum):
    PENDING = "pending"
    ELECTED = "elected"
    LOST = "lost"


@dataclass(frozen=True, slots=True)
class PledgerRecord:
    """A pledger as stored; `decided_at` is when a recorded outcome starts to hold (start of its day)."""

    name: str
    role: PledgerRole
    outcome: Outcome
    decided_at: datetime | None = None
    term_start_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Pledge:
    """Whose promise a commitment is as of the evaluation instant (`pledge_at`)."""

    role: PledgerRole
    outcome: Outcome  # ELECTED for an officeholder's; PENDING or LOST for a candidate's
    names: tuple[str, ...]

    @property
    def candidate(self) -> bool:
        """Still only a candidate's promise: nobody holds office to keep it (yet)."""
        return self.role is PledgerRole.CANDIDATE and self.outcome is Outcome.PENDING

    @property
    def lost(self) -> bool:
        return self.outcome is Outcome.LOST


def standing(record: PledgerRecord, now: datetime) -> tuple[PledgerRole, Outcome]:
    """A pledger's role and outcome at `now`: an elected candidate holds office from the outcome's day."""
    if record.role is PledgerRole.OFFICEHOLDER:
        return PledgerRole.OFFICEHOLDER, Outcome.ELECTED
    decided = record.decided_at is None or record.decided_at <= now
    if record.outcome is Outcome.PENDING or not decided:
        return PledgerRole.CANDIDATE, Outcome.PENDING
    if record.outcome is Outcome.ELECTED:
        return PledgerRole.OFFICEHOLDER, Outcome.ELECTED
    return PledgerRole.CANDIDATE, Outcome.LOST


def pledge_at(records: Sequence[PledgerRecord], now: datetime) -> Pledge | None:
    """The commitment's pledge at `now`: an officeholder's if any of its pledgers holds office, else a
    pending candidate's if any is pending, else a lost candidate's (None: nobody's electoral promise)."""
    if not records:
        return None
    names = tuple(r.name for r in records)
    found = {standing(r, now) for r in records}
    for role, outcome in (
        (PledgerRole.OFFICEHOLDER, Outcome.ELECTED),
        (PledgerRole.CANDIDATE, Outcome.PENDING),
    ):
        if (role, outcome) in found:
            return Pledge(role, outcome, names)
    return Pledge(PledgerRole.CANDIDATE, Outcome.LOST, names)


def term_floor(
    start: datetime | None, records: Sequence[PledgerRecord], pledge: Pledge | None
) -> datetime | None:
    """An elected candidate's promises are the officeholder's from the term start: their period never
    starts before it (a pending or lost candidate's keep the period the document gives)."""
    if start is None or pledge is None or pledge.role is not PledgerRole.OFFICEHOLDER:
        return start
    terms = [r.term_start_at for r in records if r.role is PledgerRole.CANDIDATE and r.term_start_at]
    return max([start, *terms])


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
    pledgers: tuple[PledgerRecord, ...] = ()  # who made its commitment
    pledge: Pledge | None = None  # whose promise its commitment is, as of the evaluation instant


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
    pledgers: tuple[PledgerRecord, ...] = ()  # who made it
    pledge: Pledge | None = None  # whose promise it is, as of the evaluation instant

    @property
    def pledger_role(self) -> PledgerRole | None:
        return self.pledge.role if self.pledge else None
