"""Alerting tables: alert lifecycle state, silences, the notification outbox, evaluation errors, job runs.

The alert rows are what lets a restart neither re-fire nor forget: one row per (subject, rule) key,
firing or resolved, with when it was last notified. Notifications are written to the outbox in the same
transaction as the state change; a separate sender delivers them (at least once; `dedup_key` makes a
resend recognisable).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import BigInteger, CheckConstraint, Index, Insert, Integer, String, Text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from monitor.db.base import Base

log = logging.getLogger(__name__)


class Alert(Base):
    __tablename__ = "alerts"
    __table_args__ = (
        CheckConstraint("state IN ('firing', 'resolved')", name="state"),
        Index("ix_alerts_state_notified_at", "state", "notified_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)  # "{subject}:{rule}"
    subject: Mapped[str] = mapped_column(String(128), index=True)  # milestone or commitment code
    subject_type: Mapped[str] = mapped_column(String(16))
    commitment_code: Mapped[str] = mapped_column(String(64), index=True)
    rule: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16))  # lifecycle: firing or resolved
    condition: Mapped[str] = mapped_column(String(32))  # what the rule found: overdue, unreported, reminder …
    stage: Mapped[str | None] = mapped_column(
        String(32)
    )  # refinement that is notified when it changes: 30d …
    severity: Mapped[str] = mapped_column(String(16))
    jurisdiction: Mapped[str] = mapped_column(String(64))
    parties: Mapped[list[str]] = mapped_column()
    title: Mapped[str] = mapped_column(Text)
    commitment_title: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(200))  # for subscriptions filtered by 분야
    since: Mapped[datetime | None]
    due: Mapped[datetime | None]
    reason_ko: Mapped[str] = mapped_column(Text)
    reason_en: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column()
    started_at: Mapped[datetime]  # start of the current firing cycle
    notified_at: Mapped[datetime | None]  # last notification written to the outbox
    notified_as: Mapped[str | None] = mapped_column(String(64))  # "condition/stage" at the last notification
    notify_count: Mapped[int] = mapped_column(Integer, default=0)
    muted_by: Mapped[str | None] = mapped_column(String(160))  # "silence:<id>" or "inhibited:<key>"
    resolved_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class Silence(Base):
    """Mutes notifications for matching alerts until `ends_at` (Alertmanager-style)."""

    __tablename__ = "silences"
    __table_args__ = (
        CheckConstraint("code_prefix IS NOT NULL OR jurisdiction IS NOT NULL", name="has_matcher"),
        CheckConstraint("starts_at < ends_at", name="window"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code_prefix: Mapped[str | None] = mapped_column(String(128))
    jurisdiction: Mapped[str | None] = mapped_column(String(64))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime] = mapped_column(index=True)
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    removed_at: Mapped[datetime | None]
    removed_by: Mapped[str | None] = mapped_column(String(200))
    # A mute set by one Telegram chat (/mute) holds back only that chat's copies; the alert itself, and
    # every other destination, carry on. NULL: a silence for everyone.
    chat_id: Mapped[int | None] = mapped_column(BigInteger, index=True)


class OutboxEntry(Base):
    """One notification for one destination, waiting for (or done with) delivery."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'sent', 'failed')", name="state"),
        Index("ix_outbox_state_not_before", "state", "not_before"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(255), unique=True)
    alert_key: Mapped[str] = mapped_column(String(160), index=True)
    event: Mapped[str] = mapped_column(String(16))  # firing, repeat, escalated, resolved, achieved
    destination: Mapped[str] = mapped_column(String(128))
    group_key: Mapped[str] = mapped_column(String(64))  # jurisdiction slug: one message per group
    payload: Mapped[dict[str, Any]] = mapped_column()  # a `monitor.alerts.outbox` payload's JSON form
    created_at: Mapped[datetime]
    not_before: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claim_token: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    delivery: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Payload(Protocol):
    """What the outbox stores of a payload (`monitor.alerts.outbox`; the tables know no alert types)."""

    @property
    def event(self) -> str: ...

    def to_json(self) -> dict[str, object]: ...


def pending_entry(
    dedup_key: str,
    alert_key: str,
    destination: str,
    group_key: str,
    payload: Payload,
    now: datetime,
) -> OutboxEntry:
    """A notification ready to be sent now (digests, reports, notices, benchmarks; alerts go through the
    store). The row's event is the payload's; the payload is stored in its JSON form."""
    return OutboxEntry(
        dedup_key=dedup_key,
        alert_key=alert_key,
        event=str(payload.event),
        destination=destination,
        group_key=group_key,
        payload=payload.to_json(),
        created_at=now,
        not_before=now,
        state="pending",
        attempts=0,
        delivery={},
    )


def insert_new_only(session: Session) -> Insert:
    """An INSERT into the outbox that skips a row whose `dedup_key` is already there (ON CONFLICT DO
    NOTHING): two daemons queueing the same notice or alert at once is an expected race, not an error."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(OutboxEntry).on_conflict_do_nothing(index_elements=["dedup_key"])
    return sqlite.insert(OutboxEntry).on_conflict_do_nothing(index_elements=["dedup_key"])


def add_pending(session: Session, entry: OutboxEntry) -> bool:
    """Queue `entry` (from `pending_entry`) unless a row with its `dedup_key` exists; True if queued.
    Use this rather than `session.add`: a duplicate key then is no IntegrityError for the transaction."""
    values = {
        column.key: getattr(entry, column.key)
        for column in OutboxEntry.__table__.columns
        if getattr(entry, column.key) is not None
    }
    inserted = session.scalar(insert_new_only(session).values(values).returning(OutboxEntry.id))
    if inserted is None:
        log.debug("outbox row %s was already queued", entry.dedup_key)
        return False
    return True


class EvaluationError(Base):
    """An item whose evaluation raised: it is skipped until `next_check_at` (no crash loop)."""

    __tablename__ = "evaluation_errors"

    subject: Mapped[str] = mapped_column(String(128), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_error: Mapped[str] = mapped_column(Text)
    first_failed_at: Mapped[datetime]
    last_failed_at: Mapped[datetime]
    next_check_at: Mapped[datetime] = mapped_column(index=True)


class JobRun(Base):
    """The last scheduled run of each cron job, so a run missed while down is made up exactly once."""

    __tablename__ = "job_runs"

    job_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_scheduled_at: Mapped[datetime]
    last_started_at: Mapped[datetime]
    last_finished_at: Mapped[datetime | None]
    last_status: Mapped[str] = mapped_column(String(16))
    last_error: Mapped[str | None] = mapped_column(Text)
