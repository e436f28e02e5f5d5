"""The daemon's log lines in Korean and English (the `language` setting): people watch the daemon's
console, so what it says while it runs is in their language, as its alerts are. APScheduler's one
warning the daemon meets in normal work is told in Korean too (`scheduler_log_language`)."""

from __future__ import annotations

import logging
import re
from collections.abc import Collection

from monitor.korean import say_in
from monitor.vocab import Lang

LINES: dict[str, tuple[str, str]] = {
    "stopping": ("멈추는 중: 진행 중인 작업을 마칩니다", "stopping: finishing the work in flight"),
    "stopped": ("멈췄습니다", "stopped"),
    "failed": (
        "예약된 작업이 실패했습니다. 다음 전체 점검 때 다시 합니다",
        "scheduled work failed; the next sweep will try again",
    ),
    "changed": (
        "변경 감지({topics}): 다시 평가하고 다음 변화를 다시 계획합니다",
        "change signalled ({topics}): re-evaluating and re-planning",
    ),
    "missed": (
        "작업 {job}: 데몬이 멈춘 동안 {at} 실행을 놓쳐 지금 실행합니다",
        "job {job} missed its run at {at} while the daemon was down: running it now",
    ),
    "evaluated": (
        "마일스톤 {milestones}개 평가 (항목 {subjects}개{scope}): 점검 상태 {conditions}건, "
        "알림 {notified}건, 오류 {errors}건",
        "evaluated {milestones} milestones ({subjects} items{scope}): {conditions} conditions, "
        "{notified} notifications, {errors} errors",
    ),
    "scope": (", 범위 {count}곳", " in {count} scope(s)"),
    "delivery_failed": (
        "전달 작업이 실패했습니다. 잠시 뒤 다시 합니다",
        "delivery failed; trying again shortly",
    ),
    "leading": (
        "이 데몬이 주도합니다: 감지와 예약 작업을 맡습니다",
        "this daemon leads: detecting and scheduling",
    ),
    "following": (
        "다른 데몬이 주도합니다: 이 데몬은 전달만 하고 대기합니다",
        "another daemon leads: this one delivers and stands by",
    ),
    "shutdown_late": (
        "진행 중인 작업이 {seconds}초 안에 끝나지 않아 중단합니다",
        "work in flight did not end within {seconds} s: cancelling it",
    ),
    "report_written": ("보고서 작업 {job}: {path}에 썼습니다", "report job {job} wrote {path}"),
}
# The change counters (monitor.signals.Topic values) as the Korean line names them.
TOPICS_KO = {"version.progress": "진행 보고", "version.seed": "시드", "version.silence": "무음"}


def say(key: str, lang: Lang, **values: object) -> str:
    """The log line `key` in `lang`, its values filled in (Korean particles chosen)."""
    return say_in(LINES, key, lang, **values)


def changed_line(topics: Collection[str], lang: Lang) -> str:
    """Which change counters moved: `변경 감지(진행 보고, 무음)`, `change signalled (version.seed)`."""
    names = sorted(TOPICS_KO.get(topic, topic) if lang == "ko" else topic for topic in topics)
    return say("changed", lang, topics=", ".join(names))


def evaluated_line(counts: dict[str, int], scopes: int | None, lang: Lang) -> str:
    """The summary of one detect pass; `scopes`: how many scopes it covered (None: everything)."""
    scope = "" if scopes is None else say("scope", lang, count=scopes)
    return say("evaluated", lang, scope=scope, **counts)


_SKIPPED = re.compile(r"Execution of job .+ skipped: maximum number of running instances reached \(\d+\)")
SKIPPED_KO = "예약 실행 한 번을 건너뜁니다: 같은 작업의 이전 실행이 아직 진행 중입니다"


class QuietSkips(logging.Filter):
    """APScheduler's warning that a run was skipped because the previous one still runs — a poll while a
    long pass goes on, expected and harmless (the pass re-plans) — is a debug line, in Korean when the
    daemon speaks Korean: an operator's log shows it only with log_level DEBUG."""

    def __init__(self, lang: Lang) -> None:
        super().__init__()
        self.lang = lang

    def filter(self, record: logging.LogRecord) -> bool:
        if not _SKIPPED.fullmatch(record.getMessage()):
            return True
        if self.lang == "ko":
            record.msg, record.args = SKIPPED_KO, None
        record.levelno, record.levelname = logging.DEBUG, logging.getLevelName(logging.DEBUG)
        return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)


def scheduler_log_language(lang: Lang) -> None:
    """Word APScheduler's skipped-run line in `lang`, at debug level, from now on (set by each daemon)."""
    logger = logging.getLogger("apscheduler.scheduler")
    for installed in [f for f in logger.filters if isinstance(f, QuietSkips)]:
        logger.removeFilter(installed)
    logger.addFilter(QuietSkips(lang))
