"""What the bot says, Korean first (a chat switches with /lang en). Values are escaped before formatting;
Korean particles are chosen after it (`{code}은(는)` → `DJ-1은`)."""

from __future__ import annotations

from monitor.alerts.outbox import ReportPayload
from monitor.i18n import t
from monitor.korean import particles
from monitor.vocab import Lang

# Command → (Korean, English) description, in the order /help and setMyCommands list them.
COMMANDS: dict[str, tuple[str, str]] = {
    "start": ("시작하기", "Start"),
    "help": ("명령어 안내", "List the commands"),
    "subscribe": ("알림 구독 (예: /subscribe daejeon)", "Subscribe to alerts (e.g. /subscribe daejeon)"),
    "unsubscribe": ("구독 해지 (/unsubscribe [번호])", "Unsubscribe (/unsubscribe [id])"),
    "subscriptions": ("이 채팅의 구독 목록", "This chat's subscriptions"),
    "lang": ("언어 변경 (/lang ko|en)", "Change language (/lang ko|en)"),
    "status": ("공식 상태별 공약 수와 완료율", "Pledges per official status and completion rate"),
    "overdue": ("기한이 지난 항목", "Items past their deadline"),
    "upcoming": ("다가오는 기한 (/upcoming [일수])", "Upcoming deadlines (/upcoming [days])"),
    "show": ("공약·목표 상세 (/show 코드)", "A pledge or target in detail (/show CODE)"),
    "mute": (
        "이 채팅에서 알림 끄기 (/mute 코드 기간 사유)",
        "Mute alerts in this chat (/mute CODE DURATION reason)",
    ),
    "unmute": ("알림 끄기 해제 (/unmute [코드|번호])", "Unmute (/unmute [CODE|id])"),
    "report": ("지금 요약 받기 (/report [chart|budget])", "Digest now (/report [chart|budget])"),
    "log": (
        "담당 공무원: 진행 보고 (/log 코드 값 [메모] [근거URL])",
        "Officials: report progress (/log CODE VALUE [note] [URL])",
    ),
}

USAGE: dict[str, str] = {
    "subscribe": "/subscribe [jurisdiction] [prefix=CODE] [category=분야] [severity=info|warning|critical] [lang=ko|en]",
    "unsubscribe": "/unsubscribe [id|all]",
    "lang": "/lang ko|en",
    "status": "/status [CODE|jurisdiction]",
    "overdue": "/overdue [CODE|jurisdiction]",
    "upcoming": "/upcoming [days] [CODE|jurisdiction]",
    "show": "/show CODE",
    "mute": "/mute CODE DURATION reason   (e.g. /mute DJ-1 7d 예산 심의 중)",
    "unmute": "/unmute [CODE|id]",
    "report": "/report [chart|budget]",
    "log": "/log CODE VALUE [note] [evidence URL]   (e.g. /log DJ-1-2.target 1200 1차 완료 https://…)",
}

TEXTS: dict[str, tuple[str, str]] = {
    "welcome": (
        "공약 이행 모니터입니다. 공약 목표의 기한을 지켜보고 늦어지면 알려 드립니다.",
        "Pledge implementation monitor: it watches pledge targets and tells you when they slip.",
    ),
    "usage": ("사용법: {usage}", "Usage: {usage}"),
    "error": ("오류: {message}", "Error: {message}"),
    "unknown_command": ("알 수 없는 명령입니다. /help 를 보세요.", "Unknown command. See /help."),
    "admins_only": (
        "이 그룹의 설정은 그룹 관리자만 바꿀 수 있습니다.",
        "Only this group's admins can change its settings.",
    ),
    "subscribed": ("구독 #{id}: {filters}", "Subscription #{id}: {filters}"),
    "all_alerts": ("모든 알림", "all alerts"),
    "filter_category": ("분야 {value}", "category {value}"),
    "filter_prefix": ("코드 {value}", "code {value}"),
    "filter_severity": ("{value} 이상", "{value} and above"),
    "unsubscribed": ("구독 {count}건 해지", "{count} subscription(s) ended"),
    "no_subscriptions": (
        "구독이 없습니다. /subscribe 로 시작하세요.",
        "No subscriptions. Start with /subscribe.",
    ),
    "lang_set": ("언어: 한국어", "Language: English"),
    "status_line": (
        "{place}: 공약 {pledges}건 · 완료율 {rate}",
        "{place}: {pledges} pledges · completion {rate}",
    ),
    "nothing_overdue": ("기한이 지난 항목이 없습니다.", "Nothing is past its deadline."),
    "overdue_head": ("기한이 지난 항목 {count}건", "{count} item(s) past their deadline"),
    "nothing_upcoming": ("{days}일 안에 기한이 오는 목표가 없습니다.", "No targets due within {days} days."),
    "upcoming_head": ("{days}일 안에 기한 {count}건", "{count} target(s) due within {days} days"),
    "more": ("… 외 {count}건", "… and {count} more"),
    "official_status": ("공식 상태: {status}", "Official status: {status}"),
    "targets": ("목표", "Targets"),
    "reports": ("최근 보고", "Latest reports"),
    "alerts": ("경보", "Alerts"),
    "no_alerts": ("경보 없음", "No alerts"),
    "evidence": ("근거", "evidence"),
    "muted": (
        "#{id} {code}: {until}까지 이 채팅에서 알림 끔 — {reason}",
        "#{id} {code}: muted in this chat until {until} — {reason}",
    ),
    "unmuted": ("알림 끄기 {count}건 해제", "{count} mute(s) removed"),
    "no_mutes": ("이 채팅에 설정된 알림 끄기가 없습니다.", "No mutes in this chat."),
    "report_queued": ("요약을 보냅니다.", "Sending a digest."),
    "report_empty": ("현재 경보가 없습니다.", "No alerts are firing."),
    "not_official": (
        "진행 보고는 등록된 담당 공무원만 할 수 있습니다. 이 시도는 기록되었습니다.",
        "Only registered officials can report progress. This attempt was recorded.",
    ),
    "wrong_jurisdiction": (
        "{code}은(는) {jurisdiction} 소관이 아닙니다. 이 시도는 기록되었습니다.",
        "{code} is not under {jurisdiction}. This attempt was recorded.",
    ),
    "confirm_log": ("다음 내용을 기록할까요?\n{summary}", "Record this?\n{summary}"),
    "confirm_unusual": (
        "⚠️ 확인해 주세요: {warning}. 틀림없다면 확인을 누르세요.",
        "⚠️ Please check: {warning}. Press Confirm only if it is right.",
    ),
    "confirm": ("확인", "Confirm"),
    "cancel": ("취소", "Cancel"),
    "logged": ("기록했습니다: {summary}", "Recorded: {summary}"),
    "log_cancelled": ("취소했습니다.", "Cancelled."),
    "log_expired": (
        "확인 시간이 지났습니다. 다시 /log 해 주세요.",
        "This confirmation expired. Send /log again.",
    ),
    "log_not_yours": ("보고한 사람만 확인할 수 있습니다.", "Only the person who sent it can confirm."),
    "log_done_already": ("이미 처리된 보고입니다.", "This report was already handled."),
    "report_caption": ("{name} — {place}, {day} 기준 ({file})", "{name} — {place}, as of {day} ({file})"),
    "report_all": ("전체 지자체", "all jurisdictions"),
    "report_digest": ("주간 요약", "Digest"),
    "report_status": ("공약 이행 현황", "Pledge status"),
    "report_budget": ("공약 예산 집행", "Pledge budget execution"),
    "report_feed": ("변경 피드", "Change feed"),
}


def pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[0] if lang == "ko" else pair[1]


def say(key: str, lang: Lang, **values: object) -> str:
    text = pick(TEXTS[key], lang).format(**values)
    return particles(text) if lang == "ko" else text


def subscription_filters(
    place: str | None, category: str | None, prefix: str | None, severity: str, lang: Lang
) -> str:
    """What a subscription matches, for people: "광주광역시 서구 · 분야 돌봄·의료 · 코드 DJ-9 · 경고 이상"
    (`place` is the jurisdiction's name, not its slug); "모든 알림" when nothing narrows it."""
    parts = [place] if place else []
    parts += [
        say(key, lang, value=v) for key, v in (("filter_category", category), ("filter_prefix", prefix)) if v
    ]
    if severity != "info":
        parts.append(say("filter_severity", lang, value=t(f"severity.{severity}", lang)))
    return " · ".join(parts) or say("all_alerts", lang)


def report_caption(payload: ReportPayload, lang: Lang) -> str:
    """The caption of a scheduled report sent as a document."""
    place = payload.jurisdiction
    return say(
        "report_caption",
        lang,
        name=say(f"report_{payload.report}", lang),
        place=say("report_all", lang) if place == "all" else place,
        day=payload.at.isoformat(),
        file=payload.filename,
    )
