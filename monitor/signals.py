"""Change counters in the `meta` table, bumped in the same transaction as a change. The daemon polls them
(a primary-key read) to re-plan when progress is logged, seeds are reloaded or silences change — from
any process, on SQLite or PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.db import models as m


class Topic(StrEnum):
    PROGRESS = "version.progress"
    SEED = "version.seed"
    SILENCE = "version.silence"


def touch(session: Session, topic: Topic) -> None:
    row = session.get(m.Meta, topic.value)
    if row is None:
        session.add(m.Meta(key=topic.value, value="1"))
    else:
        row.value = str(int(row.value) + 1)


def versions(session: Session) -> dict[Topic, str]:
    rows = session.execute(select(m.Meta.key, m.Meta.value).where(m.Meta.key.in_([t.value for t in Topic])))
    found = dict(rows.all())
    return {topic: found.get(topic.value, "0") for topic in Topic}


def reported_since(session: Session, since: datetime) -> set[str]:
    """Codes of commitments with progress or a status entered since `since` (a few seconds of slack for
    another process's clock and commit)."""
    after = since - timedelta(seconds=5)
    progress = (
        select(m.Commitment.code)
        .join(m.ProgressReport, m.ProgressReport.commitment_id == m.Commitment.id)
        .where(m.ProgressReport.entered_at >= after)
    )
    status = (
        select(m.Commitment.code)
        .join(m.StatusChange, m.StatusChange.commitment_id == m.Commitment.id)
        .where(m.StatusChange.entered_at >= after)
    )
    return set(session.scalars(progress)) | set(session.scalars(status))
