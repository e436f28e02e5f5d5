"""`monitor progress import` speaks Korean by default: every refusal of a file — unreadable, missing
columns, unreadable cells, rows the registry or the write path refuses, rows outside the official's
jurisdictions (named as people read them) — and the dry run's lines (the import's column names, figures
with their units). English with `--lang en`. A refused file writes nothing, in either language."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from monitor.db import models as m
from tests.factories import load_shipped_seeds, migrated_engine, mini_seeds, run_cli, sessions_for
from tests.test_progress_import import FUNDED, OFFICIAL, counts, korean, on_roster, write_csv


@pytest.fixture
def roster(seeded: sessionmaker[Session]) -> sessionmaker[Session]:
    """The shipped seeds (SQLite and PostgreSQL), OFFICIAL on the roster for Daejeon and Gwangju Seo-gu."""
    on_roster(seeded, "daejeon", "gwangju-seo")
    return seeded


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """SQLite only, for files refused before the database is touched: one database for the module."""
    url = f"sqlite:///{tmp_path_factory.mktemp('local')}/monitor.sqlite3"
    engine = migrated_engine(url)
    sessions = sessions_for(engine)
    load_shipped_seeds(sessions)
    on_roster(sessions, "daejeon")
    yield url
    engine.dispose()


def run_import(db_url: str, path: Path, *args: str, lang: str = "ko", by: str = OFFICIAL) -> Result:
    """The import as a user runs it: Korean without `--lang` (the default), English with `--lang en`."""
    chosen = ["--lang", "en"] if lang == "en" else []
    return run_cli([*chosen, "progress", "import", str(path), *args, "--by", by], db_url=db_url)


def written(db_url: str) -> tuple[int, int, int]:
    """Progress reports, status changes and access attempts in the database."""
    engine = migrated_engine(db_url)
    try:
        with sessions_for(engine)() as session:
            attempts = session.scalar(select(func.count()).select_from(m.AccessAttempt)) or 0
            return (*counts(sessions_for(engine)), attempts)
    finally:
        engine.dispose()


def workbook_bytes() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["코드", "기준일", "실적"])
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


UNREADABLE = [
    (
        "bad.csv",
        b"x,y\n1,2\n",
        [
            "bad.csv:1: 코드 열이 없습니다 (있는 열 제목: x, y)",
            "bad.csv:1: 기준일 열이 없습니다 (있는 열 제목: x, y)",
        ],
        [
            "bad.csv:1: no 코드 (code) column; headers found: x, y",
            "bad.csv:1: no 기준일 (as of) column; headers found: x, y",
        ],
    ),
    (
        "nonexist.csv",
        None,
        ["nonexist.csv: 읽을 수 없습니다: 파일이 없습니다"],
        ["nonexist.csv: cannot be read: No such file or directory"],
    ),
    (
        "sheet.xlsx",
        b"PK\x03\x04 not really a workbook",
        ["sheet.xlsx: 엑셀 통합 문서(.xlsx)로 읽을 수 없습니다: 손상되었거나 다른 형식의 파일입니다"],
        ["sheet.xlsx: cannot be read as an Excel workbook (.xlsx): File is not a zip file"],
    ),
    (
        "sheet.csv",
        workbook_bytes(),
        ["sheet.csv: 텍스트 파일이 아닙니다: CSV UTF-8이나 .xlsx로 저장하세요"],
        ["sheet.csv: is not a text file: save it as CSV UTF-8 or .xlsx"],
    ),
    (
        "sheet.xls",
        b"\xd0\xcf\x11\xe0",
        ["sheet.xls: 예전 엑셀 형식(.xls)입니다: .xlsx나 .csv로 저장하세요"],
        ["sheet.xls: old Excel format (.xls): save the file as .xlsx or .csv"],
    ),
    (
        "sheet.txt",
        b"code,as_of\n",
        ["sheet.txt: .csv나 .xlsx 파일이 아닙니다"],
        ["sheet.txt: not a .csv or .xlsx file"],
    ),
    (
        "sheet.csv",
        b"",
        ["sheet.csv: 파일이 비어 있습니다: 첫 행에 열 제목(코드, 기준일, …)이 있어야 합니다"],
        ["sheet.csv: the file is empty: the first row must name the columns (코드, 기준일, …)"],
    ),
    (
        "sheet.csv",
        b"code,as_of\n\xff\xfe\xfa,2026-01-01\n",
        ["sheet.csv: UTF-8이나 CP949(EUC-KR) 텍스트가 아닙니다: CSV UTF-8로 저장하세요"],
        ["sheet.csv: is neither UTF-8 nor CP949 (EUC-KR) text: save it as CSV UTF-8"],
    ),
    (
        "sheet.csv",
        b'code,as_of\n"a"b,2026-01-01\n',
        ['sheet.csv:2: 올바른 CSV가 아닙니다: 따옴표(")가 짝이 맞지 않는 칸이 있습니다'],
        ["sheet.csv:2: is not valid CSV: ',' expected after '\"'"],
    ),
    (
        "sheet.csv",
        "실적,기준일,값,코드\n".encode(),
        ["sheet.csv:1:값: '실적' 열과 같은 뜻입니다 (실적)"],
        ["sheet.csv:1:값: means the same as column '실적' (value)"],
    ),
]


@pytest.mark.parametrize(("name", "content", "ko", "en"), UNREADABLE)
def test_an_unreadable_file_is_refused_in_korean_and_in_english_with_lang_en(
    local: str, tmp_path: Path, name: str, content: bytes | None, ko: list[str], en: list[str]
) -> None:
    if content is not None:
        (tmp_path / name).write_bytes(content)
    before = written(local)
    korean_run = run_import(local, tmp_path / name)
    assert korean_run.exit_code == 2
    assert korean_run.stderr.splitlines() == [f"오류: {line}" for line in ko] + [
        f"오류: {name}에서 문제 {len(ko)}건이 발견되어 아무것도 기록하지 않았습니다. 고친 뒤 다시 실행하세요."
    ]
    english_run = run_import(local, tmp_path / name, lang="en")
    assert english_run.exit_code == 2
    assert english_run.stderr.splitlines()[:-1] == [f"error: {line}" for line in en]
    assert all(line.split(" ", 1)[1] not in korean_run.stderr for line in en)  # the English is gone
    assert written(local) == before


BAD_ROWS = korean(
    {"코드": "NOPE-1.x", "기준일": "2026-09-30", "실적": "5"},  # row 2
    {"코드": "DJ-9-3.youth-housing", "기준일": "2026-09-30", "실적": "1,300개"},
    {"코드": "DJ-1-3-2.ventures", "기준일": "2026-09-30", "실적": "12", "단위": "호"},
    {"코드": "DJ-9-3.youth-housing", "기준일": "2026-08-31", "실적": "5", "재원": "국비"},  # row 5
    {"코드": "DJ-9-3", "기준일": "2026-09-30", "상태": "정상추진", "재원": "국비"},
    {"코드": "SEOGU-1-2.2024", "기준일": "2026-10-31", "집행액": "140", "단위": "원"},
    {"코드": "SEOGU-1-2.2024", "기준일": "2026-09-30", "집행액": "140원"},
    {"코드": "SEOGU-1-2.2024", "기준일": "2026-08-31", "집행액": "10", "재원": "민자"},
    {"코드": "DJ-1-3-2.ventures", "기준일": "2026-08-31", "실적": "many"},  # row 10
    {"코드": "DJ-1-3-2.ventures", "기준일": "2099-01-01", "실적": "5"},
    {"코드": "DJ-1-3-2.ventures", "기준일": "2026/13/45", "실적": "5"},
    {"코드": "DJ-1-3-2.ventures", "실적": "5"},
    {"기준일": "2026-07-31", "실적": "5"},
    {"코드": "DJ-1-3-2.ventures", "기준일": "2026-07-31", "실적": "5", "근거": "www.example.org"},  # 15
    {"코드": "DJ-1-3-2.ventures", "기준일": "2026-06-30", "실적": "5개", "단위": "호"},
    {"코드": "DJ-1-3-2.ventures", "기준일": "2026-05-31", "실적": "10"},
    {"코드": "DJ-1-3-2.ventures", "기준일": "2026-05-31", "실적": "11"},
    {"코드": "SEOGU-1-1.2024", "기준일": "2026-10-31", "집행액": "100", "재원": "국비"},
    {"코드": "SEOGU-1-1.2024", "기준일": "2026-10-31", "집행액": "40"},  # row 20
    {"코드": "SEOGU-1-1.2024", "기준일": "2026-09-30", "계획액": "300"},
)

BAD_ROWS_KO = [
    "sheet.csv:2:코드: 코드 'NOPE-1.x'에 해당하는 공약·목표가 없습니다",
    "sheet.csv:3:실적: 단위 개가 목표의 단위 호와 다릅니다",
    "sheet.csv:4:단위: 단위 호가 목표의 단위 개와 다릅니다",
    "sheet.csv:5:재원: DJ-9-3.youth-housing은 수량 목표입니다: 재원은 예산 연차에만 씁니다",
    "sheet.csv:6:재원: DJ-9-3은 공약입니다: 재원은 예산 연차에만 씁니다",
    "sheet.csv:7:단위: 단위 원이 목표의 단위 백만원과 다릅니다",
    "sheet.csv:8:집행액: 집행액 '140원': 금액은 원이 아니라 백만원 단위로 씁니다",
    "sheet.csv:9:재원: 재원 '민자'는 국비, 도비, 시비, 구비, 기타 중 하나가 아닙니다",
    "sheet.csv:10:실적: 실적 'many'는 숫자가 아닙니다",
    "sheet.csv:11:기준일: 기준일 2099-01-01은 미래입니다",
    "sheet.csv:12:기준일: 기준일 '2026/13/45'는 날짜가 아닙니다 (2026-09-30처럼 쓰세요)",
    "sheet.csv:13:기준일: 기준일이 없습니다",
    "sheet.csv:14:코드: 코드가 없습니다",
    "sheet.csv:15:근거: 근거 'www.example.org'는 http(s) 주소가 아닙니다",
    "sheet.csv:16:실적: 단위 개가 단위 열의 호와 다릅니다",
    "sheet.csv:18:코드: 17행과 18행이 같은 보고입니다: DJ-1-3-2.ventures 기준일 2026-05-31",
    "sheet.csv:20:재원: 재원이 비어 있지만 19행은 SEOGU-1-1.2024 기준일 2026-10-31 보고를 재원별로 나눴습니다",
    "sheet.csv:21:계획액: 계획액은 확보액이나 집행액과 함께만 보고합니다",
]

BAD_ROWS_EN = [
    "sheet.csv:2:코드: no commitment or milestone with code 'NOPE-1.x' (see monitor list)",
    "sheet.csv:3:실적: unit 개 does not match 호",
    "sheet.csv:4:단위: unit 호 does not match 개",
    "sheet.csv:5:재원: DJ-9-3.youth-housing is a quantity milestone: funding sources are for budget tranches",
    "sheet.csv:6:재원: DJ-9-3 is a commitment: funding sources are for budget tranches",
    "sheet.csv:7:단위: unit 원 does not match 백만원",
    "sheet.csv:8:집행액: executed '140원': amounts are in 백만원, not 원",
    "sheet.csv:9:재원: funding source '민자' is not one of 국비 (national), 도비 (provincial), 시비 (city), "
    "구비 (district), 기타 (other)",
    "sheet.csv:10:실적: value 'many' is not a number",
    "sheet.csv:11:기준일: as-of date 2099-01-01 is in the future",
    "sheet.csv:12:기준일: as-of date '2026/13/45' is not a date (write 2026-09-30)",
    "sheet.csv:13:기준일: as-of date is missing",
    "sheet.csv:14:코드: code is missing",
    "sheet.csv:15:근거: evidence 'www.example.org' is not an http(s) URL",
    "sheet.csv:16:실적: unit 개 does not match 호",
    "sheet.csv:18:코드: rows 17 and 18 both report DJ-1-3-2.ventures as of 2026-05-31",
    "sheet.csv:20:재원: no 재원 (funding source), but row 19 split SEOGU-1-1.2024 as of 2026-10-31 by source",
    "sheet.csv:21:계획액: planned is reported only together with secured or executed (확보액 or 집행액)",
]


def test_every_bad_cell_and_row_is_listed_in_korean_and_in_english_with_lang_en(
    roster: sessionmaker[Session], db_url: str, tmp_path: Path
) -> None:
    path = write_csv(tmp_path, BAD_ROWS)
    before = written(db_url)
    korean_run = run_import(db_url, path)
    assert korean_run.exit_code == 2
    assert korean_run.stdout == ""
    assert korean_run.stderr.splitlines() == [f"오류: {line}" for line in BAD_ROWS_KO] + [
        "오류: sheet.csv에서 문제 18건이 발견되어 아무것도 기록하지 않았습니다. 고친 뒤 다시 실행하세요."
    ]
    assert "does not match" not in korean_run.stderr and "is not" not in korean_run.stderr
    english_run = run_import(db_url, path, lang="en")
    assert english_run.stderr.splitlines() == [f"error: {line}" for line in BAD_ROWS_EN] + [
        "error: 18 problems in sheet.csv; nothing was written. Fix them and run again."
    ]
    assert written(db_url) == before


def test_a_report_the_write_path_refuses_is_listed_in_korean(
    roster: sessionmaker[Session], db_url: str, tmp_path: Path
) -> None:
    sheet = korean(
        {"코드": "DJ-9-3.youth-housing", "기준일": "2026-09-30", "실적": "1200"},
        {"코드": "DJ-9-3.youth-housing", "기준일": "2026-10-31", "실적": "1100"},  # goes down
    )
    before = written(db_url)
    korean_run = run_import(db_url, write_csv(tmp_path, sheet))
    assert korean_run.exit_code == 2
    first = korean_run.stderr.splitlines()[0]
    assert first.startswith("오류: sheet.csv:3:실적: DJ-9-3.youth-housing")
    assert "1,100" in first or "1100" in first
    assert "would go down" not in korean_run.stderr
    english_run = run_import(db_url, write_csv(tmp_path, sheet), lang="en")
    assert english_run.stderr.splitlines()[0].startswith(
        "error: sheet.csv:3:실적: DJ-9-3.youth-housing is cumulative and was 1200 on 2026-09-30"
    )
    assert written(db_url) == before


def test_a_tranche_of_one_funding_source_and_a_removed_code_are_refused_in_korean(
    sqlite_url: str, tmp_path: Path
) -> None:
    engine = migrated_engine(sqlite_url)
    sessions = sessions_for(engine)
    load_shipped_seeds(sessions, path=mini_seeds(tmp_path / "before", FUNDED))
    on_roster(sessions, "testcity")
    wrong = korean({"코드": "T-1-1.city", "기준일": "2026-10-31", "집행액": "30", "재원": "국비"})
    assert run_import(sqlite_url, write_csv(tmp_path, wrong)).stderr.splitlines()[0] == (
        "오류: sheet.csv:2:재원: T-1-1.city의 재원은 시비뿐입니다 (국비는 안 됩니다)"
    )
    assert run_import(sqlite_url, write_csv(tmp_path, wrong), lang="en").stderr.splitlines()[0] == (
        "error: sheet.csv:2:재원: T-1-1.city is funded by 시비 (city) only, not 국비"
    )
    load_shipped_seeds(sessions, path=mini_seeds(tmp_path / "after", FUNDED.split("    milestones:")[0]))
    engine.dispose()
    before = written(sqlite_url)
    retired = korean({"코드": "T-1-1.city", "기준일": "2026-10-31", "집행액": "30"})
    assert run_import(sqlite_url, write_csv(tmp_path, retired)).stderr.splitlines()[0] == (
        "오류: sheet.csv:2:코드: T-1-1.city는 시드에서 빠졌습니다: 더는 보고를 받지 않습니다"
    )
    assert written(sqlite_url) == before


def test_rows_outside_the_officials_jurisdictions_are_refused_naming_the_places(
    roster: sessionmaker[Session], db_url: str, tmp_path: Path
) -> None:
    sheet = korean(
        {"코드": "DJ-9-3.youth-housing", "기준일": "2026-09-30", "실적": "1200"},
        {"코드": "DG-2021-1.tables", "기준일": "2026-09-30", "실적": "3"},  # Daegu: not theirs
    )
    path = write_csv(tmp_path, sheet)
    before = written(db_url)
    korean_run = run_import(db_url, path)
    assert korean_run.exit_code == 3
    assert korean_run.stderr.splitlines() == [
        f"오류: {OFFICIAL}의 담당 지역은 대전광역시, 광주광역시 서구입니다. DG-2021-1은 담당 범위 밖입니다."
    ]
    english_run = run_import(db_url, path, lang="en")
    assert english_run.stderr.splitlines() == [
        f"error: {OFFICIAL} reports for Daejeon Metropolitan City, Seo-gu (Gwangju) only; not for DG-2021-1"
    ]
    assert "gwangju-seo" not in korean_run.stderr + english_run.stderr
    reports, statuses, attempts = written(db_url)
    assert (reports, statuses, attempts) == (before[0], before[1], before[2] + 2)  # refusals recorded


def test_a_dry_run_lists_each_report_with_korean_column_names_and_units(
    roster: sessionmaker[Session], db_url: str, tmp_path: Path
) -> None:
    sheet = korean(
        {"코드": "DJ-9-3.youth-housing", "기준일": "2026-09-30", "실적": "1200", "비고": "1차"},
        {"코드": "DJ-9-3", "기준일": "2026-09-30", "상태": "추진중", "근거": "https://example.org/a"},
        {"코드": "DJ-6-4-1.established", "기준일": "2026-10-31", "상태": "완료"},
        {"코드": "SEOGU-1-1.2024", "기준일": "2026-10-31", "계획액": "300", "확보액": "2500", "재원": "국비"},
        {
            "코드": "SEOGU-1-1.2024",
            "기준일": "2026-10-31",
            "확보액": "215",
            "집행액": "150.5",
            "재원": "구비",
        },
    )
    path = write_csv(tmp_path, sheet)
    before = written(db_url)
    korean_run = run_import(db_url, path, "--dry-run", "--confirm")
    assert korean_run.exit_code == 0, korean_run.output
    assert korean_run.stdout.splitlines() == [
        "행 2: DJ-9-3.youth-housing 기준일 2026-09-30: 실적 1,200호 · 비고 1차",
        "행 3: DJ-9-3 기준일 2026-09-30: 상태 정상추진 · 근거 https://example.org/a",
        "행 4: DJ-6-4-1.established 기준일 2026-10-31: 상태 완료",
        "행 5, 6: SEOGU-1-1.2024 기준일 2026-10-31: 계획액 300백만원 · 확보액 2,715백만원 · "
        "집행액 150.5백만원 · 국비 계획액 300백만원 · 국비 확보액 2,500백만원 · 구비 확보액 215백만원 · "
        "구비 집행액 150.5백만원",
        "모의 실행: sheet.csv — 보고 4건이 기록될 것입니다. 아무것도 기록하지 않았습니다 "
        "(데이터 행 5개, 빈 행 0개 건너뜀)",
    ]
    english_run = run_import(db_url, path, "--dry-run", "--confirm", lang="en")
    assert english_run.stdout.splitlines()[:4] == [
        "row 2: DJ-9-3.youth-housing as of 2026-09-30: value=1200 note=1차",
        "row 3: DJ-9-3 as of 2026-09-30: status=on_track evidence=https://example.org/a",
        "row 4: DJ-6-4-1.established as of 2026-10-31: status=done",
        "rows 5,6: SEOGU-1-1.2024 as of 2026-10-31: planned=300 secured=2715 executed=150.5 "
        "국비.planned=300 국비.secured=2500 구비.secured=215 구비.executed=150.5",
    ]
    assert written(db_url) == before


def test_a_dry_run_of_a_correction_names_the_report_it_corrects(
    roster: sessionmaker[Session], db_url: str, tmp_path: Path
) -> None:
    first = korean({"코드": "DJ-9-3.youth-housing", "기준일": "2026-09-30", "실적": "1200"})
    assert run_import(db_url, write_csv(tmp_path, first)).exit_code == 0
    with roster() as session:
        corrected = session.scalars(
            select(m.ProgressReport.id).where(m.ProgressReport.channel == "import")
        ).one()
    lower = korean({"코드": "DJ-9-3.youth-housing", "기준일": "2026-10-31", "실적": "1100"})
    result = run_import(db_url, write_csv(tmp_path, lower), "--dry-run", "--correction")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        f"행 2: DJ-9-3.youth-housing 기준일 2026-10-31: 실적 1,100호 · 정정 대상 #{corrected}"
    )
