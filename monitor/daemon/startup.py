"""What the daemon shows people when it starts, and how it words its plan in the log.

The summary at start counts, per jurisdiction, the items in each state exactly as `monitor check` lists
them at the same instant (the read-only pass over every part, texts unbuilt): the numbers a watchdog
then finds in `check` and `metrics` are the ones the console showed. Its jurisdictions are the owners
of the registry's items, by name; its states come in `check`'s order, `achieved` last.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, tzinfo

from sqlalchemy.orm import Session, sessionmaker

from monitor import snapshot
from monitor.daemon.detect import evaluate_all
from monitor.evaluation.planner import Wakeup, describe
from monitor.i18n import t
from monitor.notify.base import Notifier
from monitor.notify.console import Announcer
from monitor.notify.render import PlaceStates, StartSummary
from monitor.rules import RuleConfig
from monitor.rules.outcome import State
from monitor.vocab import Lang

log = logging.getLogger(__name__)
LISTED = (*snapshot.STATE_ORDER, State.ACHIEVED)


def local_minute(instant: datetime, tz: tzinfo) -> str:
    """ "2026-11-22 12:00 KST": the configured zone, to the minute."""
    return f"{instant.astimezone(tz):%Y-%m-%d %H:%M %Z}"


def start_summary(sessions: sessionmaker[Session], rules: RuleConfig, now: datetime) -> StartSummary:
    counted: Counter[tuple[str, str]] = Counter()
    owners: set[str] = set()
    places: dict[str, snapshot.Place] = {}
    for snap in evaluate_all(sessions, rules, now):
        places = snap.places or places
        owners.update(snap.commitments[code].jurisdiction for code in snap.in_scope)
        counted.update((finding.jurisdiction, str(finding.condition)) for finding in snap.findings)
    owners.update(slug for slug, _ in counted)
    return StartSummary(
        at=local_minute(now, rules.tz),
        places=tuple(_place(places.get(slug), slug, counted) for slug in sorted(owners)),
    )


def _place(place: snapshot.Place | None, slug: str, counted: Counter[tuple[str, str]]) -> PlaceStates:
    counts = tuple((s.value, counted[slug, s.value]) for s in LISTED if counted[slug, s.value])
    if place is None:
        return PlaceStates(slug, slug, counts)
    return PlaceStates(place.name_ko, place.name_en, counts)


async def announce_start(
    notifiers: Iterable[Notifier], sessions: sessionmaker[Session], rules: RuleConfig, now: datetime
) -> None:
    """Show the summary at start on the notifiers that take it (the console). A failure is logged and
    never holds the alerts back."""
    listeners = [notifier for notifier in notifiers if isinstance(notifier, Announcer)]
    if not listeners:
        return
    try:
        summary = await asyncio.to_thread(start_summary, sessions, rules, now)
    except Exception:
        log.exception("the summary at start failed; the alerts follow")
        return
    for listener in listeners:
        listener.announce(summary)


def next_change_line(wakeup: Wakeup, tz: tzinfo, lang: Lang) -> str:
    """The log line of a planned wake-up: "다음 상태 변화: 2026-11-29 12:00 KST (반복 알림)"."""
    return t("daemon.next_change", lang, at=local_minute(wakeup.at, tz), reason=describe(wakeup.reason, lang))
