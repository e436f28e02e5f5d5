"""Cron-style reports (`kind = "report"` jobs): dated files in a folder, copies for subscribed Telegram
chats (as a document or as messages, over the fake Bot API), one made-up run after downtime, the shipped
schedules."""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from monitor.daemon import leader_jobs
from monitor.daemon.jobs import JobSpec, load_jobs
from monitor.daemon.report_jobs import ReportContext, ReportParams, run_report_job
from monitor.daemon.service import Daemon, DaemonConfig
from monitor.db import models as m
from monitor.errors import SettingsError
from monitor.notify.sender import Sender
from monitor.vocab import Lang
from tests.factories import NOW, SEOUL, RecordingNotifier, lifecycle, rule_config, run_cli
from tests.fake_telegram import FakeTelegram
from tests.telegram_factories import GROUP, MEMBER, deliver_telegram, subscribe

MONDAY_9 = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # 09:00 KST


def _context(folder: Path, telegram: bool = False, lang: Lang = "ko") -> ReportContext:
    return ReportContext(folder, SEOUL, lang, telegram=telegram, rules=rule_config())


def _run(
    sessions: sessionmaker[Session], params: Mapping[str, object], folder: Path, telegram: bool = False
) -> list[Path]:
    with sessions.begin() as session:
        run = run_report_job(
            session,
            "weekly-digest",
            ReportParams.model_validate(params),
            scheduled=MONDAY_9,
            since=None,
            now=MONDAY_9,
            ctx=_context(folder, telegram),
        )
    return run.files


def _outbox(sessions: sessionmaker[Session]) -> list[m.OutboxEntry]:
    with sessions() as session:
        return list(
            session.scalars(
                select(m.OutboxEntry).where(m.OutboxEntry.event == "report").order_by(m.OutboxEntry.id)
            )
        )


def test_a_report_job_writes_a_file_dated_by_its_schedule(
    seeded: sessionmaker[Session], tmp_path: Path
) -> None:
    files = _run(
        seeded, {"report": "status", "format": "html", "jurisdictions": ["daegu", "daejeon"]}, tmp_path
    )
    assert [f.name for f in files] == [
        "2026-11-23-weekly-digest-daegu.html",
        "2026-11-23-weekly-digest-daejeon.html",
    ]
    page = files[0].read_text(encoding="utf-8")
    assert "대구광역시" in page and "완료율" in page
    assert list(tmp_path.glob(".*")) == []  # no temporary files left behind


def test_a_feed_job_rewrites_one_fixed_file(seeded: sessionmaker[Session], tmp_path: Path) -> None:
    params = {"report": "feed", "filename": "feed.atom", "folder": "public"}
    [first] = _run(seeded, params, tmp_path)
    [again] = _run(seeded, params, tmp_path)
    assert first == again == tmp_path / "public" / "feed.atom"
    root = ElementTree.fromstring(first.read_bytes())
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"


def test_subscribed_chats_get_their_jurisdictions_report_once(
    sqlite_url: str, seeded: sessionmaker[Session], tmp_path: Path
) -> None:
    subscribe(seeded, GROUP, jurisdiction="daegu")
    subscribe(seeded, GROUP, jurisdiction="daegu", category="환경")  # a second filter: still one copy
    subscribe(seeded, MEMBER)  # everything
    params = {"report": "status", "telegram": "subscribers", "to_folder": False}
    assert _run(seeded, params, tmp_path, telegram=True) == []
    rows = _outbox(seeded)
    assert sorted((r.destination, r.payload["jurisdiction"]) for r in rows) == [
        (f"telegram:{GROUP}", "daegu"),
        (f"telegram:{MEMBER}", "all"),
    ]
    assert b"<!doctype html>" in base64.b64decode(rows[0].payload["content_b64"])[:200]
    _run(seeded, params, tmp_path, telegram=True)  # the same scheduled run again (made up after a crash)
    assert len(_outbox(seeded)) == 2


def test_a_report_reaches_telegram_as_a_document(seeded: sessionmaker[Session], tmp_path: Path) -> None:
    subscribe(seeded, GROUP, jurisdiction="daejeon")
    _run(seeded, {"report": "budget", "telegram": "subscribers", "to_folder": False}, tmp_path, telegram=True)
    with FakeTelegram() as fake:
        fake.add_chat(GROUP)
        deliver_telegram(seeded, fake, MONDAY_9)
        [sent] = fake.sent
    assert sent.kind == "document" and sent.chat_id == GROUP
    assert sent.params["document:filename"] == "2026-11-23-weekly-digest-daejeon.html"
    assert sent.text.startswith("공약 예산 집행 — daejeon, 2026-11-23 기준")
    assert sent.photo_bytes is not None and b"</html>" in sent.photo_bytes
    [row] = _outbox(seeded)
    assert row.state == "sent"


def test_a_report_sent_as_messages_is_split_within_telegrams_limit(
    seeded: sessionmaker[Session], tmp_path: Path
) -> None:
    subscribe(seeded, GROUP)
    _run(  # the budget table of every jurisdiction: far more than one message
        seeded,
        {"report": "budget", "telegram": "subscribers", "send_as": "message", "to_folder": False},
        tmp_path,
        telegram=True,
    )
    with FakeTelegram() as fake:
        fake.add_chat(GROUP)
        deliver_telegram(seeded, fake, MONDAY_9)
        texts = [s.text for s in fake.sent]
    assert len(texts) > 1 and all(s.kind == "message" for s in fake.sent)
    assert fake.internal_errors == [] and all(len(text) <= 4096 for text in texts)
    assert texts[0].startswith("# ")  # the Markdown text, escaped for parse_mode=HTML
    [row] = _outbox(seeded)
    assert row.state == "sent" and row.delivery["parts"] == len(texts)


def _daemon(sessions: sessionmaker[Session], jobs: list[JobSpec], folder: Path, lang: Lang = "ko") -> Daemon:
    config = DaemonConfig(
        rules=rule_config(),
        lifecycle=lifecycle(destinations=("console",)),
        reports=_context(folder, lang=lang),
    )
    sender = Sender(sessions, {"console": RecordingNotifier()}, lambda: NOW)
    return Daemon(sessions, sender, config, jobs, clock=lambda: NOW)


def _missed_weekly_digest(sessions: sessionmaker[Session]) -> JobSpec:
    """A weekly digest that last ran two Mondays ago: the run of Monday the 16th was missed."""
    job = JobSpec(
        id="weekly-digest",
        kind="report",
        cron="0 9 * * mon",
        timezone="Asia/Seoul",
        params={"report": "digest", "format": "md"},
    )
    with sessions.begin() as session:
        session.add(
            m.JobRun(
                job_id=job.id,
                last_scheduled_at=datetime(2026, 11, 9, 0, 0, tzinfo=UTC),
                last_started_at=NOW,
                last_status="ok",
            )
        )
    return job


def test_a_report_missed_while_down_is_made_up_once_as_of_its_schedule(
    seeded: sessionmaker[Session], tmp_path: Path
) -> None:
    job = _missed_weekly_digest(seeded)
    folder = tmp_path / "reports"
    asyncio.run(leader_jobs.catch_up(_daemon(seeded, [job], folder)))
    assert [f.name for f in folder.iterdir()] == ["2026-11-16-weekly-digest.md"]
    text = (folder / "2026-11-16-weekly-digest.md").read_text(encoding="utf-8")
    assert "2026-11-09" in text  # "since the last digest" is the previous run
    asyncio.run(leader_jobs.catch_up(_daemon(seeded, [job], folder)))  # restart again: nothing more
    assert len(list(folder.iterdir())) == 1
    with seeded() as session:
        run = session.get(m.JobRun, job.id)
        assert run is not None and run.last_status == "ok"


def test_shipped_report_schedules(tmp_path: Path) -> None:
    jobs = {job.id: job for job in load_jobs(Path(__file__).resolve().parent.parent / "jobs")}
    after = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)

    def next_fire(job_id: str) -> datetime:
        fire = jobs[job_id].trigger(SEOUL).get_next_fire_time(None, after)
        assert fire is not None
        local: datetime = fire.astimezone(SEOUL)
        return local

    assert next_fire("weekly-digest") == datetime(2026, 11, 23, 9, 0, tzinfo=SEOUL)  # Monday 09:00
    assert next_fire("monthly-status") == datetime(2026, 12, 1, 9, 0, tzinfo=SEOUL)
    assert next_fire("yearly-budget") == datetime(2027, 1, 31, 9, 0, tzinfo=SEOUL)
    assert jobs["atom-feed"].params["report"] == "feed"
    assert all(ReportParams.model_validate(job.params) for job in jobs.values() if job.kind == "report")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ('report = "weather"', "params.report: Input should be"),
        ('report = "status"\nformat = "pdf"', "params.format: Input should be"),
        ('report = "status"\ntelegram = "everyone"', "params.telegram"),
        ('report = "digest"\ndays = 0', "params.days: Input should be greater than or equal to 1"),
    ],
)
def test_bad_report_jobs_stop_the_daemon_with_the_file_named(
    tmp_path: Path, params: str, message: str
) -> None:
    (tmp_path / "r.toml").write_text(
        f'id = "r"\nkind = "report"\ncron = "0 9 * * *"\n[params]\n{params}\n', encoding="utf-8"
    )
    with pytest.raises(SettingsError) as caught:
        load_jobs(tmp_path)
    assert str(caught.value).startswith(f"{tmp_path}/r.toml: ") and message in str(caught.value)


@pytest.mark.parametrize(
    ("lang", "missed", "wrote"),
    [
        (
            "ko",
            "작업 weekly-digest: 데몬이 멈춘 동안 2026-11-16 09:00 KST 실행을 놓쳐 지금 실행합니다",
            "보고서 작업 weekly-digest: {path}에 썼습니다",
        ),
        (
            "en",
            "job weekly-digest missed its run at 2026-11-16 09:00 KST while the daemon was down: running it now",
            "report job weekly-digest wrote {path}",
        ),
    ],
)
def test_a_made_up_report_run_is_logged_in_the_daemons_language(
    seeded: sessionmaker[Session],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    lang: Lang,
    missed: str,
    wrote: str,
) -> None:
    job = _missed_weekly_digest(seeded)
    folder = tmp_path / "reports"
    with caplog.at_level(logging.INFO, logger="monitor.daemon"):
        asyncio.run(leader_jobs.catch_up(_daemon(seeded, [job], folder, lang)))
    logged = [r.getMessage() for r in caplog.records if r.name.startswith("monitor.daemon")]
    assert missed in logged
    assert wrote.format(path=folder / "2026-11-16-weekly-digest.md") in logged


JOB = 'id = "r"\nkind = "report"\ncron = "0 9 * * *"\n'
# (the job file, the Korean after its path, the English after its path)
BAD_JOB_FILES = [
    (
        'id = "r"\nkind = \n',
        "TOML 문법 오류입니다: 값이 잘못되었습니다 (2행 8열)",
        "not valid TOML: Invalid value (at line 2, column 8)",
    ),
    (
        JOB + '[params]\nreport = "weather"\n',
        "params.report: 'digest', 'status', 'budget', 'feed' 중 하나여야 합니다",
        "params.report: Input should be 'digest', 'status', 'budget' or 'feed'",
    ),
    (
        JOB + '[params]\nreport = "digest"\ndays = 0\n',
        "params.days: 1 이상이어야 합니다",
        "params.days: Input should be greater than or equal to 1",
    ),
    (
        JOB + '[params]\nreport = "status"\ntop = 3\n',
        "params.top: 알 수 없는 항목입니다",
        "params.top: Extra inputs are not permitted",
    ),
    (
        'id = "r"\nkind = "report"\n[params]\nreport = "status"\n',
        "cron과 interval 중 하나만 주세요",
        "give exactly one of cron or interval",
    ),
    (
        'id = "r"\nkind = "report"\ncron = "99 9 * * *"\n[params]\nreport = "status"\n',
        "cron: '99 9 * * *'는 cron 식이 아닙니다 (분 시 일 월 요일, 예: 0 9 * * 1)",
        "cron: Error validating expression '99': the last value (99) is higher than the maximum value (59)",
    ),
    (
        JOB + 'timezone = "Mars/X"\n[params]\nreport = "status"\n',
        "timezone: 알 수 없는 시간대 'Mars/X'입니다 (Asia/Seoul 같은 IANA 이름을 쓰세요)",
        "timezone: unknown time zone 'Mars/X' (use an IANA name such as Asia/Seoul)",
    ),
    (
        'kind = "report"\ncron = "0 9 * * *"\n[params]\nreport = "status"\n',
        "id: 값이 필요합니다",
        "id: Field required",
    ),
    (
        JOB + 'interval = "weekly"\n',
        "interval: 'weekly'는 기간이 아닙니다 (예: 90d, 12h, 30m, 45s)",
        "interval: 'weekly' is not a duration (use e.g. 90d, 12h, 30m, 45s)",
    ),
]


@pytest.mark.parametrize(("text", "korean", "english"), BAD_JOB_FILES)
def test_a_bad_job_file_stops_the_daemon_in_korean_and_in_english_with_language_en(
    sqlite_url: str, tmp_path: Path, text: str, korean: str, english: str
) -> None:
    folder = tmp_path / "jobs"
    folder.mkdir()
    (folder / "r.toml").write_text(text, encoding="utf-8")
    env = {"MONITOR_JOBS_DIR": str(folder)}
    result = run_cli(["run", "--once", "--no-seed"], db_url=sqlite_url, env=env)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr.splitlines() == [f"오류: {folder}/r.toml: {korean}"]
    english_result = run_cli(
        ["run", "--once", "--no-seed"], db_url=sqlite_url, env=env | {"MONITOR_LANGUAGE": "en"}
    )
    assert english_result.exit_code == 2
    assert english_result.stderr.splitlines() == [f"error: {folder}/r.toml: {english}"]


def test_two_job_files_with_one_id_are_named_in_both_languages(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.toml").write_text(JOB + '[params]\nreport = "status"\n', encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_jobs(tmp_path)
    assert str(caught.value) == f"{tmp_path}/b.toml: job id 'r' is used by another file"
    assert caught.value.localized("ko") == f"{tmp_path}/b.toml: 작업 id 'r'은 다른 파일이 이미 씁니다"


def test_outbox_holds_one_row_per_chat_and_run(seeded: sessionmaker[Session], tmp_path: Path) -> None:
    subscribe(seeded, GROUP)
    for day in range(3):
        with seeded.begin() as session:
            run_report_job(
                session,
                "monthly-status",
                ReportParams(report="status", telegram="subscribers"),
                scheduled=MONDAY_9 + timedelta(days=day),
                since=None,
                now=NOW,
                ctx=_context(tmp_path, telegram=True),
            )
    with seeded() as session:
        assert session.scalar(select(func.count()).select_from(m.OutboxEntry)) == 3
