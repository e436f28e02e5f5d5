"""Tables people can read in an 80-column terminal: no line wider than the terminal, no word split
across lines (Korean words included), the columns that matter kept (others dropped or merged under the
code), jurisdictions by name rather than slug, `--wide` for every column, and a `check` footer that
counts only the problems, per state.

Every check runs the real CLI against the shipped seeds. The table is read back the way a person reads
it: the borders are stripped, each row is found by the code that starts it (the rows come in the order
`--format json` lists them), and the wrapped lines of each cell are joined with a space. A word split
across two lines would then contain a space, so a published title, reason or place name that appears in
a cell unchanged was never split.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from rich.cells import cell_len

from tests.factories import SEEDS, enrol, run_cli

WIDTHS = (80, 120)
PLACES = {
    p["slug"]: p for p in yaml.safe_load((Path(SEEDS) / "jurisdictions.yaml").read_text())["jurisdictions"]
}
STATE_KO = {"stale": "장기 미보고", "unconfirmed": "개최 미확인", "overdue": "기한 초과"}
STATE_KO |= {"unreported": "예산 집행 미보고"}
CHECK_HEADERS = ("코드", "제목", "지자체", "상태", "발생", "기한", "사유")
LIST_HEADERS = ("코드", "제목", "공약", "지자체", "종류", "기한", "목표", "출처")


@pytest.fixture
def initialised(db_url: str) -> str:
    result = run_cli(["init"], db_url=db_url)
    assert result.exit_code == 0, result.output
    return db_url


def _cli(url: str, *args: str, width: int = 80) -> str:
    result = run_cli(list(args), db_url=url, env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    return result.stdout


def _json(url: str, *args: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(_cli(url, *args, "--format", "json"))
    return rows


def _words(text: str) -> str:
    return " ".join(text.split())


def table_rows(stdout: str, codes: list[str]) -> list[list[str]]:
    """Each row's cells as a person reads them: borders stripped, a cell's wrapped lines joined by a
    space. Rows are found by the code starting them, in the given order."""
    rows: list[list[list[str]]] = []
    for line in stdout.splitlines():
        if not line.startswith("│"):
            continue  # title, header, rules, footer
        cells = [cell.strip() for cell in line.strip().strip("│").split("│")]
        if len(rows) < len(codes) and cells[0] == codes[len(rows)]:
            rows.append([[cell] for cell in cells])
        else:
            for parts, cell in zip(rows[-1], cells, strict=True):
                parts.append(cell)
    assert len(rows) == len(codes), f"found {len(rows)} rows for {len(codes)} codes"
    return [[" ".join(part for part in parts if part) for parts in row] for row in rows]


def header_cells(stdout: str) -> list[str]:
    header = next(line for line in stdout.splitlines() if line.startswith("┃"))
    return [cell.strip() for cell in header.strip().strip("┃").split("┃")]


def assert_fits(stdout: str, width: int) -> None:
    wide = [line for line in stdout.splitlines() if cell_len(line) > width]
    assert not wide, f"{len(wide)} lines wider than {width}, first: {wide[0]!r}"


def assert_no_slugs(stdout: str) -> None:
    tokens = {token.strip(",") for token in stdout.replace("│", " ").split()}
    assert not tokens & set(PLACES), tokens & set(PLACES)


def _name(slug: str, lang: str = "ko") -> str:
    return str(PLACES[slug]["name_" + lang])


@pytest.mark.parametrize("width", WIDTHS)
def test_list_fits_the_terminal_with_every_title_whole(initialised: str, width: int) -> None:
    rows = _json(initialised, "list", "--jurisdiction", "daejeon")
    out = _cli(initialised, "list", "--jurisdiction", "daejeon", width=width)
    assert_fits(out, width)
    for row, cells in zip(rows, table_rows(out, [r["code"] for r in rows]), strict=True):
        assert any(_words(row["title"]) in cell for cell in cells), (row["title"], cells)
    assert {"코드", "제목", "기한", "목표"} <= set(header_cells(out))


def test_list_names_the_parties_of_an_agreement_instead_of_their_slugs(initialised: str) -> None:
    rows = _json(initialised, "list", "--jurisdiction", "sejong", "--kind", "event")
    for lang in ("ko", "en"):
        out = _cli(
            initialised, "--lang", lang, "list", "--jurisdiction", "sejong", "--kind", "event", width=200
        )
        parties = ", ".join(_name(slug, lang) for slug in ("seoul", "sejong"))
        for cells in table_rows(out, [r["code"] for r in rows]):
            assert parties in cells
        assert_no_slugs(out)
    assert rows[0]["parties"] == ["seoul", "sejong"]  # JSON keeps the slugs, for programs


@pytest.mark.parametrize("width", WIDTHS)
def test_check_fits_with_its_title_reason_and_place_whole(initialised: str, width: int) -> None:
    rows = _json(initialised, "check", "--jurisdiction", "gwangju")
    out = _cli(initialised, "check", "--jurisdiction", "gwangju", width=width)
    assert_fits(out, width)
    assert_no_slugs(out)
    for row, cells in zip(rows, table_rows(out, [r["code"] for r in rows]), strict=True):
        shown = " | ".join(cells)
        assert _words(row["title"]) in shown, (row["title"], cells)
        assert _words(row["reason"]) in shown, (row["reason"], cells)
        assert "광주광역시 서구" in shown and row["jurisdiction"] == "gwangju-seo"


def test_check_at_80_columns_puts_the_title_under_the_code(initialised: str) -> None:
    rows = _json(initialised, "check")
    out = _cli(initialised, "check")
    assert_fits(out, 80)
    for row, cells in zip(rows, table_rows(out, [r["code"] for r in rows]), strict=True):
        assert cells[0].startswith(row["code"]) and _words(row["title"]) in cells[0], cells[0]
    assert {"코드", "상태", "사유"} <= set(header_cells(out))


def test_check_at_120_columns_has_a_title_column(initialised: str) -> None:
    rows = _json(initialised, "check", "--jurisdiction", "daegu")
    out = _cli(initialised, "check", "--jurisdiction", "daegu", width=120)
    headers = header_cells(out)
    assert "제목" in headers
    title_at = headers.index("제목")
    for row, cells in zip(rows, table_rows(out, [r["code"] for r in rows]), strict=True):
        assert cells[title_at] == _words(row["title"])


def test_check_in_english_names_places_in_english(initialised: str) -> None:
    out = _cli(initialised, "--lang", "en", "check", "--jurisdiction", "gwangju", width=120)
    assert_fits(out, 120)
    assert "Seo-gu (Gwangju)" in " ".join(out.split()) and "Title" in header_cells(out)
    assert_no_slugs(out)


@pytest.mark.parametrize(
    ("command", "headers"),
    [
        (["check", "--jurisdiction", "daegu"], CHECK_HEADERS),
        (["list", "--jurisdiction", "daejeon"], LIST_HEADERS),
    ],
)
def test_wide_shows_every_column_whatever_the_terminal(
    initialised: str, command: list[str], headers: tuple[str, ...]
) -> None:
    narrow = header_cells(_cli(initialised, *command))
    assert len(narrow) < len(headers)  # at 80 columns some give way …
    wide = _cli(initialised, *command, "--wide")
    assert tuple(header_cells(wide)) == headers  # … `--wide` shows them all, one line per row
    body = [line for line in wide.splitlines() if line.startswith("│")]
    assert len(body) == len(_json(initialised, *command))


def test_show_fits_and_has_a_wide_view(initialised: str) -> None:
    out = _cli(initialised, "show", "SEOUL-SEJONG-2023-5")
    assert_fits(out, 80)
    assert "당사자: 서울특별시, 세종특별자치시" in out
    codes = ["SEOUL-SEJONG-2023-5.seoul-expo-2024", "SEOUL-SEJONG-2023-5.sejong-expo-2025"]
    titles = [cells[1] for cells in table_rows(out, codes)]
    assert titles == [
        "2024년 서울국제정원박람회 개최 (박람회 비결 공유)",
        "2025년 세종시 국제정원도시박람회 개최 협력",
    ]
    wide = _cli(initialised, "show", "SEOUL-SEJONG-2023-5", "--wide")
    assert header_cells(wide) == ["코드", "제목", "종류", "기한", "목표", "출처"]


def test_check_footer_counts_every_problem_per_state_and_not_the_achieved(initialised: str) -> None:
    enrol(initialised, "담당", "daejeon")
    for code, value in (("DJ-9-3.youth-housing", "5000"), ("DJ-9-2.startups", "1000")):
        logged = run_cli(["progress", "log", code, "--value", value, "--by", "담당"], db_url=initialised)
        assert logged.exit_code == 0, logged.output
    rows = _json(initialised, "check", "--jurisdiction", "daejeon")
    states = Counter(r["state"] for r in rows)
    assert states["achieved"] == 2  # listed …
    problems = states.copy()
    del problems["achieved"]
    footer = _cli(initialised, "check", "--jurisdiction", "daejeon").rstrip().splitlines()[-1]
    per_state = ", ".join(f"{STATE_KO[state]} {n}" for state, n in problems.most_common())
    assert footer == f"정상이 아닌 상태 {problems.total()}건: {per_state} (목표 달성 2건은 세지 않음)"
    assert problems.total() == len(rows) - 2  # … never counted as a problem


def test_a_link_wider_than_the_terminal_folds_alone(initialised: str) -> None:
    enrol(initialised, "담당", "daejeon")
    link = "https://www.daejeon.go.kr/drh/board/boardNormalView.do?boardId=normal_0096&ntatcSeq=1234567890"
    args = ["--value", "4000", "--note", "청년주택 추가 공급 확인", "--evidence", link, "--by", "담당"]
    logged = run_cli(["progress", "log", "DJ-9-3.youth-housing", *args], db_url=initialised)
    assert logged.exit_code == 0, logged.output
    for width in (60, 80):
        out = _cli(initialised, "show", "DJ-9-3.youth-housing", width=width)
        assert_fits(out, width)
        (cells,) = table_rows(out, ["DJ-9-3.youth-housing"])
        assert cells[0] == "DJ-9-3.youth-housing"  # the code is never cut
        assert cells[-1].startswith("청년주택 추가 공급 확인 https://")  # the note whole; the link under it
        assert "".join(cells[-1].split()[4:]) == link  # folded, but all there


METRICS_AS_OF = ("--as-of", "2026-11-30T12:00", "--year", "2022")
METRICS_PLACES = ("daegu", "daejeon", "gwangju-seo", "sejong", "seoul")


def test_metrics_at_80_columns_keeps_places_and_counts_whole(initialised: str) -> None:
    out = _cli(initialised, "metrics", *METRICS_AS_OF)
    assert_fits(out, 80)
    assert header_cells(out) == ["지자체", "공약 수", "완료율", "목표달성도", "재정확보율", "집행률"]
    assert table_rows(out, [_name(slug) for slug in METRICS_PLACES]) == [
        ["대구광역시", "0", "0.0%", "0/14 0.0%", "—", "—"],
        ["대전광역시", "37 (후보 37)", "0.0%", "0/0 —", "—", "—"],
        ["광주광역시 서구", "21", "0.0%", "0/0 —", "0.0%", "0.0%"],
        ["세종특별자치시", "0", "0.0%", "0/0 —", "—", "—"],
        ["서울특별시", "0", "0.0%", "0/0 —", "—", "—"],
    ]
    assert len([line for line in out.splitlines() if line.startswith("│")]) == 5  # one line per row
    assert_no_slugs(out)


def test_metrics_in_english_names_places_in_english_and_wide_shows_every_column(initialised: str) -> None:
    out = _cli(initialised, "--lang", "en", "metrics", *METRICS_AS_OF)
    assert_fits(out, 80)
    assert header_cells(out)[:4] == ["Jurisdiction", "Pledges", "Completion", "Targets met"]
    rows = table_rows(out, ["Daegu Metropolitan City", "Daejeon Metropolitan City", "Seo-gu (Gwangju)"])
    assert rows[1][:2] == ["Daejeon Metropolitan City", "37 (candidate 37)"]
    assert "지자체" not in out and "후보" not in out
    wide = _cli(initialised, "metrics", *METRICS_AS_OF, "--by-category", "--wide")
    assert header_cells(wide) == ["지자체", "분야", "공약 수", "완료율", "목표달성도", "재정확보율", "집행률"]


def test_metrics_by_category_at_80_columns_keeps_every_category_whole(initialised: str) -> None:
    rows = _json(initialised, "metrics", *METRICS_AS_OF, "--by-category", "--jurisdiction", "daejeon")
    out = _cli(initialised, "metrics", *METRICS_AS_OF, "--by-category", "--jurisdiction", "daejeon")
    assert_fits(out, 80)
    assert header_cells(out) == ["지자체", "분야", "공약 수", "완료율", "목표달성도"]
    shown = table_rows(out, ["대전광역시"] * len(rows))
    assert [cells[1] for cells in shown] == [
        r["category"] or "" for r in rows
    ]  # "문화·예술·스포츠·관광" whole
    assert ["대전광역시", "돌봄·의료", "7 (후보 7)", "0.0%", "0/0 —"] in shown


def _outbox(url: str) -> None:
    """A delivery of each state: sent to the console, pending and failed for a Telegram group."""
    from datetime import UTC, datetime

    from monitor.db import models as m
    from monitor.db.engine import make_engine, make_session_factory

    at = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)  # 12:00 in Seoul
    engine = make_engine(url)
    group = "telegram:-1001234567890"
    rows = [
        ("SEOUL-SEJONG-2023.signing:event", "firing", "console", "sent", 1, at, None),
        ("DG-2022-01.done:deadline", "repeat", group, "pending", 2, None, "timed out"),
        (
            "DJ-9-3.youth-housing:trend",
            "resolved",
            group,
            "failed",
            5,
            None,
            "Forbidden: bot was blocked by the user",
        ),
    ]
    with make_session_factory(engine).begin() as session:
        for key, event, destination, state, attempts, sent_at, error in rows:
            session.add(
                m.OutboxEntry(
                    dedup_key=key + destination,
                    alert_key=key,
                    event=event,
                    destination=destination,
                    group_key="x",
                    payload={},
                    created_at=at,
                    not_before=at,
                    state=state,
                    attempts=attempts,
                    sent_at=sent_at,
                    last_error=error,
                )
            )
    engine.dispose()


def test_outbox_at_80_columns_reads_in_korean_with_every_code_whole(initialised: str) -> None:
    _outbox(initialised)
    out = _cli(initialised, "outbox", "list")
    assert_fits(out, 80)
    assert header_cells(out) == ["번호", "상태", "키", "보낸 시각"]  # "보낸 시각" on one line
    assert table_rows(out, ["3", "2", "1"]) == [
        [
            "3",
            "실패 해결",
            "DJ-9-3.youth-housing:trend telegram:-1001234567890 마지막 오류: Forbidden: bot was blocked by the user",
            "",
        ],
        [
            "2",
            "대기 계속",
            "DG-2022-01.done:deadline telegram:-1001234567890 마지막 오류: timed out",
            "다음 시도: 2026-11-22 12:00",
        ],
        ["1", "보냄 새 경보", "SEOUL-SEJONG-2023.signing:event console", "2026-11-22 12:00"],
    ]
    words = set(out.replace("│", " ").split())
    assert not words & {"pending", "sent", "failed", "firing", "repeat", "resolved"}
    dated = [line for line in out.splitlines() if "2026-11-22" in line]
    assert len(dated) == 2 and all("2026-11-22 12:00" in line for line in dated)  # times never split


def test_outbox_in_english_and_wide(initialised: str) -> None:
    _outbox(initialised)
    out = _cli(initialised, "--lang", "en", "outbox", "list")
    assert_fits(out, 80)
    assert header_cells(out) == ["ID", "State", "Key", "Sent"]
    rows = table_rows(out, ["3", "2", "1"])
    assert [cells[1] for cells in rows] == ["failed resolved", "pending still firing", "sent new"]
    assert rows[1][3] == "Next try: 2026-11-22 12:00" and "Last error: timed out" in rows[1][2]
    wide = _cli(initialised, "outbox", "list", "--wide")
    assert header_cells(wide) == [
        "번호", "상태", "수신처", "이벤트", "키", "시도", "보낸 시각", "다음 시도", "마지막 오류"
    ]  # fmt: skip


def test_an_empty_outbox_is_said_in_one_line(initialised: str) -> None:
    assert _cli(initialised, "outbox", "list") == "발송 기록이 없습니다.\n"
    assert _cli(initialised, "--lang", "en", "outbox", "list") == "No deliveries.\n"
    assert _cli(initialised, "outbox", "list", "--format", "json").strip() == "[]"
