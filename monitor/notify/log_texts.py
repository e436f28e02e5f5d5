"""The delivery's log lines in Korean and English (the daemon's `language` setting): the operator who
watches the daemon reads why a chat was not sent to in their language, as the daemon's other lines
(`monitor.daemon.log_texts`). Values (destinations, errors from a transport) are shown as they are."""

from __future__ import annotations

from monitor.korean import say_in
from monitor.vocab import Lang

LINES: dict[str, tuple[str, str]] = {
    "failed": (
        "{destination} ({group}) 전달 실패, 나중에 다시 보냅니다: {error}",
        "delivery to {destination} ({group}) failed, to be retried: {error}",
    ),
    "failed_permanently": (
        "{destination} ({group}) 전달 실패, 다시 보내지 않습니다: {error}",
        "delivery to {destination} ({group}) failed permanently: {error}",
    ),
    "gone": (
        "{destination}에는 더 보낼 수 없습니다: 기다리던 {count}건도 보내지 않고 실패로 기록합니다",
        "{destination} takes nothing more: its {count} other waiting notifications fail without a request",
    ),
    "moved": (
        "{destination}이(가) {target}(으)로 옮겨졌습니다: 그쪽으로 다시 보냅니다",
        "{destination} moved to {target}: sending there",
    ),
    "notifier_crashed": (
        "{destination} 알림기에서 예외가 났습니다. 나중에 다시 보냅니다",
        "the notifier for {destination} raised; the notifications will be retried",
    ),
    "no_notifier": (
        "{destination}을(를) 보낼 알림기가 없습니다",
        "no notifier for destination {destination}",
    ),
    "unreadable": (
        "outbox 행 {id}의 내용을 읽을 수 없어 실패로 기록합니다: {error}",
        "outbox row {id} has an unreadable payload; failed: {error}",
    ),
    "withdrawn": (
        "{destination} 전달 임대가 끝났습니다 (이 프로세스가 멈춰 있었거나 다른 데몬이 맡았습니다): "
        "남은 {count}건은 임대를 가진 쪽이 보냅니다",
        "the delivery lease of {destination} ended (this process stalled or another daemon took it): "
        "its {count} remaining notifications are left to the lease's holder",
    ),
    "renew_failed": (
        "{destination} 전달 임대를 갱신하지 못했습니다 ({error}): 임대가 끝나기 전에 다시 시도합니다",
        "could not renew the delivery lease of {destination} ({error}); trying again before it ends",
    ),
    "flood_wait": (
        "텔레그램 전송 제한(채팅 {chat}): {seconds:.1f}초 기다린 뒤 같은 메시지를 다시 보냅니다",
        "Telegram flood control for chat {chat}: waiting {seconds:.1f} s and sending again",
    ),
    "html_refused": (
        "텔레그램이 우리 HTML을 해석하지 못했습니다 ({error}). 한 번만 일반 텍스트로 보냅니다. 본문:\n{text}",
        "Telegram could not parse our HTML ({error}); sending as plain text once. The text:\n{text}",
    ),
}


def say(key: str, lang: Lang, **values: object) -> str:
    """The log line `key` in `lang`, its values filled in (Korean particles chosen)."""
    return say_in(LINES, key, lang, **values)
