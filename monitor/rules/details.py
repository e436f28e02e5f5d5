"""The figures behind a state, typed: one small frozen value per rule instead of a `dict[str, Any]`.

A renderer reads `details.days_overdue` and a type checker knows it is an int. The JSON form is what
alert rows, `check --format json` and the outbox have always carried: `to_json()` writes exactly those
keys in that order, and `details_from_json` reads a stored row back. Every shape has its own set of keys
(its field names), which is what the reader dispatches on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal

from monitor import jsonvalues as jv
from monitor.vocab import Status

JsonDict = dict[str, object]


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True, slots=True)
class NoDetails:
    """Nothing to add to the reason (an event reported as cancelled; an alert loaded without its texts)."""

    def to_json(self) -> JsonDict:
        return {}

    @classmethod
    def from_json(cls, data: jv.Json) -> NoDetails:
        return cls()


@dataclass(frozen=True, slots=True)
class OverdueDetails:
    days_overdue: int
    due_date: date  # the deadline's calendar day
    target: Decimal | None
    reported: Decimal | None

    def to_json(self) -> JsonDict:
        return {
            "days_overdue": self.days_overdue,
            "due_date": self.due_date.isoformat(),
            "target": _text(self.target),
            "reported": _text(self.reported),
        }

    @classmethod
    def from_json(cls, data: jv.Json) -> OverdueDetails:
        return cls(
            jv.integer(data, "days_overdue"),
            jv.day(data, "due_date"),
            jv.optional_decimal(data, "target"),
            jv.optional_decimal(data, "reported"),
        )


@dataclass(frozen=True, slots=True)
class LeadDetails:
    """A due-soon notice or an event reminder: the lead time crossed ("30d", "1h")."""

    lead: str

    def to_json(self) -> JsonDict:
        return {"lead": self.lead}

    @classmethod
    def from_json(cls, data: jv.Json) -> LeadDetails:
        return cls(jv.text(data, "lead"))


@dataclass(frozen=True, slots=True)
class AtRiskDetails:
    projected: Decimal  # the trend's value on the deadline, to one decimal
    shortfall: Decimal
    target: Decimal
    reports: int  # reported values the trend is drawn through

    def to_json(self) -> JsonDict:
        return {
            "projected": str(self.projected),
            "shortfall": str(self.shortfall),
            "target": str(self.target),
            "reports": self.reports,
        }

    @classmethod
    def from_json(cls, data: jv.Json) -> AtRiskDetails:
        return cls(
            jv.decimal(data, "projected"),
            jv.decimal(data, "shortfall"),
            jv.decimal(data, "target"),
            jv.integer(data, "reports"),
        )


@dataclass(frozen=True, slots=True)
class AchievedDetails:
    reported: Decimal | None

    def to_json(self) -> JsonDict:
        return {"reported": _text(self.reported)}

    @classmethod
    def from_json(cls, data: jv.Json) -> AchievedDetails:
        return cls(jv.optional_decimal(data, "reported"))


@dataclass(frozen=True, slots=True)
class BudgetDetails:
    """A budget tranche past its fiscal year: planned and executed amounts (백만원)."""

    planned: Decimal
    executed: Decimal | None  # None: not reported
    fiscal_years: str  # "2024" or "2023~2024"

    def to_json(self) -> JsonDict:
        return {
            "planned": str(self.planned),
            "executed": _text(self.executed),
            "fiscal_years": self.fiscal_years,
        }

    @classmethod
    def from_json(cls, data: jv.Json) -> BudgetDetails:
        return cls(
            jv.decimal(data, "planned"), jv.optional_decimal(data, "executed"), jv.text(data, "fiscal_years")
        )


@dataclass(frozen=True, slots=True)
class UnconfirmedDetails:
    ended: datetime  # when the event ended

    def to_json(self) -> JsonDict:
        return {"ended": self.ended.isoformat()}

    @classmethod
    def from_json(cls, data: jv.Json) -> UnconfirmedDetails:
        return cls(jv.instant(data, "ended"))


@dataclass(frozen=True, slots=True)
class StaleDetails:
    days_without_report: int
    limit_days: int

    def to_json(self) -> JsonDict:
        return {"days_without_report": self.days_without_report, "limit_days": self.limit_days}

    @classmethod
    def from_json(cls, data: jv.Json) -> StaleDetails:
        return cls(jv.integer(data, "days_without_report"), jv.integer(data, "limit_days"))


@dataclass(frozen=True, slots=True)
class OverdueOnTrackDetails:
    """Officially on track while milestones under it are overdue (their codes, in code order)."""

    status: Status
    overdue: tuple[str, ...]

    def to_json(self) -> JsonDict:
        return {"status": self.status.value, "overdue": list(self.overdue)}

    @classmethod
    def from_json(cls, data: jv.Json) -> OverdueOnTrackDetails:
        return cls(Status(jv.text(data, "status")), jv.texts(data, "overdue"))


@dataclass(frozen=True, slots=True)
class DoneBelowTargetDetails:
    """Officially done while quantity targets under it are short (their codes, in code order)."""

    status: Status
    below_target: tuple[str, ...]

    def to_json(self) -> JsonDict:
        return {"status": self.status.value, "below_target": list(self.below_target)}

    @classmethod
    def from_json(cls, data: jv.Json) -> DoneBelowTargetDetails:
        return cls(Status(jv.text(data, "status")), jv.texts(data, "below_target"))


Details = (
    NoDetails
    | OverdueDetails
    | LeadDetails
    | AtRiskDetails
    | AchievedDetails
    | BudgetDetails
    | UnconfirmedDetails
    | StaleDetails
    | OverdueOnTrackDetails
    | DoneBelowTargetDetails
)
SHAPES: tuple[type[Details], ...] = (
    NoDetails,
    OverdueDetails,
    LeadDetails,
    AtRiskDetails,
    AchievedDetails,
    BudgetDetails,
    UnconfirmedDetails,
    StaleDetails,
    OverdueOnTrackDetails,
    DoneBelowTargetDetails,
)
_READERS: dict[frozenset[str], Callable[[jv.Json], Details]] = {
    frozenset(f.name for f in fields(shape)): shape.from_json for shape in SHAPES
}


def details_from_json(data: Mapping[str, object]) -> Details:
    """The typed details of a stored JSON object (its keys say which shape it is)."""
    reader = _READERS.get(frozenset(data))
    if reader is None:
        raise ValueError(f"details with keys {sorted(data)} match no rule's details")
    return reader(data)
