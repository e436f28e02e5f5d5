"""`monitor progress import`: an official's spreadsheet goes in whole or not at all; every problem is listed
with its row and column; a dry run shows what would be written; the importer must be on the roster."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import Result
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from monitor.db import models as m
from monitor.imports.columns import Field, field_of
from monitor.telegram import chats
from tests.factories import NOW, load_shipped_seeds, migrated_engine, mini_seeds, run_cli, sessions_for

OFFICIAL = "대전 기획조정실"
KO = ["코드", "기준일", "실적", "단위", "상태", "계획액", "확보액", "집행액", "재원", "비고", "근거"]


def on_roster(sessions: sessionmaker[Session], *places: str, name: str = OFFICIAL) -> None:
    with sessions.begin() as session:
        for place in places:
            chats.add_official(session, None, place, name, "test", NOW)


@pytest.fixture
def roster(seeded: sessionmaker[Session]) -> sessionmaker[Session]:
    """The shipped seeds (SQLite and PostgreSQL), OFFICIAL on the roster for Daejeon and Gwangju Seo-gu."""
    on_roster(seeded, "daejeon", "gwangju-seo")
    return seeded


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """SQLite only, for details of reading files (nothing here writes: one database for the module): the
    shipped seeds, OFFICIAL on the roster for Daejeon."""
    url = f"sqlite:///{tmp_path_factory.mktemp('local')}/monitor.sqlite3"
    engine = migrated_engine(url)
    sessions = sessions_for(engine)
    load_shipped_seeds(sessions)
    on_roster(sessions, "daejeon")
    yield url
    engine.dispose()


def write_csv(
    folder: Path, rows: Sequence[Sequence[str]], name: str = "sheet.csv", encoding: str = "utf-8"
) -> Path:
    path = folder / name
    with path.open("w", encoding=encoding, newline="") as out:
        csv.writer(out).writerows(rows)
    return path


def korean(*rows: dict[str, str]) -> list[list[str]]:
    """A sheet with the Korean headers; each row names only the cells it fills."""
    return [KO] + [[row.get(header, "") for header in KO] for row in rows]


def run_import(db_url: str, path: Path, *args: str, by: str = OFFICIAL) -> Result:
    return run_cli(["--lang", "en", "progress", "import", str(path), *args, "--by", by], db_url=db_url)


def counts(sessions: sessionmaker[Session]) -> tuple[int, int]:
    with sessions() as session:
        reports = session.scalar(select(func.count()).select_from(m.ProgressReport)) or 0
        statuses = session.scalar(select(func.count()).select_from(m.StatusChange)) or 0
    return reports, statuses


def imported(sessions: sessionmaker[Session]) -> list[m.ProgressReport]:
    with sessions() as session:
        query = (
            select(m.ProgressReport)
            .where(m.ProgressReport.channel == "import")
            .options(selectinload(m.ProgressReport.milestone))
            .order_by(m.ProgressReport.id)
        )
        return list(session.scalars(query))


def test_a_filled_sheet_with_korean_headers_goes_in_whole(
    roster: sessionmaker[Session], db_url: str, tmp_path: Path
) -> None:
    sheet = korean(
        {
            "코드": "dj-9-3.youth-housing",
            "기준일": "2026-09-30",
            "실적": "1,200호",
            "근거": "https://example.org/a https://example.org/b",
        },
        {"코드": "DJ-9-3", "기준일": "2026.9.30", "상태": "이행 후 계속 추진", "비고": "1차 공급 완료"},
        {"코드": "DJ-6-4-1.established", "기준일": "2026-10-31", "상태": "완료"},
        {"코드": "DJ-1-3-2.ventures", "제목": "참고용", "단위": "개"},  # nothing to report: skipped
    )
    result = run_import(db_url, write_csv(tmp_path, sheet))
    assert result.exit_code == 0, result.output
    assert (
        result.stdout.strip()
        == f"Imported sheet.csv: 3 reports written (4 rows, 1 empty rows skipped, by {OFFICIAL})"
    )
    housing, established = imported(roster)
    assert (housing.milestone and housing.milestone.code, str(housing.value), housing.as_of) == (
        "DJ-9-3.youth-housing",
        "1200",
        date(2026, 9, 30),
    )
    assert housing.evidence == ["https://example.org/a", "https://example.org/b"]
    assert (housing.reporter, established.status) == (OFFICIAL, "done")
    with roster() as session:
        change = session.scalars(select(m.StatusChange).where(m.StatusChange.channel == "import")).one()
        assert (change.status, change.as_of, change.note) == (
            "continuing",
            date(2026, 9, 30),
            "1차 공급 완료",
        )


def test_every_problem_is_listed_with_its_row_and_column_and_nothing_is_written(
    roster: sessionmaker[Session], db_url: str, tmp_path: Path
) -> None:
    sheet = korean(
        {"코드": "DJ-9-3.youth-housing", "기준일": "2026-09-30", "실적": "1200"},  # row 2: fine
        {"코드": "NOPE-1.x", "기준일": "2026-09-30", "실적": "5"},
        {"코드": "DJ-9-3.youth-housing", "기준일": "2026-10-31", "실적": "1,300개"},
        {"코드": "DJ-1-3-2.ventures", "기준일": "2026-10-31", "실적": "12", "단위": "호"},
        {"코드": "DJ-6-4-1.established", "기준일": "2026-10-31", "실적": "3"},
        {"코드": "SEOGU-1-1.2024", "기준일": "2026-10-31", "확보액": "-5"},
        {"코드": "DJ-9-3.youth-housing", "기준일": "2026-10-15", "실적": "1000"},  # below row 2
        {"코드": "DJ-9-3.youth-housing", "기준일": "2099-01-01", "실적": "1500"},
        {"코드": "DJ-9-3.youth-housing", "기준일": "2026-11-01", "실적": "1500", "근거": "www.example.org"},
        {"코드": "DJ-1-3-2.ventures", "기준일": "2026-09-30", "실적": "10"},
        {"코드": "DJ-1-3-2.ventures", "기준일": "2026-09-30", "실적": "11"},
        {"코드": "DJ-9-3", "기준일": "2026-10-31", "상태": "대충함"},
        {"코드": "DJ-1-3-2.ventures", "기준일": "2026-10-20", "실적": "many"},
        {"코드": "DJ-1-3-2.ventures", "기준일": "2026/13/45", "실적": "5"},
    )
    before = counts(roster)
    result = run_import(db_url, write_csv(tmp_path, sheet))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: sheet.csv:3:코드: no commitment or milestone with code 'NOPE-1.x' (see monitor list)",
        "error: sheet.csv:4:실적: unit 개 does not match 호",
        "error: sheet.csv:5:단위: unit 호 does not match 개",
        "error: sheet.csv:6:실적: DJ-6-4-1.established is a completion milestone: report 완료 (done) as its status, not a value",
        "error: sheet.csv:7:확보액: secured -5 is negative",
        "error: sheet.csv:8:실적: DJ-9-3.youth-housing is cumulative and was 1200 on 2026-09-30; 1000 would go down"
        " — log it as a correction (--correction) if that was wrong",
        "error: sheet.csv:9:기준일: as-of date 2099-01-01 is in the future",
        "error: sheet.csv:10:근거: evidence 'www.example.org' is not an http(s) URL",
        "error: sheet.csv:12:코드: rows 11 and 12 both report DJ-1-3-2.ventures as of 2026-09-30",
        "error: sheet.csv:13:상태: unknown status '대충함' (use one of: 완료, 이행후 계속추진, 정상추진, 일부추진, 보류, 폐기)",
        "error: sheet.csv:14:실적: value 'many' is not a number",
        "error: sheet.csv:15:기준일: as-of date '2026/13/45' is not a date (write 2026-09-30)",
        "error: 12 problems in sheet.csv; nothing was written. Fix them and run again.",
    ]
    assert counts(roster) == before


def test_one_bad_last_row_keeps_the_whole_file_out_until_it_is_a_correction(
    roster: sessionmaker[Session], db_url: str, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path,
        korean(
            {"코드": "DJ-9-3", "기준일": "2026-09-30", "상태": "정상추진"},
            {"코드": "DJ-9-3.youth-housing", "기준일": "2026-09-30", "실적": "1200"},
            {"코드": "DJ-1-3-2.ventures", "기준일": "2026-09-30", "실적": "300"},
            {"코드": "DJ-9-3.youth-housing", "기준일": "2026-10-31", "실적": "1100"},
        ),
    )
    before = counts(roster)
    refused = run_import(db_url, path)
    assert refused.exit_code == 2
    assert refused.stderr.splitlines()[0].startswith(
        "error: sheet.csv:5:실적: DJ-9-3.youth-housing is cumulative"
    )
    assert counts(roster) == before
    corrected = run_import(db_url, path, "--correction")
    assert corrected.exit_code == 0, corrected.output
    assert counts(roster) == (before[0] + 3, before[1] + 1)
    first, _ventures, fixed = imported(roster)
    assert (fixed.corrects_id, first.corrects_id) == (first.id, None)


def test_a_dry_run_lists_what_would_be_written_and_writes_nothing(
    roster: sessionmaker[Session], db_url: str, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path,
        korean(
            {
                "코드": "DJ-9-3.youth-housing",
                "기준일": "2026-09-30",
                "실적": "1200",
                "비고": "1차",
                "근거": "https://example.org/a",
            },
            {"코드": "DJ-9-3", "기준일": "2026-09-30", "상태": "추진중"},
        ),
    )
    before = counts(roster)
    result = run_import(db_url, path, "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "row 2: DJ-9-3.youth-housing as of 2026-09-30: value=1200 note=1차 evidence=https://example.org/a",
        "row 3: DJ-9-3 as of 2026-09-30: status=on_track",
        "Dry run of sheet.csv: 2 reports would be written; nothing was written (2 rows, 0 empty rows skipped)",
    ]
    assert counts(roster) == before


def test_budget_rows_split_by_source_become_one_report_with_totals(
    roster: sessionmaker[Session], db_url: str, tmp_path: Path
) -> None:
    sheet = korean(
        {
            "코드": "SEOGU-1-1.2024",
            "기준일": "2026-10-31",
            "계획액": "300",
            "확보액": "250",
            "집행액": "200.5",
            "재원": "국비",
        },
        {
            "코드": "SEOGU-1-1.2024",
            "기준일": "2026-10-31",
            "확보액": "215",
            "집행액": "150백만원",
            "재원": "district",
            "비고": "구 예산",
        },
        {"코드": "SEOGU-1-2.2024", "기준일": "2026-10-31", "집행액": "140"},
    )
    result = run_import(db_url, write_csv(tmp_path, sheet), "--dry-run")
    assert result.stdout.splitlines()[0] == (
        "rows 2,3: SEOGU-1-1.2024 as of 2026-10-31: planned=300 secured=465 executed=350.5 국비.planned=300 "
        "국비.secured=250 국비.executed=200.5 구비.secured=215 구비.executed=150 note=구 예산"
    )
    assert run_import(db_url, write_csv(tmp_path, sheet)).exit_code == 0
    split, whole = imported(roster)
    assert (str(split.planned_amount), str(split.secured_amount), str(split.executed_amount)) == (
        "300",
        "465",
        "350.5",
    )
    assert split.by_source == {
        "국비": {"planned": "300", "secured": "250", "executed": "200.5"},
        "구비": {"secured": "215", "executed": "150"},
    }
    assert (str(whole.executed_amount), whole.by_source, whole.secured_amount) == ("140", None, None)


@pytest.mark.parametrize(
    ("by", "message", "reason"),
    [
        ("아무개", "error: 아무개 is not on the officials roster", "not on the officials roster"),
        (
            "대구 혁신정책과",
            "error: 대구 혁신정책과 reports for Daegu Metropolitan City only; not for DJ-9-3",
            "outside the official's jurisdiction",
        ),
    ],
)
def test_an_importer_off_the_roster_or_outside_their_jurisdiction_is_refused_and_recorded(
    roster: sessionmaker[Session], db_url: str, tmp_path: Path, by: str, message: str, reason: str
) -> None:
    on_roster(roster, "daegu", name="대구 혁신정책과")
    path = write_csv(
        tmp_path, korean({"코드": "DJ-9-3.youth-housing", "기준일": "2026-09-30", "실적": "1200"})
    )
    before = counts(roster)
    result = run_import(db_url, path, by=by)
    assert result.exit_code == 3
    assert result.stderr.splitlines()[0].startswith(message)
    assert counts(roster) == before
    with roster() as session:
        [attempt] = session.scalars(select(m.AccessAttempt)).all()
    assert (attempt.channel, attempt.actor, attempt.command, attempt.detail, attempt.allowed) == (
        "import",
        by,
        "progress import",
        "sheet.csv",
        False,
    )
    assert attempt.reason.startswith(reason)


def test_importing_the_same_sheet_again_writes_only_the_new_rows(
    roster: sessionmaker[Session], db_url: str, tmp_path: Path
) -> None:
    rows = [
        {"코드": "DJ-9-3.youth-housing", "기준일": "2026-06-30", "실적": "800"},
        {"코드": "DJ-9-3", "기준일": "2026-06-30", "상태": "정상추진"},
    ]
    assert run_import(db_url, write_csv(tmp_path, korean(*rows))).exit_code == 0
    rows.append({"코드": "DJ-9-3.youth-housing", "기준일": "2026-09-30", "실적": "1200"})
    again = run_import(db_url, write_csv(tmp_path, korean(*rows)))
    assert again.exit_code == 0, again.output
    assert again.stdout.strip().endswith("2 reports already recorded were left as they are.")
    assert [str(r.value) for r in imported(roster)] == ["800", "1200"]


def test_an_excel_sheet_with_english_headers_date_cells_and_numbers_goes_in(
    local: str, tmp_path: Path
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Code", "As of", "Value", "Unit", "Status", "Evidence URL", "Remarks"])
    sheet.append(
        [
            "DJ-9-3.youth-housing",
            datetime(2026, 9, 30),  # noqa: DTZ001 — Excel stores naive date-times
            1200,
            "호",
            None,
            "https://example.org/a",
            "x",
        ]
    )
    sheet.append(["DJ-1-3-2.ventures", date(2026, 9, 30), "1,234.5", None, None, None, None])
    sheet.append([])
    sheet.append(["DJ-6-4-1.established", "2026-10-31", None, None, "done", None, None])
    workbook.save(tmp_path / "sheet.xlsx")
    result = run_import(local, tmp_path / "sheet.xlsx", "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:3] == [
        "row 2: DJ-9-3.youth-housing as of 2026-09-30: value=1200 evidence=https://example.org/a",
        "row 3: DJ-1-3-2.ventures as of 2026-09-30: value=1234.5",
        "row 5: DJ-6-4-1.established as of 2026-10-31: status=done",
    ]
    assert result.stderr.strip() == "note: columns not read (unknown headers): Remarks"


def test_a_cp949_csv_saved_by_korean_excel_is_read(local: str, tmp_path: Path) -> None:
    sheet = korean({"코드": "DJ-9-3", "기준일": "2026-09-30", "상태": "일부추진", "비고": "예산 부족"})
    result = run_import(local, write_csv(tmp_path, sheet, encoding="cp949"), "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "row 2: DJ-9-3 as of 2026-09-30: status=partial note=예산 부족"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("sheet.txt", b"code,as_of\n", "error: sheet.txt: not a .csv or .xlsx file"),
        (
            "sheet.xls",
            b"\xd0\xcf\x11\xe0",
            "error: sheet.xls: old Excel format (.xls): save the file as .xlsx or .csv",
        ),
        (
            "sheet.csv",
            b"",
            "error: sheet.csv: the file is empty: the first row must name the columns (코드, 기준일, …)",
        ),
        (
            "sheet.csv",
            b"\x89PNG\r\n\x1a\n\x00\x00",
            "error: sheet.csv: is not a text file: save it as CSV UTF-8 or .xlsx",
        ),
        (
            "sheet.csv",
            b"code,as_of\n\xff\xfe\xfa,2026-01-01\n",
            "error: sheet.csv: is neither UTF-8 nor CP949 (EUC-KR) text",
        ),
        (
            "sheet.csv",
            "코드,실적\nDJ-9-3.youth-housing,5\n".encode(),
            "error: sheet.csv:1: no 기준일 (as of) column; headers found: 코드, 실적",
        ),
        (
            "sheet.csv",
            "실적,기준일,값\n".encode(),
            "error: sheet.csv:1:값: means the same as column '실적' (value)",
        ),
        (
            "sheet.xlsx",
            b"PK\x03\x04 not really a workbook",
            "error: sheet.xlsx: cannot be read as an Excel workbook (.xlsx)",
        ),
        ("missing.csv", None, "error: missing.csv: cannot be read: No such file or directory"),
    ],
)
def test_an_unreadable_file_is_reported_in_one_line_without_a_trace(
    local: str, tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    if content is not None:
        (tmp_path / name).write_bytes(content)
    result = run_import(local, tmp_path / name)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0].startswith(message)
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("코드 (code)", Field.CODE),
        ("공약코드", Field.CODE),
        ("기준일자", Field.AS_OF),
        ("As of", Field.AS_OF),
        ("as_of", Field.AS_OF),
        ("추진상태", Field.STATUS),
        ("계획액", Field.PLANNED),
        ("확보", Field.SECURED),
        ("집행액 (executed)", Field.EXECUTED),
        ("재원구분", Field.FUNDING),
        ("근거(URL)", Field.EVIDENCE),
        ("증빙", Field.EVIDENCE),
        ("내용", Field.NOTE),
        ("최근 실적 (last reported)", Field.LAST_VALUE),
        ("담당자", None),
    ],
)
def test_headers_are_read_in_korean_or_english(header: str, field: Field | None) -> None:
    assert field_of(header) == field


FUNDED = """commitments:
  - code: T-1-1
    kind: pledge
    line: 2
    title: 첫째 사업
    milestones:
      - {key: city, kind: budget, title: 첫째 사업, planned_amount: 40, fiscal_years: [2025, 2025], due: 2025-12-31, funding_source: city}
"""


def test_a_tranche_with_a_published_funding_source_takes_only_that_source(
    sqlite_url: str, tmp_path: Path
) -> None:
    engine = migrated_engine(sqlite_url)
    sessions = sessions_for(engine)
    load_shipped_seeds(sessions, path=mini_seeds(tmp_path, FUNDED))
    on_roster(sessions, "testcity")
    engine.dispose()
    wrong = korean({"코드": "T-1-1.city", "기준일": "2026-10-31", "집행액": "30", "재원": "국비"})
    assert run_import(sqlite_url, write_csv(tmp_path, wrong)).stderr.splitlines()[0] == (
        "error: sheet.csv:2:재원: T-1-1.city is funded by 시비 (city) only, not 국비"
    )
    twice = korean(
        {"코드": "T-1-1.city", "기준일": "2026-10-31", "집행액": "30"},
        {"코드": "T-1-1.city", "기준일": "2026-10-31", "집행액": "30", "재원": "시비"},
    )
    assert run_import(sqlite_url, write_csv(tmp_path, twice)).stderr.splitlines()[0] == (
        "error: sheet.csv:3:코드: rows 2 and 3 both report T-1-1.city as of 2026-10-31 (시비)"
    )
    right = korean(
        {"코드": "T-1-1.city", "기준일": "2026-10-31", "확보액": "40", "집행액": "30", "재원": "city"}
    )
    assert run_import(sqlite_url, write_csv(tmp_path, right)).exit_code == 0


def test_a_code_removed_from_the_seeds_takes_no_more_reports(sqlite_url: str, tmp_path: Path) -> None:
    engine = migrated_engine(sqlite_url)
    sessions = sessions_for(engine)
    load_shipped_seeds(sessions, path=mini_seeds(tmp_path / "before", FUNDED))
    on_roster(sessions, "testcity")
    without = FUNDED.split("    milestones:")[0]
    load_shipped_seeds(sessions, path=mini_seeds(tmp_path / "after", without))
    engine.dispose()
    sheet = korean({"코드": "T-1-1.city", "기준일": "2026-10-31", "집행액": "30"})
    assert run_import(sqlite_url, write_csv(tmp_path, sheet)).stderr.splitlines() == [
        "error: sheet.csv:2:코드: T-1-1.city was removed from the seeds; it takes no more reports",
        "error: 1 problem in sheet.csv; nothing was written. Fix them and run again.",
    ]


def chain_length(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(m.ChainEntry)) or 0


def test_a_file_mixing_rows_inside_and_outside_the_officials_jurisdictions_writes_nothing(
    roster: sessionmaker[Session], db_url: str, tmp_path: Path
) -> None:
    sheet = korean(
        {"코드": "DJ-9-3.youth-housing", "기준일": "2026-09-30", "실적": "1200"},
        {"코드": "DJ-9-3", "기준일": "2026-09-30", "상태": "정상추진"},
        {"코드": "DG-2021-1.tables", "기준일": "2026-09-30", "실적": "3"},  # Daegu: not theirs
        {"코드": "SEOGU-1-2.2024", "기준일": "2026-10-31", "집행액": "140"},
    )
    before, entries = counts(roster), chain_length(roster)
    result = run_import(db_url, write_csv(tmp_path, sheet))
    assert result.exit_code == 3
    assert result.stderr.splitlines()[0] == (
        f"error: {OFFICIAL} reports for Daejeon Metropolitan City, Seo-gu (Gwangju) only; not for DG-2021-1"
    )
    assert counts(roster) == before
    assert chain_length(roster) == entries + 1  # the refusal, and nothing else
    with roster() as session:
        [attempt] = session.scalars(select(m.AccessAttempt)).all()
    assert (attempt.allowed, attempt.reason) == (
        False,
        "outside the official's jurisdiction (daejeon, gwangju-seo): DG-2021-1",
    )


def test_a_negative_amount_of_one_funding_source_is_refused_even_when_the_total_is_positive(
    roster: sessionmaker[Session], db_url: str, tmp_path: Path
) -> None:
    sheet = korean(
        {"코드": "SEOGU-1-1.2024", "기준일": "2026-10-31", "집행액": "300", "재원": "국비"},
        {"코드": "SEOGU-1-1.2024", "기준일": "2026-10-31", "집행액": "-100", "재원": "구비"},
    )
    before = counts(roster)
    result = run_import(db_url, write_csv(tmp_path, sheet))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: sheet.csv:3:집행액: executed -100 is negative",
        "error: 1 problem in sheet.csv; nothing was written. Fix them and run again.",
    ]
    assert counts(roster) == before


def test_duplicate_budget_rows_without_a_funding_source_are_refused_not_summed(
    roster: sessionmaker[Session], db_url: str, tmp_path: Path
) -> None:
    sheet = korean(
        {"코드": "SEOGU-1-2.2024", "기준일": "2026-10-31", "집행액": "100"},
        {"코드": "SEOGU-1-2.2024", "기준일": "2026-10-31", "집행액": "40"},
    )
    before = counts(roster)
    result = run_import(db_url, write_csv(tmp_path, sheet), "--dry-run")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: sheet.csv:3:코드: rows 2 and 3 both report SEOGU-1-2.2024 as of 2026-10-31",
        "error: 1 problem in sheet.csv; nothing was written. Fix them and run again.",
    ]
    assert run_import(db_url, write_csv(tmp_path, sheet)).exit_code == 2
    assert counts(roster) == before
