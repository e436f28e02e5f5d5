"""The names of conditions and notification events, Korean and English, shared by every renderer (the
notifiers, the command line, reports, the feed, the bot). It needs only the vocabulary, so a command can
show a label without loading the alerting stack."""

from __future__ import annotations

from monitor.vocab import Lang

CONDITION_LABELS: dict[str, tuple[str, str]] = {
    "overdue": ("기한 초과", "overdue"),
    "due_soon": ("기한 임박", "due soon"),
    "stale": ("장기 미보고", "stale"),
    "at_risk": ("미달 위험", "at risk"),
    "unreported": ("예산 집행 미보고", "budget execution unreported"),
    "underspent": ("예산 집행 부진", "budget underspent"),
    "reminder": ("일정 알림", "event reminder"),
    "unconfirmed": ("개최 미확인", "event not confirmed"),
    "cancelled": ("일정 취소", "event cancelled"),
    "contradiction": ("공식 상태와 모순", "contradicts official status"),
    "achieved": ("목표 달성", "achieved"),
}
EVENT_LABELS: dict[str, tuple[str, str]] = {
    "firing": ("새 경보", "new"),
    "escalated": ("단계 변경", "escalated"),
    "repeat": ("계속", "still firing"),
    "resolved": ("해결", "resolved"),
    "digest": ("요약", "digest"),
    "notice": ("알림", "notice"),
}


def label(table: dict[str, tuple[str, str]], key: str, lang: Lang) -> str:
    ko, en = table.get(key, (key, key))
    return ko if lang == "ko" else en
