"""Officials report progress through the bot: /log is checked against the roster and the jurisdiction
(every attempt recorded), dry-run through the real write path, and written only when the same person
confirms on the inline keyboard within the time limit."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.db import models as m
from monitor.telegram import chats
from tests.factories import NOW, run_cli
from tests.telegram_factories import MEMBER, OFFICIAL, OUTSIDER, ask, press

EVIDENCE = "https://example.org/report?id=1&v=2"


@pytest.fixture
def roster(seeded: sessionmaker[Session]) -> sessionmaker[Session]:
    with seeded.begin() as session:
        chats.add_official(session, OFFICIAL, "daegu", "대구 혁신정책과", "test", NOW)
        chats.add_official(session, MEMBER, "daejeon", "대전 기획조정실", "test", NOW)
    return seeded


def reports(sessions: sessionmaker[Session]) -> list[m.ProgressReport]:
    with sessions() as session:
        query = select(m.ProgressReport).where(m.ProgressReport.channel == "telegram")
        return list(session.scalars(query))


def attempts(sessions: sessionmaker[Session]) -> list[tuple[int | None, str, bool]]:
    with sessions() as session:
        rows = session.scalars(select(m.AccessAttempt).order_by(m.AccessAttempt.id))
        return [(a.telegram_user_id, a.command, a.allowed) for a in rows]


def test_an_outsider_is_refused_and_the_attempt_recorded(roster: sessionmaker[Session]) -> None:
    reply = ask(roster, "/log DG-2022-01.done 완료", user=OUTSIDER)
    assert reply.html == "진행 보고는 등록된 담당 공무원만 할 수 있습니다. 이 시도는 기록되었습니다."
    assert not reply.buttons
    assert attempts(roster) == [(OUTSIDER, "log", False)]
    with roster() as session:
        assert session.scalars(select(m.PendingLog)).all() == []


def test_an_official_outside_their_jurisdiction_is_refused(roster: sessionmaker[Session]) -> None:
    reply = ask(roster, "/log DG-2022-01.done 완료", user=MEMBER)
    assert reply.html == "DG-2022-01.done은 대전광역시 소관이 아닙니다. 이 시도는 기록되었습니다."
    assert attempts(roster) == [(MEMBER, "log", False)]


def test_an_agreement_takes_reports_from_an_official_of_either_party(roster: sessionmaker[Session]) -> None:
    reply = ask(roster, "/log SEOUL-DAEJEON-2023.signing held", user=MEMBER)
    assert reply.buttons, reply.html


def test_log_writes_only_after_the_same_official_confirms(roster: sessionmaker[Session]) -> None:
    reply = ask(roster, f"/log DG-2022-01.done 완료 차량공유 개시 {EVIDENCE}", user=OFFICIAL)
    assert (
        reply.html
        == f"다음 내용을 기록할까요?\nDG-2022-01.done 완료 차량공유 개시 {EVIDENCE.replace('&', '&amp;')}"
    )
    (confirm, cancel) = reply.buttons
    assert confirm == ("확인", "log:yes:1") and cancel == ("취소", "log:no:1")
    assert reports(roster) == []  # nothing written yet
    assert press(roster, confirm[1], user=OUTSIDER).html == "보고한 사람만 확인할 수 있습니다."
    done = press(roster, confirm[1], user=OFFICIAL, now=NOW + timedelta(minutes=2))
    assert done.edit and done.html.startswith("기록했습니다: DG-2022-01.done 완료")
    (report,) = reports(roster)
    assert (report.status, report.note, report.evidence) == ("done", "차량공유 개시", [EVIDENCE])
    assert report.reporter == f"대구 혁신정책과 (tg:{OFFICIAL})"
    assert press(roster, confirm[1], user=OFFICIAL).html == "이미 처리된 보고입니다."
    assert len(reports(roster)) == 1
    assert attempts(roster) == [(OFFICIAL, "log", True), (OFFICIAL, "log", True)]


def test_a_number_is_a_quantity_or_for_a_budget_tranche_the_amount_executed(
    roster: sessionmaker[Session],
) -> None:
    with roster.begin() as session:
        chats.add_official(session, OFFICIAL, "gwangju-seo", "서구 기획예산과", "test", NOW)
    reply = ask(roster, "/log SEOGU-1-1.2024 1,250.5", user=OFFICIAL)
    assert reply.buttons, reply.html
    press(roster, reply.buttons[0][1], user=OFFICIAL)
    (report,) = reports(roster)
    assert str(report.executed_amount) == "1250.5" and report.value is None


def test_a_bad_value_is_refused_before_anything_is_pending(roster: sessionmaker[Session]) -> None:
    reply = ask(roster, "/log DG-2022-01.done 아마도", user=OFFICIAL)
    assert reply.html.startswith("오류: unknown milestone status '아마도'")
    assert ask(roster, "/log DG-2022-01.done", user=OFFICIAL).html.startswith("사용법: /log CODE VALUE")
    with roster() as session:
        assert session.scalars(select(m.PendingLog)).all() == []


def test_cancel_and_expiry_write_nothing(roster: sessionmaker[Session]) -> None:
    first = ask(roster, "/log DG-2022-01.done 완료", user=OFFICIAL)
    assert press(roster, first.buttons[1][1], user=OFFICIAL).html == "취소했습니다."
    second = ask(roster, "/log DG-2022-02.done 완료", user=OFFICIAL)
    late = press(roster, second.buttons[0][1], user=OFFICIAL, now=NOW + timedelta(minutes=10))
    assert late.html == "확인 시간이 지났습니다. 다시 /log 해 주세요."
    assert reports(roster) == []


def test_an_official_removed_before_confirming_is_refused(roster: sessionmaker[Session]) -> None:
    reply = ask(roster, "/log DG-2022-01.done 완료", user=OFFICIAL)
    with roster.begin() as session:
        chats.remove_official(session, OFFICIAL, "test", NOW)
    refused = press(roster, reply.buttons[0][1], user=OFFICIAL)
    assert refused.edit and refused.html.startswith("진행 보고는 등록된 담당 공무원만")
    assert reports(roster) == []
    assert attempts(roster)[-1] == (OFFICIAL, "callback:log", False)


def test_roster_is_managed_from_the_cli(db_url: str) -> None:
    assert run_cli(["--lang", "en", "init"], db_url).exit_code == 0
    add = [
        "--lang",
        "en",
        "officials",
        "add",
        str(OFFICIAL),
        "--jurisdiction",
        "daegu",
        "--name",
        "혁신정책과",
    ]
    added = run_cli(add, db_url)
    assert added.exit_code == 0 and "→ Daegu Metropolitan City" in added.output
    again = run_cli(add, db_url)
    assert (
        again.exit_code != 0
        and again.output.strip()
        == f"error: user {OFFICIAL} is already an official of Daegu Metropolitan City"
    )
    korean = run_cli(["officials", "add", str(OFFICIAL), "--jurisdiction", "daegu", "--name", "x"], db_url)
    assert korean.output.strip() == f"오류: 텔레그램 사용자 {OFFICIAL}은 이미 대구광역시 담당 공무원입니다"
    unknown = run_cli(
        ["--lang", "en", "officials", "add", "7", "--jurisdiction", "busan", "--name", "x"], db_url
    )
    assert unknown.exit_code != 0 and "unknown jurisdiction 'busan'" in unknown.output
    listed = run_cli(["--lang", "en", "officials", "list", "--format", "json"], db_url)
    assert f'"user_id": {OFFICIAL}' in listed.output and "busan" not in listed.output
    assert run_cli(["--lang", "en", "officials", "remove", str(OFFICIAL)], db_url).exit_code == 0
    assert run_cli(["--lang", "en", "officials", "list", "--format", "json"], db_url).output.strip() == "[]"


def test_cli_shows_refused_attempts(roster: sessionmaker[Session], db_url: str) -> None:
    ask(roster, "/log DG-2022-01.done 완료", user=OUTSIDER)
    shown = run_cli(["officials", "attempts", "--refused", "--format", "json"], db_url)
    assert f'"user_id": {OUTSIDER}' in shown.output and "not on the officials roster" in shown.output


def test_the_roster_table_reads_in_korean_with_places_by_name_and_minutes(sqlite_url: str) -> None:
    assert run_cli(["init", "--no-seed"], db_url=sqlite_url).exit_code == 0
    assert run_cli(["seed"], db_url=sqlite_url).exit_code == 0
    assert (
        run_cli(
            ["officials", "add", "--name", "담당자", "--jurisdiction", "gwangju-seo"], db_url=sqlite_url
        ).exit_code
        == 0
    )
    table = run_cli(["officials", "list"], db_url=sqlite_url, env={"COLUMNS": "120"}).stdout
    assert "등록 시각" in table and "광주광역시 서구" in table and "gwangju-seo" not in table
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} ", table) and not re.search(
        r"T\d{2}:\d{2}|\.\d{6}", table
    )
    english = run_cli(["--lang", "en", "officials", "list"], db_url=sqlite_url, env={"COLUMNS": "120"}).stdout
    assert "Added" in english and "Seo-gu (Gwangju)" in english


@pytest.mark.parametrize(
    "command",
    [["officials", "attempts"], ["officials", "list"], ["subscriptions"], ["outbox", "list"]],
    ids=lambda c: " ".join(c),
)
def test_every_telegram_side_table_renders_in_both_languages(sqlite_url: str, command: list[str]) -> None:
    assert run_cli(["init"], db_url=sqlite_url).exit_code == 0
    for lang in ("ko", "en"):
        result = run_cli(["--lang", lang, *command], db_url=sqlite_url, env={"COLUMNS": "120"})
        assert result.exit_code == 0, result.output
        assert "Traceback" not in result.output
