"""What the daemon shows people: the summary at start (counted as `monitor check` lists the states), the
grouped alerts with identical reasons folded, and a log in the configured zone naming each planned
change once."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.daemon.log_texts import scheduler_log_language
from monitor.daemon.service import Daemon, DaemonConfig
from monitor.db import models as m
from monitor.notify.base import Notifier
from monitor.notify.console import ConsoleNotifier, JsonLinesNotifier
from monitor.notify.labels import CONDITION_LABELS
from monitor.notify.sender import Sender
from monitor.vocab import Lang
from tests.daemon_process import DaemonProcess, daemon_env, event_seed, monitor
from tests.factories import lifecycle, rule_config, run_cli

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)  # 12:00 KST
SEOUL = ZoneInfo("Asia/Seoul")


def _first_run(sessions: sessionmaker[Session], alerts: Path, lang: Lang = "ko") -> list[str]:
    """`monitor run --once` at NOW on the shipped seeds: the console's lines."""
    out = io.StringIO()
    notifiers: dict[str, Notifier] = {
        "console": ConsoleNotifier(out, lang),
        "file": JsonLinesNotifier(alerts, lambda: NOW),
    }
    config = DaemonConfig(rules=rule_config(), lifecycle=lifecycle(destinations=tuple(notifiers)))
    sender = Sender(sessions, notifiers, lambda: NOW)
    assert asyncio.run(Daemon(sessions, sender, config, [], clock=lambda: NOW).run(once=True)) == 0
    return out.getvalue().splitlines()


def _summary(lines: list[str]) -> dict[str, dict[str, int]]:
    """{jurisdiction name: {state label: count}} from the summary's "• 대전광역시: 장기 미보고 37건" lines."""
    start = lines.index("■ 시작 요약: 2026-11-22 12:00 KST 기준 지자체별 점검 상태")
    end = next(i for i, line in enumerate(lines) if line.startswith("합계 "))
    found: dict[str, dict[str, int]] = {}
    for line in lines[start + 1 : end]:
        name, _, counts = line.removeprefix("• ").partition(": ")
        found[name] = {
            state: int(n)
            for state, n in (re.fullmatch(r"(.+) (\d+)건", c).groups() for c in counts.split(", "))  # type: ignore[union-attr]
        }
    return found


def test_the_summary_at_start_comes_before_the_alerts_and_counts_what_check_lists(
    db_url: str, seeded: sessionmaker[Session], tmp_path: Path
) -> None:
    lines = _first_run(seeded, tmp_path / "alerts.jsonl")
    heading = next(i for i, line in enumerate(lines) if line.startswith("■ 시작 요약"))
    first_group = next(i for i, line in enumerate(lines) if line.startswith("[공약 이행 모니터]"))
    assert heading == 0 < first_group

    checked = run_cli(["check", "--format", "json", "--as-of", NOW.isoformat()], db_url=db_url)
    assert checked.exit_code == 0, checked.output
    with seeded() as session:
        names = {j.slug: j.name_ko for j in session.scalars(select(m.Jurisdiction))}
    expected: dict[str, Counter[str]] = {}
    for state in json.loads(checked.stdout):
        place = expected.setdefault(names[state["jurisdiction"]], Counter())
        place[CONDITION_LABELS[state["state"]][0]] += 1
    assert _summary(lines) == {name: dict(counts) for name, counts in expected.items()}
    assert _summary(lines)["대전광역시"] == {"장기 미보고": 37}
    total = sum(sum(c.values()) for c in expected.values())
    assert f"합계 {total}건 — 전체 목록은 monitor check" in lines


@pytest.mark.parametrize(
    ("lang", "stale", "more"), [("ko", "장기 미보고", "  … 외 36건"), ("en", "stale", "  … and 36 more")]
)
def test_37_identical_reasons_print_as_the_first_and_how_many_more_while_the_file_keeps_all(
    seeded: sessionmaker[Session], tmp_path: Path, lang: Lang, stale: str, more: str
) -> None:
    alerts = tmp_path / "alerts.jsonl"
    lines = _first_run(seeded, alerts, lang)
    start = next(
        i for i, line in enumerate(lines) if line.startswith("[") and ("대전" in line or "Daejeon" in line)
    )
    group = lines[start : lines.index("", start)]
    assert len(group) == 4, group  # headline, the first alert, its reason, and the rest counted
    assert group[1].startswith("• [") and f"·{stale}] DJ-1-1 " in group[1]
    assert group[3] == more
    written = [json.loads(line) for line in alerts.read_text(encoding="utf-8").splitlines()]
    assert sum(1 for a in written if a["jurisdiction"] == "daejeon" and a["condition"] == "stale") == 37


def test_the_next_change_is_logged_once_in_kst_to_the_minute(db_url: str, tmp_path: Path) -> None:
    """The machine's own zone is UTC here; every time in the log is KST all the same."""
    env = daemon_env(
        db_url,
        tmp_path,
        seeds_dir=str(tmp_path / "seeds"),
        event_grace="1d",
        event_lead_times="1h",
        group_wait="0s",
        poll_interval="0.2s",
    ) | {"TZ": "UTC"}
    monitor(env, tmp_path, "init", "--no-seed")
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=30)
    end = start + timedelta(seconds=1)
    event_seed(tmp_path / "seeds", start, end)
    daemon = DaemonProcess(env, tmp_path)
    try:
        daemon.wait_for("일정 알림")  # the first pass
        time.sleep(1.5)  # polls, the scheduler's start: none of them is a new change
        assert daemon.terminate() == 0
    finally:
        daemon.kill()
    log = daemon.log.splitlines()
    planned = (end + timedelta(days=1)).astimezone(SEOUL)
    changes = [line for line in log if "다음 상태 변화" in line]
    assert len(changes) == 1, log
    assert changes[0].endswith(f"다음 상태 변화: {planned:%Y-%m-%d %H:%M} KST (개최 미확인)")
    stamp = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} KST ")
    assert all(stamp.match(line) for line in log), log
    first = datetime.strptime(log[0][:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=SEOUL)
    assert abs(first - datetime.now(UTC)) < timedelta(minutes=5)  # KST, not the machine's UTC


DAEMON_LOG = {
    "ko": (
        "마일스톤 1개 평가 (항목 2개): 점검 상태 1건, 알림 1건, 오류 0건",
        "변경 감지(무음): 다시 평가하고 다음 변화를 다시 계획합니다",
        "멈추는 중: 진행 중인 작업을 마칩니다",
        "멈췄습니다",
    ),
    "en": (
        "evaluated 1 milestones (2 items): 1 conditions, 1 notifications, 0 errors",
        "change signalled (version.silence): re-evaluating and re-planning",
        "stopping: finishing the work in flight",
        "stopped",
    ),
}


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_daemon_logs_in_korean_by_default_and_in_english_with_language_en(
    db_url: str, tmp_path: Path, lang: Lang
) -> None:
    """Its pass, a change another process signalled (a silence) and its stop, in the `language` setting."""
    env = daemon_env(
        db_url,
        tmp_path,
        seeds_dir=str(tmp_path / "seeds"),
        event_lead_times="1h",
        group_wait="0s",
        poll_interval="0.2s",
        language=lang,
    )
    monitor(env, tmp_path, "init", "--no-seed")
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=30)
    event_seed(tmp_path / "seeds", start, start + timedelta(seconds=1))
    daemon = DaemonProcess(env, tmp_path)
    try:
        daemon.wait_for("■")  # the summary at start: the first pass is done
        monitor(
            env, tmp_path, "silence", "add", "--prefix", "T-1", "--for", "1d", "--reason", "r", "--by", "b"
        )
        deadline = time.monotonic() + 20
        while DAEMON_LOG[lang][1] not in daemon.log and time.monotonic() < deadline:
            time.sleep(0.1)
        assert daemon.terminate() == 0
    finally:
        daemon.kill()
    messages = [line.partition(": ")[2] for line in daemon.log.splitlines()]
    for expected in DAEMON_LOG[lang]:
        assert expected in messages, daemon.log
    if lang == "ko":
        assert all(re.search("[가-힣]", message) for message in messages), daemon.log
    else:
        assert not re.search("[가-힣]", daemon.log)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("ko", "예약 실행 한 번을 건너뜁니다: 같은 작업의 이전 실행이 아직 진행 중입니다"),
        ("en", 'Execution of job "poll" skipped: maximum number of running instances reached (1)'),
    ],
)
def test_a_scheduled_run_skipped_while_the_last_one_runs_is_a_debug_line_in_the_daemons_language(
    caplog: pytest.LogCaptureFixture, lang: Lang, expected: str
) -> None:
    """APScheduler warns when a poll comes while a long pass still runs; by design (the pass re-plans),
    so the operator sees it only at log_level DEBUG."""
    scheduler_log_language(lang)
    scheduler = logging.getLogger("apscheduler.scheduler")
    skipped = 'Execution of job "%s" skipped: maximum number of running instances reached (%d)'
    try:
        with caplog.at_level(logging.INFO, logger="apscheduler.scheduler"):
            scheduler.warning(skipped, "poll", 1)
            scheduler.warning("something else")
        assert [record.getMessage() for record in caplog.records] == ["something else"]
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="apscheduler.scheduler"):
            scheduler.warning(skipped, "poll", 1)
    finally:
        scheduler_log_language("en")
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [("DEBUG", expected)]
