"""One check for every write path (issue 11.4): `progress log`, `progress import` and the bot's /log refuse
the same mistakes with the same words — a value on a budget tranche, an amount far past the plan — and
write figures far past the plan only once the reporter confirms them."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from monitor.db import models as m
from monitor.telegram import chats
from monitor.writecheck import ProgressInput, check_report
from tests.factories import NOW, run_cli
from tests.telegram_factories import OFFICIAL, ask, press

NAME = "서구 기획예산과"
TRANCHE = "SEOGU-1-1.2024"  # budget tranche, plan 515 백만원
SMALL = "SEOGU-4-1-5.2024"  # budget tranche, plan 136 백만원
HEADERS = ["코드", "기준일", "실적", "상태", "집행액"]


@pytest.fixture
def roster(seeded: sessionmaker[Session]) -> sessionmaker[Session]:
    """The shipped seeds (SQLite and PostgreSQL); NAME reports for Gwangju Seo-gu on the command line, in
    files and, as OFFICIAL, through the bot."""
    with seeded.begin() as session:
        chats.add_official(session, None, "gwangju-seo", NAME, "test", NOW)
        chats.add_official(session, OFFICIAL, "gwangju-seo", "서구 예산팀", "test", NOW)
    return seeded


def reports(sessions: sessionmaker[Session]) -> list[m.ProgressReport]:
    with sessions() as session:
        return list(session.scalars(select(m.ProgressReport).where(m.ProgressReport.channel != "seed")))


def status_changes(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(m.StatusChange)) or 0


def log(db_url: str, code: str, *args: str) -> Result:
    return run_cli(["progress", "log", code, *args, "--as-of", "2026-10-31", "--by", NAME], db_url=db_url)


def sheet(tmp_path: Path, code: str, value: str = "", status: str = "", executed: str = "") -> Path:
    path = tmp_path / "sheet.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([HEADERS, [code, "2026-10-31", value, status, executed]])
    return path


def imported(db_url: str, path: Path, *args: str) -> Result:
    return run_cli(["progress", "import", str(path), *args, "--by", NAME], db_url=db_url)


def error_line(result: Result) -> str:
    [line] = result.stderr.strip().splitlines()
    return line.removeprefix("오류: ").removeprefix("error: ")


def test_a_value_on_a_budget_tranche_is_refused_by_the_cli_and_nothing_is_written(
    roster: sessionmaker[Session], db_url: str
) -> None:
    before = status_changes(roster)
    result = log(db_url, TRANCHE, "--value", "5")
    assert result.exit_code == 2
    assert error_line(result) == (
        f"{TRANCHE}는 예산 연차입니다: 실적이 아니라 금액(계획액·확보액·집행액, 백만원)을 보고하세요"
    )
    english = run_cli(["--lang", "en", "progress", "log", TRANCHE, "--value", "5", "--by", NAME], db_url)
    assert error_line(english) == (
        f"{TRANCHE} is a budget tranche: it takes amounts (계획액 planned, 확보액 secured, "
        "집행액 executed, in 백만원), not a value"
    )
    assert reports(roster) == [] and status_changes(roster) == before


def test_an_amount_far_past_the_plan_is_refused_until_confirmed_on_the_cli(
    roster: sessionmaker[Session], db_url: str
) -> None:
    before = status_changes(roster)
    refused = log(db_url, SMALL, "--executed", "1,000")
    assert refused.exit_code == 2
    assert error_line(refused) == (
        f"{SMALL}: 입력한 집행액 1,000백만원이 계획액 136백만원의 1.5배를 넘습니다 (계획의 735%)"
        " — 맞는 값이면 --confirm 을 붙여 다시 실행하세요"
    )
    english = run_cli(["--lang", "en", "progress", "log", SMALL, "--executed", "1,000", "--by", NAME], db_url)
    assert "1,000" in english.stderr and "136" in english.stderr and "--confirm" in english.stderr
    assert reports(roster) == [] and status_changes(roster) == before
    confirmed = log(db_url, SMALL, "--executed", "1,000", "--confirm")
    assert confirmed.exit_code == 0, confirmed.output
    [report] = reports(roster)
    assert report.executed_amount == Decimal(1000) and report.value is None


def test_how_far_past_the_plan_is_a_setting(roster: sessionmaker[Session], db_url: str) -> None:
    args = ["progress", "log", TRANCHE, "--executed", "700", "--by", NAME]  # plan 515: 136 %
    refused = run_cli(args, db_url, env={"MONITOR_PLAUSIBLE_FACTOR": "1.2"})
    assert refused.exit_code == 2 and "1.2배" in refused.stderr and reports(roster) == []
    assert run_cli(args, db_url).exit_code == 0  # below 515 × 1.5


def test_the_import_refuses_the_same_mistakes_with_the_same_words_as_the_cli(
    roster: sessionmaker[Session], db_url: str, tmp_path: Path
) -> None:
    before = status_changes(roster)
    for cli_args, row, column in (
        (["--value", "5"], {"value": "5"}, "실적"),
        (["--executed", "1,000"], {"executed": "1,000"}, "집행액"),
        (["--status", "완료"], {"status": "완료"}, "상태"),
    ):
        code = SMALL if "executed" in row else TRANCHE
        from_file = imported(db_url, sheet(tmp_path, code, **row))
        assert from_file.exit_code == 2
        problem = from_file.stderr.splitlines()[0].removeprefix(f"오류: sheet.csv:2:{column}: ")
        assert problem == error_line(log(db_url, code, *cli_args))
    assert reports(roster) == [] and status_changes(roster) == before


def test_the_import_writes_an_amount_far_past_the_plan_with_confirm(
    roster: sessionmaker[Session], db_url: str, tmp_path: Path
) -> None:
    path = sheet(tmp_path, SMALL, executed="1,000")
    english = run_cli(["--lang", "en", "progress", "import", str(path), "--by", NAME], db_url)
    assert english.stderr.splitlines()[0] == (
        f"error: sheet.csv:2:집행액: {SMALL}: the executed amount entered, 1,000 백만원, is more than 1.5 × "
        "the plan of 136 백만원 (735% of it) — if it is right, run again with --confirm"
    )
    assert reports(roster) == []
    confirmed = imported(db_url, path, "--confirm")
    assert confirmed.exit_code == 0, confirmed.output
    [report] = reports(roster)
    assert report.executed_amount == Decimal(1000) and report.as_of == date(2026, 10, 31)


def test_the_bot_asks_to_confirm_an_amount_far_past_the_plan_and_writes_it_only_then(
    roster: sessionmaker[Session],
) -> None:
    reply = ask(roster, f"/log {SMALL} 1,000", user=OFFICIAL)
    assert reply.html.startswith(
        f"⚠️ 확인해 주세요: {SMALL}: 입력한 집행액 1,000백만원이 계획액 136백만원의 1.5배를 넘습니다"
    )
    assert "--confirm" not in reply.html and "기록할까요?" in reply.html
    (_confirm, cancel) = reply.buttons
    assert reports(roster) == []
    assert press(roster, cancel[1], user=OFFICIAL).html == "취소했습니다."
    assert reports(roster) == []
    again = ask(roster, f"/log {SMALL} 1,000", user=OFFICIAL)
    done = press(roster, again.buttons[0][1], user=OFFICIAL)
    assert done.html.startswith(f"기록했습니다: {SMALL} 1000")
    [report] = reports(roster)
    assert report.executed_amount == 1000


def test_the_bot_refuses_a_status_on_a_budget_tranche_in_the_words_of_the_cli(
    roster: sessionmaker[Session], db_url: str
) -> None:
    reply = ask(roster, f"/log {TRANCHE} 완료", user=OFFICIAL)
    assert not reply.buttons
    assert reply.html == "오류: " + error_line(log(db_url, TRANCHE, "--status", "완료"))
    with roster() as session:
        assert session.scalars(select(m.PendingLog)).all() == []
    assert reports(roster) == []


def test_the_check_names_the_field_of_each_problem(roster: sessionmaker[Session]) -> None:
    with roster() as session:
        small = session.scalars(select(m.Milestone).where(m.Milestone.code == SMALL)).one()
        entry = ProgressInput(SMALL, NAME, "api", value=5, executed=-1)  # type: ignore[arg-type]
        assert [p.field for p in check_report(small, entry)] == ["executed"]  # negative first
        entry = ProgressInput(SMALL, NAME, "api", value=5)  # type: ignore[arg-type]
        assert [(p.field, p.confirmable) for p in check_report(small, entry)] == [("value", False)]
        big = ProgressInput(SMALL, NAME, "api", executed=1000, secured=1000)  # type: ignore[arg-type]
        assert [p.field for p in check_report(small, big)] == ["secured", "executed"]
        assert check_report(small, ProgressInput(SMALL, NAME, "api", executed=1000, confirmed=True)) == []  # type: ignore[arg-type]


# ── Ranges (issue 12.5): every figure finite and within monitor.limits, on every path, nothing written.


@pytest.mark.parametrize(
    ("given", "korean", "english"),
    [
        (
            "1E+999999",
            "집행액 1E+999999는 허용 범위(0 … 1,000,000,000)를 벗어납니다",
            "executed amount 1E+999999 is outside 0 … 1,000,000,000",
        ),
        ("1e999999", "집행액 1E+999999는 허용 범위(0 … 1,000,000,000)를 벗어납니다", None),
        (
            "Infinity",
            "집행액 Infinity는 유한한 수가 아닙니다",
            "executed amount Infinity is not a finite number",
        ),
        ("NaN", "집행액 NaN은 유한한 수가 아닙니다", None),
        ("1.00001", "집행액 1.00001은 소수점 아래가 4자리를 넘습니다", None),
    ],
)
def test_an_amount_past_its_range_is_refused_by_the_cli_and_nothing_is_written(
    roster: sessionmaker[Session], db_url: str, given: str, korean: str, english: str | None
) -> None:
    before = status_changes(roster)
    refused = log(db_url, TRANCHE, "--executed", given, "--confirm")
    assert refused.exit_code == 2
    assert error_line(refused) == korean and "Infinity개" not in refused.output
    if english is not None:
        en = run_cli(["--lang", "en", "progress", "log", TRANCHE, "--executed", given, "--by", NAME], db_url)
        assert error_line(en) == english
    assert reports(roster) == [] and status_changes(roster) == before


def test_a_value_past_its_range_and_an_as_of_date_before_1990_are_refused(
    roster: sessionmaker[Session], db_url: str
) -> None:
    with roster() as session:
        code = session.scalars(select(m.Milestone.code).where(m.Milestone.kind == "quantity")).first()
        slugs = session.scalars(select(m.Jurisdiction.slug).where(m.Jurisdiction.slug != "gwangju-seo")).all()
        for slug in slugs:
            chats.add_official(session, None, slug, NAME, "test", NOW)
        session.commit()
    assert code is not None
    refused = log(db_url, code, "--value", "1000000000001", "--confirm")
    assert error_line(refused) == (
        "실적 1000000000001은 허용 범위(-1,000,000,000,000 … 1,000,000,000,000)를 벗어납니다"
    )
    old = run_cli(
        ["progress", "log", TRANCHE, "--executed", "5", "--as-of", "1989-12-31", "--by", NAME], db_url
    )
    assert old.exit_code == 2
    assert error_line(old) == "기준일 1989-12-31은 허용 범위(1990-01-01 … 2100-12-31)를 벗어납니다"
    assert reports(roster) == []


def test_the_import_and_the_bot_refuse_an_amount_past_its_range_in_the_words_of_the_cli(
    roster: sessionmaker[Session], db_url: str, tmp_path: Path
) -> None:
    result = imported(db_url, sheet(tmp_path, TRANCHE, executed="2,000,000,000"), "--confirm")
    assert result.exit_code == 2
    assert "집행액 2000000000은 허용 범위(0 … 1,000,000,000)를 벗어납니다" in result.output
    reply = ask(roster, f"/log {TRANCHE} 1E+999999", user=OFFICIAL)
    assert not reply.buttons
    assert reply.html == "오류: 집행액 1E+999999는 허용 범위(0 … 1,000,000,000)를 벗어납니다"
    assert "Infinity" not in reply.html
    assert reports(roster) == []
