"""Refusals of reports, silences and seed files: one line in Korean by default, English with --lang en,
the exit code of the mistake kept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy.orm import Session, sessionmaker

from monitor.errors import InputError
from monitor.reports import render_report
from tests.factories import MINI_BUDGET, MINI_COMMITMENTS, NOW, SEOUL, mini_seeds, run_cli


@pytest.fixture
def initialised(db_url: str) -> str:
    result = run_cli(["init"], db_url=db_url)
    assert result.exit_code == 0, result.output
    return db_url


def _last(result: Result) -> str:
    assert "Traceback" not in result.output
    return result.stderr.strip().splitlines()[-1]


def test_the_feed_in_another_format_is_refused_in_korean(initialised: str) -> None:
    result = run_cli(["report", "feed", "--format", "md"], db_url=initialised)
    assert result.exit_code == 2
    assert _last(result) == "오류: 피드는 언제나 Atom 형식입니다: --format md는 쓸 수 없습니다"
    english = run_cli(["--lang", "en", "report", "feed", "--format", "md"], db_url=initialised)
    assert english.exit_code == 2
    assert _last(english) == "error: the feed is always Atom; --format md is not available"


def test_a_digest_since_after_its_instant_is_refused_in_korean(initialised: str) -> None:
    args = ["report", "digest", "--since", "2026-02-01", "--as-of", "2026-01-01"]
    result = run_cli(args, db_url=initialised)
    assert result.exit_code == 2
    assert _last(result) == "오류: --since가 --as-of보다 늦습니다"
    english = run_cli(["--lang", "en", *args], db_url=initialised)
    assert english.exit_code == 2
    assert _last(english) == "error: --since is after --as-of"


@pytest.mark.parametrize(
    ("kind", "fmt", "options", "korean", "english"),
    [
        (
            "weather",
            "md",
            {},
            "알 수 없는 보고서 'weather'입니다 (digest, status, budget, card 중 하나)",
            "unknown report 'weather' (use one of: digest, status, budget, card)",
        ),
        (
            "status",
            "pdf",
            {},
            "알 수 없는 형식 'pdf'입니다 (md, html, csv, json 중 하나)",
            "unknown format 'pdf' (use one of: md, html, csv, json)",
        ),
        (
            "card",
            "md",
            {},
            "공약관리카드에는 공약 코드가 필요합니다 (monitor report card 코드)",
            "the card report needs a commitment code (monitor report card CODE)",
        ),
        ("digest", "md", {"days": -1}, "--days -1: 0 이상이어야 합니다", "--days -1: must be 0 or more"),
        (
            "status",
            "md",
            {"lang": "fr"},
            "알 수 없는 언어 'fr'입니다 (ko 또는 en)",
            "unknown language 'fr' (use ko or en)",
        ),
    ],
)
def test_a_report_that_cannot_be_built_says_why_in_both_languages(
    seeded: sessionmaker[Session], kind: str, fmt: str, options: dict[str, object], korean: str, english: str
) -> None:
    arguments: dict[str, object] = {"lang": "ko", **options}
    with seeded() as session, pytest.raises(InputError) as caught:
        render_report(session, kind, fmt, as_of=NOW, tz=SEOUL, **arguments)  # type: ignore[arg-type]
    assert caught.value.localized("ko") == korean
    assert str(caught.value) == english
    assert caught.value.exit_code == 2


def test_a_silence_ending_before_it_starts_is_refused_in_korean(initialised: str) -> None:
    args = ["silence", "add", "--prefix", "DJ-9", "--until", "2020-01-01", "--reason", "r", "--by", "b"]
    result = run_cli(args, db_url=initialised)
    assert result.exit_code == 2
    assert re.fullmatch(
        r"오류: 무음이 시작\(2\d{3}-.+\)하기 전에 끝나게 됩니다 \(종료 2019-12-31T15:00:00\+00:00\)",
        _last(result),
    ), result.stderr
    english = run_cli(["--lang", "en", *args], db_url=initialised)
    assert english.exit_code == 2
    assert re.fullmatch(
        r"error: the silence would end \(2019-12-31T15:00:00\+00:00\) before it starts \(2\d{3}-.+\)",
        _last(english),
    ), english.stderr


def test_a_silence_for_a_prefix_that_matches_nothing_is_refused_in_korean(initialised: str) -> None:
    args = ["silence", "add", "--prefix", "NOPE-1", "--for", "1d", "--reason", "r", "--by", "b"]
    result = run_cli(args, db_url=initialised)
    assert result.exit_code == 2
    assert _last(result) == "오류: 코드 접두 'NOPE-1'에 맞는 공약이 없습니다 (monitor list 로 확인하세요)"
    english = run_cli(["--lang", "en", *args], db_url=initialised)
    assert _last(english) == "error: code prefix 'NOPE-1' matches no commitment (see monitor list)"


def test_removing_a_silence_that_is_not_there_is_refused_in_korean(initialised: str) -> None:
    result = run_cli(["silence", "remove", "9", "--by", "b"], db_url=initialised)
    assert result.exit_code == 1
    assert _last(result) == "오류: 진행 중인 무음 9번이 없습니다 (monitor silence list 로 확인하세요)"
    english = run_cli(["--lang", "en", "silence", "remove", "9", "--by", "b"], db_url=initialised)
    assert english.exit_code == 1
    assert _last(english) == "error: no active silence 9 (see monitor silence list)"


def test_bad_seed_files_end_with_a_korean_summary(tmp_path: Path) -> None:
    body = MINI_BUDGET + MINI_COMMITMENTS
    folder = mini_seeds(tmp_path, body.replace("unit: 호", "unit: 채"))
    result = run_cli(["validate", str(folder)])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[0].startswith(f"오류: {folder}/mini.yaml:22: ")
    assert (
        _last(result)
        == "오류: 시드 파일에 문제가 1건 있어 아무것도 쓰지 않았습니다. 고친 뒤 다시 실행하세요."
    )
    english = run_cli(["--lang", "en", "validate", str(folder)])
    assert (
        _last(english) == "error: 1 problem in the seed files; nothing was written. Fix them and run again."
    )


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["silence", "add", "--prefix", "DJ", "--for", "3651d", "--reason", "x", "--by", "y"],
         "오류: --for: '3651d'는 허용되는 가장 긴 기간(3650d)보다 깁니다"),
        (["replay", "--from", "2026-01-01", "--to", "2026-01-02", "--step", "0s"],
         "오류: --step 0s: 0보다 길어야 합니다"),
        (["verify", "--published", "99999999999999999999999:abc"],
         "오류: --published 99999999999999999999999:abc: SEQ:HASH(monitor verify --head 이 출력한 형식) 또는 "
         "HASH여야 합니다"),
        (["verify", "--published", "3:ZZ"],
         "오류: --published 3:ZZ: SEQ:HASH(monitor verify --head 이 출력한 형식) 또는 HASH여야 합니다"),
        (["report", "digest", "--days", "99999999999"],
         "오류: '--days'의 값이 잘못되었습니다: 99999999999는 범위 0<=x<=3650을 벗어납니다."),
    ],
)  # fmt: skip
def test_values_past_their_range_are_one_line_not_a_traceback(
    initialised: str, args: list[str], line: str
) -> None:
    result = run_cli(args, db_url=initialised)
    assert result.exit_code != 0 and _last(result) == line
