"""Cron-style reports (`kind = "report"` jobs): dated files in a folder, copies for subscribed Telegram
chats (as a document or as messages, over the fake Bot API), one made-up run after downtime, the shipped
schedules."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from monitor.daemon.jobs import JobSpec, load_jobs
from monitor.daemon.report_jobs import ReportContext, ReportParams, run_report_job
from monitor.daemon.service import Daemon, DaemonConfig
from monitor.db import models as m
from monitor.errors import SettingsError
from monitor.notify.sender import Sender
from tests.factories import NOW, SEOUL, RecordingNotifier, lifecycle, rule_config
from tests.fake_telegram import FakeTelegram
from tests.telegram_factories import GROUP, MEMBER, deliver_telegram, subscribe

MONDAY_9 = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # 09:00 KST


def _context(folder: Path, telegram: bool = False) -> ReportContext:
    return ReportContext(folder, SEOUL, "ko", telegram=telegram, rules=rule_config())


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


def _daemon(sessions: sessionmaker[Session], jobs: list[JobSpec], folder: Path) -> Daemon:
    config = DaemonConfig(
        rules=rule_config(), lifecycle=lifecycle(destinations=("console",)), reports=_context(folder)
    )
    sender = Sender(sessions, {"console": RecordingNotifier()}, lambda: NOW)
    return Daemon(sessions, sender, config, jobs, clock=lambda: NOW)


def test_a_report_missed_while_down_is_made_up_once_as_of_its_schedule(
    seeded: sessionmaker[Session], tmp_path: Path
) -> None:
    job = JobSpec(
        id="weekly-digest",
        kind="report",
        cron="0 9 * * mon",
        timezone="Asia/Seoul",
        params={"report": "digest", "format": "md"},
    )
    with seeded.begin() as session:  # last ran two Mondays ago: the run of Monday the 16th was missed
        session.add(
            m.JobRun(
                job_id=job.id,
                last_scheduled_at=datetime(2026, 11, 9, 0, 0, tzinfo=UTC),
                last_started_at=NOW,
                last_status="ok",
            )
        )
    folder = tmp_path / "reports"
    asyncio.run(_daemon(seeded, [job], folder)._start_cron_jobs())
    assert [f.name for f in folder.iterdir()] == ["2026-11-16-weekly-digest.md"]
    text = (folder / "2026-11-16-weekly-digest.md").read_text(encoding="utf-8")
    assert "2026-11-09" in text  # "since the last digest" is the previous run
    asyncio.run(_daemon(seeded, [job], folder)._start_cron_jobs())  # restart again: nothing more
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
