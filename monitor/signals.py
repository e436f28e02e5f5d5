"""Change counters in the `meta` table, bumped in the same transaction as a change. The daemon polls them
(a primary-key read) to re-plan when progress is logged, seeds are reloaded or silences change — from
any process, on SQLite or PostgreSQL."""

from __future__ import annotations

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
