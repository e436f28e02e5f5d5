"""The chain head as published outside the database (the Atom feed, a Telegram channel).

A head someone kept is what detects a rewrite of history before it (`monitor verify --published
SEQ:HASH`): the feed and the daemon's head job call `current_head` and publish its `text`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.db import models as m
from monitor.db.chain import GENESIS


@dataclass(frozen=True)
class PublishedHead:
    seq: int  # 0: an empty chain
    hash: str
    at: datetime | None  # when the head entry's change happened (None: empty chain)
    keyed: bool  # the head entry carries a MAC (written with the chain key)

    @property
    def text(self) -> str:
        """`SEQ:HASH`, as `monitor verify --published` takes it."""
        return f"{self.seq}:{self.hash}"


def current_head(session: Session, as_of: datetime | None = None) -> PublishedHead:
    """The last entry of the chain as it is now (or the last whose change happened by `as_of`: the head
    a feed of the past shows)."""
    query = select(m.ChainEntry).order_by(m.ChainEntry.seq.desc()).limit(1)
    if as_of is not None:
        query = query.where(m.ChainEntry.entered_at <= as_of)
    last = session.scalars(query).first()
    if last is None:
        return PublishedHead(0, GENESIS, None, False)
    return PublishedHead(last.seq, last.hash, last.entered_at, last.mac is not None)
