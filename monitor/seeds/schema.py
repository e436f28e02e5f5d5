"""The shape of a seed file, as pydantic models. The README's "Seed files" section documents it.

Two kinds of file live in `seeds/`: `jurisdictions.yaml` (a `jurisdictions:` list) and one file per
source document (a `document:` block plus `commitments:`). Cross-record rules (unknown parent,
duplicate codes, citations) are checked in `monitor.seeds.validate`.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from monitor.seeds.bounded import Day, Instant, MoneyRange, ValueRange, Years
from monitor.seeds.yamlsource import LinedDict
from monitor.vocab import UNITS, Cadence, CommitmentKind, FundingSource, MilestoneKind, Status

CODE_PATTERN = r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$"
KEY_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
SLUG_PATTERN = r"^[a-z][a-z0-9-]*$"
NOT_PLANNED = "-"  # a budget cell published as "-": nothing planned that year
NON_BUDGET = "비예산"  # a line that needs no budget
TOTAL_COLUMN = "총계"


def _parse_lines(value: Any) -> tuple[int, int]:
    """`59` or `26-30` → (first, last) line of the citation."""
    if isinstance(value, tuple) and len(value) == 2:
        first, last = value
    elif isinstance(value, int) and not isinstance(value, bool):
        first = last = value
    elif isinstance(value, str) and re.fullmatch(r"\d+(-\d+)?", value.strip()):
        first_text, _, last_text = value.strip().partition("-")
        first, last = int(first_text), int(last_text or first_text)
    else:
        raise ValueError("a source line is a number (59) or a range (26-30)")
    if first < 1 or last < first:
        raise ValueError(f"line range {value!r} is empty or starts before line 1")
    return first, last


def _parse_amount(value: Any) -> Any:
    """Published figures may carry thousands separators ("124,667.42"); floats never reach here."""
    if isinstance(value, str) and value != NOT_PLANNED:
        try:
            return Decimal(value.replace(",", "").strip())
        except InvalidOperation:
            raise ValueError(f"{value!r} is not a number") from None
    if isinstance(value, bool):
        raise ValueError("expected a number, not true/false")
    return value


Lines = Annotated[tuple[int, int], BeforeValidator(_parse_lines)]
Amount = Annotated[Decimal, BeforeValidator(_parse_amount), Field(ge=0), ValueRange]
Money = Annotated[Decimal, BeforeValidator(_parse_amount), Field(ge=0), MoneyRange]  # 백만원
Code = Annotated[str, Field(pattern=CODE_PATTERN)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]
StatusValue = Annotated[Status, BeforeValidator(lambda v: Status.parse(v) if isinstance(v, str) else v)]


class Record(BaseModel):
    """A mapping read from YAML; remembers the line it started on (`yaml_line`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    yaml_line: int = 0

    @model_validator(mode="before")
    @classmethod
    def _take_line(cls, data: Any) -> Any:
        if isinstance(data, LinedDict):
            return {**data, "yaml_line": data.line}
        return data


class Period(Record):
    start: Day
    end: Day | None = None  # open-ended (an agreement with no end date)

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end is not None and self.start > self.end:
            raise ValueError(f"period starts {self.start} after it ends {self.end}")
        return self


class JurisdictionRecord(Record):
    slug: Slug
    name_ko: str
    name_en: str
    level: Literal["national", "metropolitan", "provincial", "special", "district"]
    parent: Slug | None = None


class JurisdictionsFile(Record):
    jurisdictions: list[JurisdictionRecord]


class DocumentInfo(Record):
    file: str
    title: str
    publisher: str
    published_on: Day | None = None
    as_of: Day | None = None
    url: str | None = None
    sha256: str | None = None  # of the source file: a seed is bound to the exact text it cites


class BudgetColumn(Record):
    label: str
    years: Years
    due: Day


class PublishedTotalRow(Record):
    label: str
    line: Lines
    cells: dict[str, Money]


class StatusEntry(Record):
    status: StatusValue
    as_of: Day
    line: Lines | None = None
    note: str | None = None


class ProgressEntry(Record):
    as_of: Day
    value: Amount | None = None
    status: str | None = None
    note: str | None = None
    line: Lines | None = None

    @model_validator(mode="after")
    def _has_content(self) -> ProgressEntry:
        if self.value is None and self.status is None:
            raise ValueError("a progress entry needs a value or a status")
        return self


class Statement(Record):
    """Another place in the same source that states the same fact; a disagreement is a finding."""

    line: Lines
    title: str | None = None
    description: str | None = None
    start: Instant | None = None
    end: Instant | None = None


class MilestoneRecord(Record):
    key: Annotated[str, Field(pattern=KEY_PATTERN)]
    kind: MilestoneKind
    title: str
    line: Lines | None = None
    due: Day | None = None
    target: Amount | None = None
    target_max: Amount | None = None
    unit: str | None = None
    cumulative: bool = True
    baseline: Amount | None = None
    planned_amount: Money | None = None
    fiscal_years: Years | None = None
    funding_source: FundingSource | None = None
    start: Instant | None = None
    end: Instant | None = None
    cadence: Cadence | None = None
    also_published: list[Statement] = []
    progress: list[ProgressEntry] = []
    attributes: dict[str, Any] = {}

    @model_validator(mode="after")
    def _fields_for_kind(self) -> MilestoneRecord:
        missing = [name for name in _REQUIRED[self.kind] if getattr(self, name) is None]
        if missing:
            raise ValueError(f"a {self.kind.value} milestone needs {', '.join(missing)}")
        if self.unit is not None and self.unit not in UNITS:
            raise ValueError(f"unknown unit {self.unit!r} (known: {', '.join(UNITS)})")
        if self.start and self.end and self.start > self.end:
            raise ValueError("event ends before it starts")
        if self.target is not None and self.target_max is not None and self.target_max < self.target:
            raise ValueError("target_max is below target")
        return self


_REQUIRED: dict[MilestoneKind, tuple[str, ...]] = {
    MilestoneKind.COMPLETION: ("due",),
    MilestoneKind.QUANTITY: ("due", "unit"),
    MilestoneKind.BUDGET: ("due", "planned_amount", "fiscal_years"),
    MilestoneKind.EVENT: ("start", "end"),
    MilestoneKind.PAYMENT: ("due", "target", "unit", "cadence"),
}


class PublishedCount(Record):
    """A count the source states ("7개 분야"), checked against the records listed."""

    count: int
    line: Lines


BudgetCell = Money | Literal["-"]


class CommitmentRecord(Record):
    code: Code
    parent: Code | None = None
    kind: CommitmentKind
    title: str
    description: str | None = None
    description_line: Lines | None = None  # where the description is, when not on `line`
    category: str | None = None
    department: str | None = None
    jurisdiction: Slug | None = None
    parties: list[Slug] | None = None
    period: Period | None = None
    line: Lines
    budget: dict[str, BudgetCell] | Literal["비예산"] | None = None
    published_children: PublishedCount | None = None
    also_published: list[Statement] = []
    status: list[StatusEntry] = []
    milestones: list[MilestoneRecord] = []
    attributes: dict[str, Any] = {}


class ReferenceEntry(Record):
    name: str
    line: Lines


class ReferenceGroup(Record):
    label: str
    line: Lines
    published_count: int | None = None
    items: list[ReferenceEntry]


class ReferenceList(Record):
    key: Annotated[str, Field(pattern=KEY_PATTERN)]
    title: str
    line: Lines
    published_count: int | None = None
    groups: list[ReferenceGroup]


class Term(Record):
    """A term of office (민선9기 2026-07-01 – 2030-06-30)."""

    name: str
    start: Day
    end: Day | None = None


class PledgerEntry(Record):
    """Who made the document's commitments: a candidate (pledge book) or a sitting officeholder. Each
    commitment is the promise of the document's pledgers whose jurisdiction is one of its parties."""

    key: Annotated[str, Field(pattern=KEY_PATTERN)]
    name: str  # as the document gives it, on `line`
    role: Literal["candidate", "officeholder"]
    office: str
    jurisdiction: Slug | None = None  # the office's; default the document's
    term: Term
    election: Day | None = None
    outcome: Literal["pending", "elected", "lost"] | None = None  # absent: as recorded (pending at first)
    outcome_on: Day | None = None  # default: the election day
    line: Lines

    @model_validator(mode="after")
    def _outcome_fits_role(self) -> PledgerEntry:
        if self.role == "officeholder" and self.outcome not in (None, "elected"):
            raise ValueError(f"an officeholder's outcome cannot be {self.outcome}")
        if self.outcome in ("elected", "lost") and (self.outcome_on or self.election) is None:
            raise ValueError("a recorded outcome needs outcome_on or the election date")
        return self


class DocumentFile(Record):
    document: DocumentInfo
    jurisdiction: Slug
    period: Period | None = None
    category: str | None = None
    department: str | None = None
    budget_columns: list[BudgetColumn] = []
    published_totals: list[PublishedTotalRow] = []
    commitments: list[CommitmentRecord]
    references: list[ReferenceList] = []
    pledgers: list[PledgerEntry] = []  # none: nobody's electoral promise (e.g. a programme's agendas)
