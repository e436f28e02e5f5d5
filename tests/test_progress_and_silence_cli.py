"""`monitor progress log`, `monitor silence …` and `monitor metrics` from the command line."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from monitor.db import models as m
from monitor.db.engine import make_engine, make_session_factory
from tests.factories import enrol, run_cli


@pytest.fixture
def initialised(sqlite_url: str) -> str:
    assert run_cli(["init"], db_url=sqlite_url).exit_code == 0
    enrol(sqlite_url, "담당", "daejeon", "daegu", "gwangju-seo", "seoul")
    enrol(sqlite_url, "a", "daejeon")
    enrol(sqlite_url, "기획조정실", "daejeon")
    enrol(sqlite_url, "서구", "gwangju-seo")
    enrol(sqlite_url, "대구시", "daegu")
    enrol(sqlite_url, "청년정책과", "daejeon")
    enrol(sqlite_url, "서울시", "seoul")
    return sqlite_url


def _reports(db_url: str) -> list[m.ProgressReport]:
    engine = make_engine(db_url)
    with make_session_factory(engine)() as session:
        rows = list(session.scalars(select(m.ProgressReport).where(m.ProgressReport.channel == "cli")))
    engine.dispose()
    return rows


def test_logging_a_value_with_evidence(initialised: str) -> None:
    result = run_cli(
        [
            "--lang",
            "en",
            "progress",
            "log",
            "dj-9-3.youth-housing",
            "--value",
            "1,200",
            "--as-of",
            "2026-10-31",
            "--note",
            "1차 공급",
            "--evidence",
            "https://example.org/a.pdf",
            "--evidence",
            "https://example.org/b",
            "--by",
            "청년정책과",
        ],
        db_url=initialised,
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "Logged: DJ-9-3.youth-housing 1,200호 (as of 2026-10-31, by 청년정책과)"
    [report] = _reports(initialised)
    assert (str(report.value), report.note, report.evidence, report.reporter) == (
        "1200",
        "1차 공급",
        ["https://example.org/a.pdf", "https://example.org/b"],
        "청년정책과",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["DJ-9-3.youth-housing", "--status", "done"],
            "is a quantity milestone: it takes a value (--value), not a status",
        ),
        (["DJ-9-3.youth-housing", "--value", "many"], "--value 'many' is not a number"),
        (["DJ-9-3.youth-housing", "--value", "-5"], "value -5 is negative"),
        (
            ["DJ-9-3.youth-housing", "--value", "5", "--as-of", "2099-01-01"],
            "as-of date 2099-01-01 is in the future",
        ),
        (
            ["DJ-9-3.youth-housing", "--value", "5", "--evidence", "ftp://x"],
            "evidence 'ftp://x' is not an http(s) URL",
        ),
        (
            ["DG-2022-01.done", "--value", "3"],
            "is a completion milestone: report 완료 (done) as its status, not a value",
        ),
        (["SEOUL-SEJONG-2023.signing", "--status", "done"], "status must be one of cancelled, held"),
        (["DJ-9-3", "--value", "3"], "DJ-9-3 is a commitment: report its official status"),
        (["DJ-9-3", "--status", "대충함"], "unknown status '대충함'"),
        (["NOPE-1.x", "--value", "1"], "no commitment or milestone with code 'NOPE-1.x'"),
    ],
)
def test_bad_reports_are_refused_with_one_line_and_nothing_written(
    initialised: str, args: list[str], message: str
) -> None:
    result = run_cli(["--lang", "en", "progress", "log", *args, "--by", "담당"], db_url=initialised)
    assert result.exit_code in (1, 2)
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and message in line
    assert _reports(initialised) == []


def test_a_cumulative_value_may_only_go_down_as_a_correction(initialised: str) -> None:
    assert (
        run_cli(
            ["progress", "log", "DJ-9-3.youth-housing", "--value", "1200", "--by", "a"], db_url=initialised
        ).exit_code
        == 0
    )
    down = run_cli(
        ["--lang", "en", "progress", "log", "DJ-9-3.youth-housing", "--value", "1100", "--by", "a"],
        db_url=initialised,
    )
    assert down.exit_code == 2 and "would go down" in down.stderr and "--correction" in down.stderr
    fixed = run_cli(
        ["progress", "log", "DJ-9-3.youth-housing", "--value", "1100", "--correction", "--by", "a"],
        db_url=initialised,
    )
    assert fixed.exit_code == 0
    first, second = _reports(initialised)
    assert second.corrects_id == first.id


def test_official_status_is_kept_in_the_status_history(initialised: str) -> None:
    assert (
        run_cli(
            ["progress", "log", "DJ-9-3", "--status", "이행 후 계속 추진", "--by", "기획조정실"],
            db_url=initialised,
        ).exit_code
        == 0
    )
    data = json.loads(run_cli(["show", "DJ-9-3", "--format", "json"], db_url=initialised).stdout)
    assert (
        data["official_status"]["status"] == "continuing"
        and data["official_status"]["label_ko"] == "이행후 계속추진"
    )


def test_budget_execution_and_held_event(initialised: str) -> None:
    assert (
        run_cli(
            ["progress", "log", "SEOGU-1-1.2024", "--executed", "500", "--secured", "515", "--by", "서구"],
            db_url=initialised,
        ).exit_code
        == 0
    )
    assert (
        run_cli(
            [
                "progress",
                "log",
                "SEOUL-SEJONG-2023.signing",
                "--held",
                "--as-of",
                "2023-04-10",
                "--by",
                "서울시",
            ],
            db_url=initialised,
        ).exit_code
        == 0
    )
    states = {
        r["code"]: r["state"]
        for r in json.loads(run_cli(["check", "--format", "json"], db_url=initialised).stdout)
    }
    assert states["SEOGU-1-1.2024"] == "achieved" and states["SEOUL-SEJONG-2023.signing"] == "achieved"


def test_silence_add_list_remove(initialised: str) -> None:
    added = run_cli(
        [
            "--lang",
            "en",
            "silence",
            "add",
            "--prefix",
            "dg-2022",
            "--for",
            "14d",
            "--reason",
            "결과 자료집 발간 대기",
            "--by",
            "감시단",
        ],
        db_url=initialised,
    )
    assert added.exit_code == 0 and added.stdout.startswith("Silence #1: Code DG-2022 until ")
    listed = json.loads(run_cli(["silence", "list", "--format", "json"], db_url=initialised).stdout)
    assert [(s["id"], s["code_prefix"], s["reason"], s["created_by"]) for s in listed] == [
        (1, "DG-2022", "결과 자료집 발간 대기", "감시단")
    ]
    assert run_cli(["silence", "remove", "1", "--by", "감시단"], db_url=initialised).exit_code == 0
    assert json.loads(run_cli(["silence", "list", "--format", "json"], db_url=initialised).stdout) == []
    ended = json.loads(run_cli(["silence", "list", "--all", "--format", "json"], db_url=initialised).stdout)
    assert ended[0]["removed_by"] == "감시단"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--reason", "x", "--by", "y", "--for", "1d"], "needs a code prefix"),
        (["--prefix", "ZZ-1", "--reason", "x", "--by", "y", "--for", "1d"], "matches no commitment"),
        (
            ["--jurisdiction", "mars", "--reason", "x", "--by", "y", "--for", "1d"],
            "unknown jurisdiction 'mars'",
        ),
        (["--prefix", "DJ", "--reason", "x", "--by", "y", "--until", "2020-01-01"], "would end"),
        (["--prefix", "DJ", "--reason", "x", "--by", "y"], "give --until or --for"),
    ],
)
def test_bad_silences_are_refused(initialised: str, args: list[str], message: str) -> None:
    result = run_cli(["--lang", "en", "silence", "add", *args], db_url=initialised)
    assert result.exit_code in (1, 2) and message in result.stderr
    assert run_cli(["--lang", "en", "silence", "remove", "9", "--by", "y"], db_url=initialised).exit_code == 1


def test_metrics_per_jurisdiction(initialised: str) -> None:
    run_cli(["progress", "log", "DG-2022-01.done", "--status", "done", "--by", "대구시"], db_url=initialised)
    run_cli(["progress", "log", "DG-2022-02", "--status", "완료", "--by", "대구시"], db_url=initialised)
    run_cli(
        ["progress", "log", "SEOGU-1-1.2024", "--executed", "500", "--secured", "515", "--by", "서구"],
        db_url=initialised,
    )
    rows = {
        r["jurisdiction"]: r
        for r in json.loads(
            run_cli(["metrics", "--year", "2022", "--format", "json"], db_url=initialised).stdout
        )
    }
    daegu = rows["daegu"]
    # Daegu's items are local-problem agendas (의제), counted as agendas, never as pledges
    assert (daegu["pledges"], daegu["agendas"], daegu["statuses"]["done"], daegu["completion_rate"]) == (
        0,
        19,
        1,
        "0.0526",
    )
    assert (daegu["targets_due"], daegu["targets_met"], daegu["achievement_rate"]) == (14, 1, "0.0714")
    seogu = rows["gwangju-seo"]
    # top-level lines only (items add up to them): 124,667.42, not the published total row's 124,667.16
    assert (seogu["planned"], seogu["executed"], seogu["secured"]) == ("124667.42", "500", "515")
    assert seogu["execution_rate"] == "0.0040" and seogu["securing_rate_in_term"] is not None
    assert rows["sejong"]["agreements"] == 7  # the shared agreement counts for Sejong too


def test_a_silence_reads_to_the_minute_in_korean(initialised: str) -> None:
    added = run_cli(
        ["silence", "add", "--prefix", "DJ-9", "--for", "2d", "--reason", "점검", "--by", "관리자"],
        db_url=initialised,
    )
    assert added.exit_code == 0, added.output
    assert re.fullmatch(r"무음 설정 #1: 코드 DJ-9, \d{4}-\d{2}-\d{2} \d{2}:\d{2}까지 — 점검\n", added.stdout)
    listed = run_cli(["silence", "list"], db_url=initialised, env={"COLUMNS": "120"}).stdout
    assert "코드 DJ-9" in listed and not re.search(r"T\d{2}:\d{2}|\.\d{6}", listed)


def test_a_silence_names_its_jurisdiction_not_the_slug(initialised: str) -> None:
    added = run_cli(
        [
            "silence",
            "add",
            "--jurisdiction",
            "gwangju-seo",
            "--for",
            "2d",
            "--reason",
            "예산 심의 중",
            "--by",
            "관리자",
        ],
        db_url=initialised,
    )
    assert re.fullmatch(
        r"무음 설정 #1: 광주광역시 서구, [\d-]{10} [\d:]{5}까지 — 예산 심의 중\n", added.stdout
    )
    matcher = ["--prefix", "DJ-9", "--jurisdiction", "daejeon"]
    english = run_cli(
        ["--lang", "en", "silence", "add", *matcher, "--for", "2d", "--reason", "r", "--by", "b"],
        db_url=initialised,
    )
    assert english.stdout.startswith("Silence #2: Code DJ-9 & Daejeon Metropolitan City until ")
    listed = run_cli(["silence", "list"], db_url=initialised, env={"COLUMNS": "80"}).stdout
    matchers = [line.split("│")[2].strip() for line in listed.splitlines() if line.startswith("│")]
    assert matchers == ["광주광역시 서구", "코드 DJ-9 & 대전광역시"]
    assert "@" not in listed and "gwangju-seo" not in listed and "daejeon" not in listed
    in_english = run_cli(
        ["--lang", "en", "silence", "list"], db_url=initialised, env={"COLUMNS": "120"}
    ).stdout
    assert "│ Seo-gu (Gwangju) " in in_english and "Code DJ-9 & Daejeon Metropolitan City" in in_english


def test_no_silences_is_said_in_one_line(initialised: str) -> None:
    assert run_cli(["silence", "list"], db_url=initialised).stdout == "무음 설정이 없습니다.\n"
    assert run_cli(["--lang", "en", "silence", "list"], db_url=initialised).stdout == "No silences.\n"


@pytest.mark.parametrize(
    ("args", "korean"),
    [
        (
            ["progress", "log", "DJ-9-3.youth-housing", "--value", "5", "--as-of", "2099-01-01"],
            "기준일 2099-01-01은 미래입니다",
        ),
        (["progress", "log", "DJ-9-3.youth-housing", "--value", "many"], "--value 'many'는 숫자가 아닙니다"),
        (
            ["silence", "add", "--prefix", "DJ-9", "--reason", "r", "--by", "b"],
            "--until 이나 --for 중 하나를 주세요",
        ),
        (
            ["silence", "add", "--prefix", "DJ-9", "--for", "3x", "--reason", "r", "--by", "b"],
            "--for: '3x'는 기간이 아닙니다",
        ),
    ],
)
def test_mistakes_are_told_in_korean_by_default(initialised: str, args: list[str], korean: str) -> None:
    result = run_cli([*args, "--by", "담당"] if args[0] == "progress" else args, db_url=initialised)
    assert result.exit_code in (1, 2)
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"오류: {korean}"), line
