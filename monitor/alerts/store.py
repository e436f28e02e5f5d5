"""Persist the alert lifecycle: alert rows, silences, inhibition and the outbox, in the caller's transaction.

`apply_pass` runs `lifecycle.advance` for every key a pass touched and writes each resulting
notification to the outbox — one row per destination — in the same transaction as the state change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.alerts.book import step
from monitor.alerts.lifecycle import AlertState, Notification
from monitor.alerts.muting import SilenceRule
from monitor.db import models as m
from monitor.evaluation.run import PassResult

CHUNK = 500


@dataclass(frozen=True)
class LifecycleConfig:
    repeat_interval: timedelta = timedelta(days=7)
    group_wait: timedelta = timedelta(seconds=30)
    destinations: tuple[str, ...] = ("console", "file")


def to_state(row: m.Alert) -> AlertState:
    return AlertState(
        key=row.key,
        subject=row.subject,
        subject_type=row.subject_type,
        commitment_code=row.commitment_code,
        rule=row.rule,
        condition=row.condition,
        stage=row.stage,
        severity=row.severity,
        jurisdiction=row.jurisdiction,
        parties=tuple(row.parties),
        title=row.title,
        commitment_title=row.commitment_title,
        since=row.since,
        due=row.due,
        reason_ko=row.reason_ko,
        reason_en=row.reason_en,
        details=dict(row.details),
        started_at=row.started_at,
        state=row.state,
        notified_at=row.notified_at,
        notified_as=row.notified_as,
        notify_count=row.notify_count,
        muted_by=row.muted_by,
        resolved_at=row.resolved_at,
    )


def _write(row: m.Alert, alert: AlertState, now: datetime) -> None:
    row.key, row.subject, row.subject_type = alert.key, alert.subject, alert.subject_type
    row.commitment_code, row.rule, row.state = alert.commitment_code, alert.rule, alert.state
    row.condition, row.stage, row.severity = alert.condition, alert.stage, alert.severity
    row.jurisdiction, row.parties = alert.jurisdiction, list(alert.parties)
    row.since, row.due, row.reason_ko, row.reason_en = (
        alert.since,
        alert.due,
        alert.reason_ko,
        alert.reason_en,
    )
    row.details, row.title, row.commitment_title = alert.details, alert.title, alert.commitment_title
    row.started_at, row.notified_at, row.notified_as = alert.started_at, alert.notified_at, alert.notified_as
    row.notify_count, row.muted_by, row.resolved_at = alert.notify_count, alert.muted_by, alert.resolved_at
    row.updated_at = now


def active_silences(session: Session, now: datetime) -> list[SilenceRule]:
    query = select(m.Silence).where(
        m.Silence.removed_at.is_(None), m.Silence.starts_at <= now, m.Silence.ends_at > now
    )
    return [
        SilenceRule(s.id, s.code_prefix, s.jurisdiction, s.starts_at, s.ends_at, s.reason)
        for s in session.scalars(query.order_by(m.Silence.id))
    ]


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _load_alerts(session: Session, result: PassResult, keys: Iterable[str], full: bool) -> dict[str, m.Alert]:
    if full:
        return {row.key: row for row in session.scalars(select(m.Alert))}
    rows: dict[str, m.Alert] = {}
    for chunk in _chunks(sorted(result.subjects)):
        rows.update((r.key, r) for r in session.scalars(select(m.Alert).where(m.Alert.subject.in_(chunk))))
    for chunk in _chunks(sorted(set(keys) - set(rows))):
        rows.update((r.key, r) for r in session.scalars(select(m.Alert).where(m.Alert.key.in_(chunk))))
    return rows


def apply_pass(
    session: Session, result: PassResult, config: LifecycleConfig, full: bool
) -> list[Notification]:
    """Advance every alert the pass touched; write rows and outbox entries. Returns the notifications."""
    keys = [e.key for e in result.evaluations if e.behaviour.notify]
    rows = _load_alerts(session, result, keys, full)

    def firing_elsewhere(wanted: set[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(sorted(wanted)):
            query = select(m.Alert.key).where(m.Alert.key.in_(chunk), m.Alert.state == "firing")
            found |= set(session.scalars(query))
        return found

    moved = step(
        {k: to_state(r) for k, r in rows.items()},
        result.evaluations,
        result.subjects,
        result.commitments,
        active_silences(session, result.now),
        result.now,
        config.repeat_interval,
        firing_elsewhere,
    )
    for key, alert in moved.alerts.items():
        row = rows.get(key)
        if row is None:
            row = m.Alert()
            session.add(row)
        _write(row, alert, result.now)
    names = _jurisdiction_names(session)
    for notification in moved.notifications:
        enqueue(session, notification, config, names)
    return moved.notifications


def _jurisdiction_names(session: Session) -> dict[str, tuple[str, str]]:
    return {j.slug: (j.name_ko, j.name_en) for j in session.scalars(select(m.Jurisdiction))}


def enqueue(
    session: Session, notification: Notification, config: LifecycleConfig, names: dict[str, tuple[str, str]]
) -> None:
    """One outbox row per destination; grouped per jurisdiction when delivered."""
    ko, en = names.get(notification.jurisdiction, (notification.jurisdiction, notification.jurisdiction))
    payload = {**notification.payload, "jurisdiction_ko": ko, "jurisdiction_en": en}
    for destination in config.destinations:
        session.add(
            m.OutboxEntry(
                dedup_key=f"{notification.alert_key}#{notification.sequence}@{destination}",
                alert_key=notification.alert_key,
                event=notification.event,
                destination=destination,
                group_key=notification.jurisdiction,
                payload=payload,
                created_at=notification.at,
                not_before=notification.at + config.group_wait,
                state="pending",
                attempts=0,
                delivery={},
            )
        )


def record_errors(
    session: Session,
    result: PassResult,
    base_delay: timedelta = timedelta(hours=1),
    longest: timedelta = timedelta(days=1),
) -> None:
    """Push failed items' next check later (doubling, capped); forget the failures of recovered items."""
    now = result.now
    known = {e.subject: e for e in session.scalars(select(m.EvaluationError))}
    for subject, message in result.errors.items():
        row = known.get(subject)
        if row is None:
            row = m.EvaluationError(subject=subject, failures=0, first_failed_at=now)
            session.add(row)
        row.failures += 1
        row.last_error, row.last_failed_at = message, now
        row.next_check_at = now + min(longest, base_delay * 2 ** (row.failures - 1))
    for subject in result.subjects & set(known):
        session.delete(known[subject])


def skipped_subjects(session: Session, now: datetime) -> set[str]:
    """Items still waiting out their back-off after failing."""
    return set(
        session.scalars(select(m.EvaluationError.subject).where(m.EvaluationError.next_check_at > now))
    )
