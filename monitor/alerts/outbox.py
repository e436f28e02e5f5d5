"""What an outbox row carries, as a tagged union on `event`: an alert notification (`AlertPayload`), a
digest of what is firing, a scheduled report file, or a notice to the admin chat.

Every kind is a frozen value with a `to_json()` that writes the row's payload with the keys, order and
values it has always had, and `payload_from_json` reads a row back for the sender. All kinds answer
`event`, `subject`, `condition`, `severity` and `jurisdiction`, which is how a batch is ordered and routed.
Transport-free: how a payload looks on Telegram or the console is the receivers' business.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from monitor import jsonvalues as jv
from monitor.alerts.payload import AlertPayload, Event
from monitor.rules.outcome import Severity, State
from monitor.vocab import Lang

JsonDict = dict[str, object]


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One firing alert listed in a digest."""

    subject: str
    title: str
    condition: State
    reason_ko: str
    reason_en: str

    def reason(self, lang: Lang) -> str:
        return self.reason_ko if lang == "ko" else self.reason_en

    def to_json(self) -> JsonDict:
        return {
            "subject": self.subject,
            "title": self.title,
            "condition": self.condition.value,
            "reason_ko": self.reason_ko,
            "reason_en": self.reason_en,
        }

    @classmethod
    def from_json(cls, data: jv.Json) -> DigestItem:
        return cls(
            jv.text(data, "subject"),
            jv.text(data, "title"),
            State(jv.text(data, "condition")),
            jv.text(data, "reason_ko"),
            jv.text(data, "reason_en"),
        )


@dataclass(frozen=True, slots=True)
class StatusRow:
    """Pledges of one 분야 per official status (and "unreported")."""

    label: str
    statuses: dict[str, int]

    def to_json(self) -> JsonDict:
        return {"label": self.label, "statuses": dict(self.statuses)}


@dataclass(frozen=True, slots=True)
class BudgetRow:
    """Planned and executed amounts of one 분야 (백만원)."""

    label: str
    planned: Decimal
    executed: Decimal

    def to_json(self) -> JsonDict:
        return {"label": self.label, "planned": str(self.planned), "executed": str(self.executed)}


@dataclass(frozen=True, slots=True)
class Chart:
    """The figures of a digest's chart, carried in the payload so that a resend draws the same chart."""

    kind: str  # "status" (rows: StatusRow) or "budget" (rows: BudgetRow)
    rows: tuple[StatusRow | BudgetRow, ...]

    def to_json(self) -> JsonDict:
        return {"kind": self.kind, "rows": [row.to_json() for row in self.rows]}

    @classmethod
    def from_json(cls, data: jv.Json) -> Chart:
        kind = jv.text(data, "kind")
        rows: list[StatusRow | BudgetRow] = []
        for row in jv.objects(data, "rows"):
            label = jv.text(row, "label")
            if kind == "status":
                rows.append(StatusRow(label, jv.counts(row, "statuses")))
            else:
                rows.append(BudgetRow(label, jv.decimal(row, "planned"), jv.decimal(row, "executed")))
        return cls(kind, tuple(rows))


@dataclass(frozen=True, slots=True)
class DigestPayload:
    """What is firing in one jurisdiction, worst first (a digest job or /report)."""

    event: ClassVar[str] = "digest"
    condition: ClassVar[str] = "digest"
    severity: ClassVar[Severity] = Severity.INFO
    category: ClassVar[str | None] = None  # a digest covers every 분야

    subject: str  # "digest:<job id>", also the row's key
    jurisdiction: str
    jurisdiction_ko: str
    jurisdiction_en: str
    counts: dict[str, int]  # firing alerts per condition
    total: int
    at: datetime
    items: tuple[DigestItem, ...]  # the first `top` of them
    chart: Chart | None = None

    @property
    def parties(self) -> tuple[str, ...]:
        return (self.jurisdiction,)

    def to_json(self) -> JsonDict:
        data: JsonDict = {
            "event": self.event,
            "key": self.subject,
            "subject": self.subject,
            "condition": self.condition,
            "severity": self.severity.value,
            "jurisdiction": self.jurisdiction,
            "parties": list(self.parties),
            "jurisdiction_ko": self.jurisdiction_ko,
            "jurisdiction_en": self.jurisdiction_en,
            "counts": dict(self.counts),
            "total": self.total,
            "at": self.at.isoformat(),
            "items": [item.to_json() for item in self.items],
        }
        if self.chart is not None:
            data["chart"] = self.chart.to_json()
        return data

    @classmethod
    def from_json(cls, data: jv.Json) -> DigestPayload:
        return cls(
            subject=jv.text(data, "subject"),
            jurisdiction=jv.text(data, "jurisdiction"),
            jurisdiction_ko=jv.text(data, "jurisdiction_ko"),
            jurisdiction_en=jv.text(data, "jurisdiction_en"),
            counts=jv.counts(data, "counts"),
            total=jv.integer(data, "total"),
            at=jv.instant(data, "at"),
            items=tuple(DigestItem.from_json(item) for item in jv.objects(data, "items")),
            chart=Chart.from_json(jv.obj(data, "chart")) if "chart" in data else None,
        )


@dataclass(frozen=True, slots=True)
class ReportPayload:
    """A scheduled report for one chat: the file, sent as a document or as messages."""

    event: ClassVar[str] = "report"
    condition: ClassVar[str] = "report"
    severity: ClassVar[Severity] = Severity.INFO

    subject: str  # the job id
    jurisdiction: str  # a slug, or "all"
    report: str  # digest, status, budget, feed
    format: str
    send_as: str  # "document" or "message"
    filename: str
    content: bytes
    at: date  # the scheduled day

    def to_json(self) -> JsonDict:
        return {
            "event": self.event,
            "subject": self.subject,
            "condition": self.condition,
            "severity": self.severity.value,
            "jurisdiction": self.jurisdiction,
            "report": self.report,
            "format": self.format,
            "send_as": self.send_as,
            "filename": self.filename,
            "content_b64": base64.b64encode(self.content).decode("ascii"),
            "at": self.at.isoformat(),
        }

    @classmethod
    def from_json(cls, data: jv.Json) -> ReportPayload:
        return cls(
            subject=jv.text(data, "subject"),
            jurisdiction=jv.text(data, "jurisdiction"),
            report=jv.text(data, "report"),
            format=jv.text(data, "format"),
            send_as=jv.text(data, "send_as"),
            filename=jv.text(data, "filename"),
            content=base64.b64decode(jv.text(data, "content_b64"), validate=True),
            at=jv.day(data, "at"),
        )


@dataclass(frozen=True, slots=True)
class NoticePayload:
    """A notice to the admin chat (a subscription disabled by a permanent delivery error)."""

    event: ClassVar[str] = "notice"
    subject: ClassVar[str] = "admin"
    condition: ClassVar[str] = "notice"
    severity: ClassVar[Severity] = Severity.WARNING
    jurisdiction: ClassVar[str] = "admin"
    jurisdiction_ko: ClassVar[str] = "관리자 알림"
    jurisdiction_en: ClassVar[str] = "Admin notice"

    text_ko: str
    text_en: str
    at: datetime

    def text(self, lang: Lang) -> str:
        return self.text_ko if lang == "ko" else self.text_en

    def to_json(self) -> JsonDict:
        return {
            "event": self.event,
            "subject": self.subject,
            "condition": self.condition,
            "severity": self.severity.value,
            "jurisdiction": self.jurisdiction,
            "jurisdiction_ko": self.jurisdiction_ko,
            "jurisdiction_en": self.jurisdiction_en,
            "text_ko": self.text_ko,
            "text_en": self.text_en,
            "at": self.at.isoformat(),
        }

    @classmethod
    def from_json(cls, data: jv.Json) -> NoticePayload:
        return cls(jv.text(data, "text_ko"), jv.text(data, "text_en"), jv.instant(data, "at"))


OutboxPayload = AlertPayload | DigestPayload | ReportPayload | NoticePayload
ALERT_EVENTS = frozenset(e.value for e in Event)


def payload_from_json(data: jv.Json) -> OutboxPayload:
    """The typed payload of a stored outbox row (its `event` says which kind)."""
    event = jv.text(data, "event")
    if event in ALERT_EVENTS:
        return AlertPayload.from_json(data)
    kinds: dict[str, type[DigestPayload | ReportPayload | NoticePayload]] = {
        "digest": DigestPayload,
        "report": ReportPayload,
        "notice": NoticePayload,
    }
    if event not in kinds:
        raise ValueError(f"outbox payload of unknown event {event!r}")
    return kinds[event].from_json(data)


def place_name(payload: OutboxPayload, lang: Lang) -> str:
    """The jurisdiction's name in `lang` (its slug when the payload has no names)."""
    if isinstance(payload, ReportPayload):
        return payload.jurisdiction
    name = payload.jurisdiction_ko if lang == "ko" else payload.jurisdiction_en
    return name or payload.jurisdiction
