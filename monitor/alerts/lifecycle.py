"""The alert lifecycle as a pure function: (stored alert, what the rules found now) → (alert, notification).

One alert per (subject, rule) key. It fires once, repeats every `repeat_interval` while firing (for
conditions that repeat), is re-announced when its condition or stage changes (30 days left → 7 days
left; unreported → underspent), and sends a resolved notice when it clears — unless it was never
announced. A muted alert (silenced or inhibited) changes state silently and is announced when the mute
ends, if it still fires. The database store and `monitor replay` both run this same function.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from monitor.alerts.payload import AlertPayload, Event
from monitor.rules.details import Details
from monitor.rules.outcome import BEHAVIOUR, Evaluation, Reason, Rule, Severity, State


@dataclass
class AlertState:
    key: str
    subject: str
    subject_type: str
    commitment_code: str
    rule: Rule
    condition: State
    stage: str | None
    severity: Severity
    jurisdiction: str
    parties: tuple[str, ...]
    title: str
    commitment_title: str
    since: datetime | None
    due: datetime | None
    reason_ko: str
    reason_en: str
    details: Details
    started_at: datetime
    state: str = "firing"
    notified_at: datetime | None = None
    notified_as: str | None = None
    notify_count: int = 0
    muted_by: str | None = None
    resolved_at: datetime | None = None
    category: str | None = None

    @property
    def label(self) -> str:
        return f"{self.condition}/{self.stage or ''}"


@dataclass(frozen=True)
class Notification:
    """What the outbox receives. `sequence` numbers an alert's notifications, so a resend is recognisable."""

    alert_key: str
    event: Event
    sequence: int
    jurisdiction: str
    parties: tuple[str, ...]
    at: datetime
    payload: AlertPayload


def _from_evaluation(evaluation: Evaluation, previous: AlertState | None, now: datetime) -> AlertState:
    firing_before = previous is not None and previous.state == "firing"
    return AlertState(
        key=evaluation.key,
        subject=evaluation.subject,
        subject_type=evaluation.subject_type,
        commitment_code=evaluation.commitment_code,
        rule=evaluation.rule,
        condition=evaluation.condition,
        stage=evaluation.stage,
        severity=evaluation.behaviour.severity,
        jurisdiction=evaluation.jurisdiction,
        parties=evaluation.parties,
        category=evaluation.category,
        title=evaluation.title,
        commitment_title=evaluation.commitment_title,
        since=evaluation.since,
        due=evaluation.due,
        reason_ko=evaluation.reason.ko,
        reason_en=evaluation.reason.en,
        details=evaluation.details,
        started_at=previous.started_at if firing_before and previous else now,
        notified_at=previous.notified_at if firing_before and previous else None,
        notified_as=previous.notified_as if firing_before and previous else None,
        notify_count=previous.notify_count if previous else 0,
    )


def payload(alert: AlertState, event: Event, now: datetime) -> AlertPayload:
    """Everything a notifier needs to render the notification without the database."""
    return AlertPayload(
        event=event,
        key=alert.key,
        subject=alert.subject,
        subject_type=alert.subject_type,
        commitment_code=alert.commitment_code,
        title=alert.title,
        commitment_title=alert.commitment_title,
        rule=alert.rule,
        condition=alert.condition,
        stage=alert.stage,
        severity=alert.severity,
        jurisdiction=alert.jurisdiction,
        parties=alert.parties,
        category=alert.category,
        since=alert.since,
        due=alert.due,
        reason_ko=alert.reason_ko,
        reason_en=alert.reason_en,
        details=alert.details,
        firing_for_days=(now - alert.started_at).days,
        at=now,
    )


def _notify(alert: AlertState, event: Event, now: datetime) -> tuple[AlertState, Notification]:
    alert = replace(alert, notify_count=alert.notify_count + 1)
    if event is not Event.RESOLVED:
        alert = replace(alert, notified_at=now, notified_as=alert.label)
    notification = Notification(
        alert_key=alert.key,
        event=event,
        sequence=alert.notify_count,
        jurisdiction=alert.jurisdiction,
        parties=alert.parties,
        at=now,
        payload=payload(alert, event, now),
    )
    return alert, notification


def advance(
    current: AlertState | None,
    evaluation: Evaluation | None,
    muted_by: str | None,
    now: datetime,
    repeat_interval: timedelta,
    resolution: Reason | None = None,
) -> tuple[AlertState | None, Notification | None]:
    """Move one alert forward given what the rules found now (None: the condition is gone).

    `resolution` explains a clearing ('reported as done'), when the rules know why."""
    if evaluation is not None and not evaluation.behaviour.notify:
        evaluation = None  # e.g. 'achieved': shown by `check`, never an alert
    if evaluation is None:
        return _clear(current, muted_by, now, resolution)
    alert = _from_evaluation(evaluation, current, now)
    alert.muted_by = muted_by
    if muted_by is not None:
        return alert, None
    if alert.notified_at is None:
        return _notify(alert, Event.FIRING, now)
    if alert.notified_as != alert.label:
        return _notify(alert, Event.ESCALATED, now)
    behaviour = evaluation.behaviour
    if behaviour.repeats and now - alert.notified_at >= repeat_interval:
        return _notify(alert, Event.REPEAT, now)
    return alert, None


def _clear(
    current: AlertState | None, muted_by: str | None, now: datetime, resolution: Reason | None
) -> tuple[AlertState | None, Notification | None]:
    if current is None or current.state != "firing":
        return current, None
    why = resolution or Reason("조건 해소", "condition cleared")
    resolved = replace(
        current,
        state="resolved",
        resolved_at=now,
        muted_by=None,
        reason_ko=f"{why.ko} (이전: {current.reason_ko})",
        reason_en=f"{why.en} (was: {current.reason_en})",
    )
    behaviour = BEHAVIOUR.get((current.rule, current.condition))
    announce = behaviour is not None and behaviour.notify_resolved and current.notified_at is not None
    if not announce or muted_by is not None:
        return resolved, None
    return _notify(resolved, Event.RESOLVED, now)
