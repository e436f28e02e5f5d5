"""Notification text for people, Korean first. Plain text; HTML escaping is the Telegram notifier's job."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from monitor.alerts.outbox import DigestPayload, NoticePayload, ReportPayload, place_name
from monitor.alerts.payload import AlertPayload
from monitor.i18n import t
from monitor.notify.base import Batch, OutboxItem
from monitor.notify.labels import CONDITION_LABELS, EVENT_LABELS, label
from monitor.vocab import Lang

SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2, "good": 3}
EVENT_ORDER = {"notice": 0, "digest": 1, "firing": 2, "escalated": 3, "repeat": 4, "resolved": 5}


def ordered(items: Iterable[OutboxItem]) -> list[OutboxItem]:
    return sorted(
        items,
        key=lambda i: (
            EVENT_ORDER.get(i.event, 9),
            SEVERITY_ORDER.get(i.payload.severity, 9),
            i.payload.condition,
            i.payload.subject,
        ),
    )


def headline(batch: Batch, lang: Lang) -> str:
    place = place_name(batch.items[0].payload, lang)
    counts = Counter(i.event for i in batch.items)
    parts = [
        f"{label(EVENT_LABELS, e, lang)} {n}{'건' if lang == 'ko' else ''}"
        for e, n in sorted(counts.items(), key=lambda kv: EVENT_ORDER.get(kv[0], 9))
    ]
    title = "공약 이행 모니터" if lang == "ko" else "Pledge monitor"
    return f"[{title}] {place} — {', '.join(parts)}"


def digest_lines(payload: DigestPayload, lang: Lang) -> list[str]:
    counts = ", ".join(
        f"{label(CONDITION_LABELS, c, lang)} {n}{'건' if lang == 'ko' else ''}"
        for c, n in sorted(payload.counts.items(), key=lambda kv: -kv[1])
    )
    head = (
        f"현재 경보 {payload.total}건: {counts}"
        if lang == "ko"
        else f"{payload.total} alerts firing: {counts}"
    )
    lines = [f"• [{label(EVENT_LABELS, 'digest', lang)}] {head}"]
    for entry in payload.items:
        lines.append(f"  - {entry.subject} {entry.title}: {entry.reason(lang)}")
    return lines


def item_lines(item: OutboxItem, lang: Lang) -> list[str]:
    p = item.payload
    if isinstance(p, DigestPayload):
        return digest_lines(p, lang)
    if isinstance(p, NoticePayload):
        return [f"• {p.text(lang)}"]
    if isinstance(p, ReportPayload):  # sent as its file; listed by name if ever rendered as text
        return [f"• {p.filename}"]
    condition = label(CONDITION_LABELS, p.condition, lang)
    event = label(EVENT_LABELS, p.event, lang)
    if p.event == "repeat":
        event += f" {p.firing_for_days}일째" if lang == "ko" else f", day {p.firing_for_days}"
    title = p.title if p.title == p.commitment_title else f"{p.commitment_title} / {p.title}"
    return [f"• [{event}·{condition}] {p.subject} {title}", f"  {p.reason(lang)}"]


def render_text(batch: Batch, lang: Lang, collapse: bool = False) -> str:
    """The batch as text; with `collapse`, alerts announced alike for the same reason show as the first
    of them and "… 외 N건" (the console; every item still goes to the JSON-lines file)."""
    lines = [headline(batch, lang)]
    for item, more in collapsed(ordered(batch.items), lang) if collapse else _each(batch.items):
        lines.extend(item_lines(item, lang))
        if more:
            lines.append("  " + t("daemon.more", lang, count=more))
    return "\n".join(lines)


def _each(items: Iterable[OutboxItem]) -> Iterable[tuple[OutboxItem, int]]:
    return ((item, 0) for item in ordered(items))


def collapsed(items: Iterable[OutboxItem], lang: Lang) -> list[tuple[OutboxItem, int]]:
    """Each first item of those sharing event, state and reason text, with how many more share them;
    in the order the first ones come."""
    runs: dict[Hashable, list[OutboxItem]] = {}
    for item in items:
        runs.setdefault(_likeness(item, lang), []).append(item)
    return [(same[0], len(same) - 1) for same in runs.values()]


def _likeness(item: OutboxItem, lang: Lang) -> Hashable:
    p = item.payload
    if not isinstance(p, AlertPayload):
        return item.id  # digests, notices and reports are never folded together
    return (p.event, p.firing_for_days if p.event == "repeat" else 0, p.condition, p.stage, p.reason(lang))


@dataclass(frozen=True)
class PlaceStates:
    """One jurisdiction's line in the summary at start: its states as `monitor check` counts them."""

    name_ko: str
    name_en: str
    counts: tuple[tuple[str, int], ...]  # (state, count): the non-zero ones, in the listing order


@dataclass(frozen=True)
class StartSummary:
    at: str  # the evaluated instant, in the configured zone ("2026-11-22 12:00 KST")
    places: tuple[PlaceStates, ...]


def render_summary(summary: StartSummary, lang: Lang) -> str:
    lines = [t("daemon.summary.heading", lang, at=summary.at)]
    for place in summary.places:
        counts = ", ".join(
            f"{label(CONDITION_LABELS, state, lang)} {n}{'건' if lang == 'ko' else ''}"
            for state, n in place.counts
        )
        name = place.name_ko if lang == "ko" else place.name_en
        lines.append(f"• {name}: {counts or t('daemon.summary.none', lang)}")
    total = sum(n for place in summary.places for _, n in place.counts)
    closing = "daemon.summary.total" if summary.places else "daemon.summary.empty"
    lines.append(t(closing, lang, total=total))
    return "\n".join(lines)
