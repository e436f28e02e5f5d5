"""Notification text for people, Korean first. Plain text; HTML escaping is the Telegram notifier's job."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from monitor.alerts.outbox import DigestPayload, NoticePayload, ReportPayload, place_name
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


def render_text(batch: Batch, lang: Lang) -> str:
    lines = [headline(batch, lang)]
    for item in ordered(batch.items):
        lines.extend(item_lines(item, lang))
    return "\n".join(lines)
