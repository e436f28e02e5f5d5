"""Silences: mute matching alerts until an end time, with a reason and who set it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.alerts.muting import code_matches
from monitor.db import models as m
from monitor.errors import InputError, NotFoundError
from monitor.registry import require_jurisdiction
from monitor.signals import Topic, touch


def add_silence(
    session: Session,
    *,
    code_prefix: str | None,
    jurisdiction: str | None,
    until: datetime,
    reason: str,
    by: str,
    now: datetime,
    starts_at: datetime | None = None,
    chat_id: int | None = None,
) -> m.Silence:
    """A silence for everyone, or with `chat_id` a mute of that Telegram chat's copies only."""
    if code_prefix is None and jurisdiction is None:
        raise InputError(
            "a silence needs a code prefix (--prefix) or a jurisdiction (--jurisdiction)",
            ko="무음에는 코드 접두(--prefix)나 지자체(--jurisdiction)가 필요합니다",
        )
    if not reason.strip() or not by.strip():
        raise InputError(
            "a silence needs a reason (--reason) and who set it (--by)",
            ko="무음에는 사유(--reason)와 설정자(--by)가 필요합니다",
        )
    start = starts_at or now
    if until <= start:
        raise InputError(
            f"the silence would end ({until.isoformat()}) before it starts ({start.isoformat()})",
            ko=f"무음이 시작({start.isoformat()})하기 전에 끝나게 됩니다 (종료 {until.isoformat()})",
        )
    if jurisdiction is not None:
        require_jurisdiction(session, jurisdiction)
    if code_prefix is not None:
        codes = session.scalars(select(m.Commitment.code).where(m.Commitment.retired_at.is_(None)))
        if not any(code_matches(code, code_prefix) for code in codes):
            raise InputError(
                f"code prefix {code_prefix!r} matches no commitment (see monitor list)",
                ko=f"코드 접두 {code_prefix!r}에 맞는 공약이 없습니다 (monitor list 로 확인하세요)",
            )
    silence = m.Silence(
        code_prefix=code_prefix.upper() if code_prefix else None,
        jurisdiction=jurisdiction,
        starts_at=start,
        ends_at=until,
        reason=reason,
        created_by=by,
        created_at=now,
        chat_id=chat_id,
    )
    session.add(silence)
    if chat_id is None:  # a chat's mute changes routing, not what the daemon evaluates
        touch(session, Topic.SILENCE, now)
    session.flush()
    return silence


def list_silences(session: Session, now: datetime, include_ended: bool = False) -> list[m.Silence]:
    query = select(m.Silence).order_by(m.Silence.id)
    if not include_ended:
        query = query.where(m.Silence.removed_at.is_(None), m.Silence.ends_at > now)
    return list(session.scalars(query))


def remove_silence(session: Session, silence_id: int, by: str, now: datetime) -> m.Silence:
    silence = session.get(m.Silence, silence_id)
    if silence is None or silence.removed_at is not None:
        raise NotFoundError(
            f"no active silence {silence_id} (see monitor silence list)",
            ko=f"진행 중인 무음 {silence_id}번이 없습니다 (monitor silence list 로 확인하세요)",
        )
    silence.removed_at, silence.removed_by = now, by
    if silence.chat_id is None:
        touch(session, Topic.SILENCE, now)
    return silence
