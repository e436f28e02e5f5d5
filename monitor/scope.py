"""Who may write progress, and for which jurisdictions: one check for every write path.

The command line and imports name the actor (`--by NAME`); the bot knows the Telegram user. Either way
the actor must be on the officials roster for a jurisdiction that is party to every commitment written.
A refusal is an `access_attempts` row — and so an entry of the history chain — written in its own
transaction, because the refused write itself is rolled back.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.db import models as m
from monitor.errors import MonitorError

SHOWN_CODES = 5  # codes named in a refusal; more are "…"


class Refused(MonitorError):
    """The actor may not write this (not on the roster, or outside their jurisdictions)."""

    exit_code = 3

    def __init__(self, message: str, *, ko: str, reason: str) -> None:
        super().__init__(message, ko=ko)
        self.reason = reason


@dataclass(frozen=True)
class Actor:
    channel: str  # cli, import, telegram
    name: str | None = None
    telegram_user_id: int | None = None
    chat_id: int | None = None

    def __str__(self) -> str:
        return self.name if self.name else f"tg:{self.telegram_user_id}"


def roster_entries(session: Session, actor: Actor) -> list[m.Official]:
    query = select(m.Official).where(m.Official.removed_at.is_(None)).order_by(m.Official.id)
    if actor.telegram_user_id is not None:
        query = query.where(m.Official.telegram_user_id == actor.telegram_user_id)
    else:
        query = query.where(m.Official.name == (actor.name or "").strip())
    return list(session.scalars(query))


def _commitment(target: m.Commitment | m.Milestone) -> m.Commitment:
    return target if isinstance(target, m.Commitment) else target.commitment


def official_for(session: Session, actor: Actor, target: m.Commitment | m.Milestone) -> m.Official | None:
    """The actor's roster entry for a jurisdiction party to `target`'s commitment, if any."""
    return _entry_for(roster_entries(session, actor), target)


def _entry_for(entries: list[m.Official], target: m.Commitment | m.Milestone) -> m.Official | None:
    parties = {j.slug for j in _commitment(target).parties}
    return next((o for o in entries if o.jurisdiction in parties), None)


def authorize(
    session: Session, actor: Actor, targets: Iterable[m.Commitment | m.Milestone]
) -> dict[str, m.Official]:
    """The roster entry the actor writes each target's commitment as; `Refused` names what is out of scope."""
    entries = roster_entries(session, actor)
    if not entries:
        raise Refused(
            f"{actor} is not on the officials roster: ask an administrator to run "
            "`monitor officials add --name NAME --jurisdiction SLUG`",
            ko=f"{actor}은(는) 담당 공무원 명단에 없습니다. 관리자에게 등록을 요청하세요.",
            reason="not on the officials roster",
        )
    allowed: dict[str, m.Official] = {}
    outside: list[str] = []
    for target in targets:
        commitment = _commitment(target)
        official = _entry_for(entries, target)  # one roster query per write, not per target
        if official is None:
            outside.append(commitment.code)
        else:
            allowed[commitment.code] = official
    if outside:
        raise _outside(session, actor, sorted({o.jurisdiction for o in entries}), sorted(set(outside)))
    return allowed


def _outside(session: Session, actor: Actor, mine: list[str], outside: list[str]) -> Refused:
    """The refusal names the actor's jurisdictions as people read them (광주광역시 서구 / Seo-gu
    (Gwangju)); the recorded reason keeps the slugs."""
    from monitor.display import place_names

    known = {j.slug: j for j in session.scalars(select(m.Jurisdiction).where(m.Jurisdiction.slug.in_(mine)))}
    codes = ", ".join(outside[:SHOWN_CODES]) + (" …" if len(outside) > SHOWN_CODES else "")
    return Refused(
        f"{actor} reports for {place_names(known, mine, 'en')} only; not for {codes}",
        ko=f"{actor}의 담당 지역은 {place_names(known, mine, 'ko')}입니다. {codes}은(는) 담당 범위 밖입니다.",
        reason=f"outside the official's jurisdiction ({', '.join(mine)}): {codes}",
    )


def record_attempt(
    session: Session, actor: Actor, *, command: str, detail: str, allowed: bool, reason: str, now: datetime
) -> None:
    session.add(
        m.AccessAttempt(
            at=now,
            channel=actor.channel,
            actor=actor.name,
            telegram_user_id=actor.telegram_user_id,
            chat_id=actor.chat_id,
            command=command,
            detail=detail,
            allowed=allowed,
            reason=reason,
        )
    )


@contextmanager
def scoped_write(
    sessions: sessionmaker[Session], actor: Actor, *, command: str, detail: str, now: datetime
) -> Iterator[Session]:
    """A write transaction whose `Refused` is rolled back but recorded (in a transaction of its own)."""
    try:
        with sessions.begin() as session:
            yield session
    except Refused as refusal:
        with sessions.begin() as session:
            record_attempt(
                session, actor, command=command, detail=detail, allowed=False, reason=refusal.reason, now=now
            )
        raise
