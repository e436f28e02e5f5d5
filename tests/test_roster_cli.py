"""The officials roster from the command line, as people read it: confirmations name the jurisdiction
(광주광역시 서구), not its slug, in Korean by default and in English with --lang en; an empty roster or
attempts log is one line."""

from __future__ import annotations

from tests.factories import run_cli

OFFICIAL = 7001


def test_adding_an_official_names_the_jurisdiction(db_url: str) -> None:
    assert run_cli(["init"], db_url).exit_code == 0
    args = ["officials", "add", str(OFFICIAL), "--jurisdiction", "gwangju-seo", "--name", "서구 예산팀"]
    added = run_cli(args, db_url)
    assert added.exit_code == 0, added.output
    assert added.output == f"담당 공무원 #1 서구 예산팀 (텔레그램 {OFFICIAL}) → 광주광역시 서구\n"
    english = run_cli(
        ["--lang", "en", "officials", "add", "--jurisdiction", "daejeon", "--name", "기획조정실"], db_url
    )
    assert english.output == "Official #2 기획조정실 → Daejeon Metropolitan City\n"


def test_removing_an_official_says_how_many_entries_went(db_url: str) -> None:
    assert run_cli(["init"], db_url).exit_code == 0
    for place in ("daejeon", "daegu"):
        assert (
            run_cli(["officials", "add", "--jurisdiction", place, "--name", "감사관"], db_url).exit_code == 0
        )
    assert run_cli(["officials", "remove", "감사관"], db_url).output == "감사관: 명단에서 2건 삭제\n"
    assert run_cli(["officials", "add", "--jurisdiction", "seoul", "--name", "감사관"], db_url).exit_code == 0
    gone = run_cli(["--lang", "en", "officials", "remove", "감사관"], db_url)
    assert gone.output == "감사관: removed from the roster (1)\n"


def test_an_empty_roster_and_attempts_log_are_said_in_one_line(db_url: str) -> None:
    assert run_cli(["init"], db_url).exit_code == 0
    assert run_cli(["officials", "list"], db_url).output == "등록된 담당 공무원이 없습니다.\n"
    assert run_cli(["--lang", "en", "officials", "list"], db_url).output == "No officials on the roster.\n"
    assert run_cli(["officials", "attempts"], db_url).output == "기록된 시도가 없습니다.\n"
    assert run_cli(["--lang", "en", "officials", "attempts"], db_url).output == "No attempts recorded.\n"
