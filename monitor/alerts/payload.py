"""What an alert notification carries: a typed value, rendered by receivers, stored in the outbox as JSON.

`AlertPayload` holds everything a receiver needs to render a notification without the database. Its JSON
form (`to_json`) is the outbox row's payload, with the keys, order and values it has always had;
`from_json` reads a row back for the sender. No transport lives here: receivers decide how it looks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from monitor import jsonvalues as jv
from monitor.rules.details import Details, details_from_json
from monitor.rules.outcome import Rule, Severity, State
from monitor.vocab import Lang


class Event(StrEnum):
    """Why an alert is announced."""

    FIRING = "firing"
    ESCALATED = "escalated"  # a new condition or stage (30 days left → 7 days left)
    REPEAT = "repeat"  # still firing, every repeat_interval
    RESOLVED = "resolved"


@dataclass(frozen=True, slots=True)
class AlertPayload:
    event: Event
    key: str  # "{subject}:{rule}"
    subject: str  # milestone or commitment code
    subject_type: str  # "milestone" or "commitment"
    commitment_code: str
    title: str
    commitment_title: str
    rule: Rule
    condition: State
    stage: str | None
    severity: Severity
    jurisdiction: str
    parties: tuple[str, ...]
    category: str | None
    since: datetime | None
    due: datetime | None
    reason_ko: str
    reason_en: str
    details: Details
    firing_for_days: int
    at: datetime
    # The jurisdiction's names, added when the notification is written to the outbox.
    jurisdiction_ko: str | None = None
    jurisdiction_en: str | None = None

    def reason(self, lang: Lang) -> str:
        return self.reason_ko if lang == "ko" else self.reason_en

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "event": self.event.value,
            "key": self.key,
            "subject": self.subject,
            "subject_type": self.subject_type,
            "commitment_code": self.commitment_code,
            "title": self.title,
            "commitment_title": self.commitment_title,
            "rule": self.rule.value,
            "condition": self.condition.value,
            "stage": self.stage,
            "severity": self.severity.value,
            "jurisdiction": self.jurisdiction,
            "parties": list(self.parties),
            "category": self.category,
            "since": None if self.since is None else self.since.isoformat(),
            "due": None if self.due is None else self.due.isoformat(),
            "reason_ko": self.reason_ko,
            "reason_en": self.reason_en,
            "details": self.details.to_json(),
            "firing_for_days": self.firing_for_days,
            "at": self.at.isoformat(),
        }
        if self.jurisdiction_ko is not None:
            data["jurisdiction_ko"] = self.jurisdiction_ko
        if self.jurisdiction_en is not None:
            data["jurisdiction_en"] = self.jurisdiction_en
        return data

    @classmethod
    def from_json(cls, data: jv.Json) -> AlertPayload:
        return cls(
            event=Event(jv.text(data, "event")),
            key=jv.text(data, "key"),
            subject=jv.text(data, "subject"),
            subject_type=jv.text(data, "subject_type"),
            commitment_code=jv.text(data, "commitment_code"),
            title=jv.text(data, "title"),
            commitment_title=jv.text(data, "commitment_title"),
            rule=Rule(jv.text(data, "rule")),
            condition=State(jv.text(data, "condition")),
            stage=jv.optional_text(data, "stage"),
            severity=Severity(jv.text(data, "severity")),
            jurisdiction=jv.text(data, "jurisdiction"),
            parties=jv.texts(data, "parties"),
            category=jv.optional_text(data, "category"),
            since=jv.optional_instant(data, "since"),
            due=jv.optional_instant(data, "due"),
            reason_ko=jv.text(data, "reason_ko"),
            reason_en=jv.text(data, "reason_en"),
            details=details_from_json(jv.obj(data, "details")),
            firing_for_days=jv.integer(data, "firing_for_days"),
            at=jv.instant(data, "at"),
            jurisdiction_ko=jv.optional_text(data, "jurisdiction_ko"),
            jurisdiction_en=jv.optional_text(data, "jurisdiction_en"),
        )
