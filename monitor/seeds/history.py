"""History published in a source (results, official statuses), appended — never rewritten — on reload.

A seeded entry is recognised by its key (code@as-of). If the seed file now says something else, the new
version is appended as a correction of the previous one; history rows are never updated.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.db import models as m
from monitor.seeds.changes import LoadSummary
from monitor.seeds.schema import ProgressEntry, StatusEntry
from monitor.timeutil import due_instant
from monitor.vocab import Channel

SEED_REPORTER = "seed"


def _latest(session: Session, model: type[m.ProgressReport] | type[m.StatusChange], key: str) -> Any:
    session.flush()
    return session.scalar(select(model).where(model.seed_key == key).order_by(model.id.desc()).limit(1))


def append_progress(
    session: Session,
    summary: LoadSummary,
    tz: ZoneInfo,
    commitment: m.Commitment,
    milestone: m.Milestone,
    entry: ProgressEntry,
) -> None:
    """A result the source reports (counted as entered at the end of its as-of day)."""
    key = f"{milestone.code}@{entry.as_of.isoformat()}"
    latest = _latest(session, m.ProgressReport, key)
    content = {"value": entry.value, "status": entry.status, "note": entry.note}
    if latest is not None and all(getattr(latest, k) == v for k, v in content.items()):
        return
    session.add(
        m.ProgressReport(
            commitment=commitment,
            milestone=milestone,
            as_of=entry.as_of,
            evidence=[],
            reporter=SEED_REPORTER,
            channel=Channel.SEED.value,
            entered_at=due_instant(entry.as_of, tz),
            corrects=latest,
            seed_key=key,
            **content,
        )
    )
    summary.created["progress_report"] += 1


def append_status(
    session: Session, summary: LoadSummary, tz: ZoneInfo, commitment: m.Commitment, entry: StatusEntry
) -> None:
    """An official status the source states."""
    key = f"{commitment.code}@{entry.as_of.isoformat()}"
    latest = _latest(session, m.StatusChange, key)
    if latest is not None and latest.status == entry.status.value and latest.note == entry.note:
        return
    session.add(
        m.StatusChange(
            commitment=commitment,
            status=entry.status.value,
            as_of=entry.as_of,
            note=entry.note,
            evidence=[],
            reporter=SEED_REPORTER,
            channel=Channel.SEED.value,
            entered_at=due_instant(entry.as_of, tz),
            corrects_id=latest.id if latest else None,
            seed_key=key,
        )
    )
    summary.created["status_change"] += 1
