"""Who may import a file: the roster check of every write path (`monitor.scope.authorize`), with a refusal
for rows outside the official's jurisdictions naming them as people read them (광주광역시 서구 /
Seo-gu (Gwangju)), not by slug. The recorded reason keeps the slugs, as every write path records it.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from monitor.db import models as m
from monitor.display import place_names
from monitor.scope import Actor, Refused, authorize, roster_entries
from monitor.snapshot.scope import places

SHOWN_CODES = 5  # codes named in a refusal; more are "…"


def authorize_import(session: Session, actor: Actor, commitments: Iterable[m.Commitment]) -> None:
    """`authorize`; a refusal for commitments outside the actor's jurisdictions names the places."""
    commitments = list(commitments)
    try:
        authorize(session, actor, commitments)
    except Refused as refusal:
        entries = roster_entries(session, actor)
        if not entries:
            raise
        mine = {official.jurisdiction for official in entries}
        outside = sorted({c.code for c in commitments if not mine & {j.slug for j in c.parties}})
        raise _outside(session, actor, sorted(mine), outside, refusal.reason) from None


def _outside(session: Session, actor: Actor, mine: list[str], outside: list[str], reason: str) -> Refused:
    known = places(session)
    codes = ", ".join(outside[:SHOWN_CODES]) + (" …" if len(outside) > SHOWN_CODES else "")
    return Refused(
        f"{actor} reports for {place_names(known, mine, 'en')} only; not for {codes}",
        ko=f"{actor}의 담당 지역은 {place_names(known, mine, 'ko')}입니다. {codes}은(는) 담당 범위 밖입니다.",
        reason=reason,
    )
