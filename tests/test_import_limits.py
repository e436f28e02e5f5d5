"""`monitor progress import` under hostile files (issue 12): size, uncompressed size, declared dimension,
rows, columns and cells are capped before anything big is allocated; formula cells are refused with the
cell named; numbers and dates obey the same ranges in CSV and Excel cells. One line each, nothing written.
Memory-bound cases run in a subprocess under an address-space cap, so a regression fails the test."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from monitor.db import models as m
from monitor.telegram import chats
from tests.factories import NOW, REPO, load_shipped_seeds, migrated_engine, run_cli, sessions_for

OFFICIAL = "대전 기획조정실"
HEADERS = ["코드", "기준일", "실적", "집행액"]


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """SQLite: the shipped seeds, OFFICIAL on the roster for Daejeon (nothing here may write)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('limits')}/monitor.sqlite3"
    engine = migrated_engine(url)
    sessions = sessions_for(engine)
    load_shipped_seeds(sessions)
    with sessions.begin() as session:
        chats.add_official(session, None, "daejeon", OFFICIAL, "test", NOW)
    yield url
    with sessions() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(m.ProgressReport).where(m.ProgressReport.channel == "import")
            )
            == 0
        )
    engine.dispose()


def run_import(db_url: str, path: Path, *, lang: str = "ko") -> tuple[int, str]:
    result = run_cli(["--lang", lang, "progress", "import", str(path), "--by", OFFICIAL], db_url=db_url)
    return result.exit_code, result.stderr


def capped_import(db_url: str, path: Path, lang: str = "ko") -> subprocess.CompletedProcess[str]:
    """The import in a subprocess that may use at most 1.5 GiB of address space and 60 s."""
    code = (
        "import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (3 << 29, 3 << 29));"
        "from monitor.cli import main; sys.argv = ['monitor', *sys.argv[1:]]; main()"
    )
    args = ["--lang", lang, "progress", "import", str(path), "--by", OFFICIAL]
    env = {**os.environ, "MONITOR_DATABASE_URL": db_url, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=60
    )


def workbook(path: Path, *rows: Sequence[object]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [HEADERS, *rows]:
        sheet.append(list(row))
    book.save(path)
    return path


def far_workbook(path: Path) -> Path:
    """The headers, and one cell at the last row and column a sheet can have."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADERS)
    sheet["XFD1048576"] = "x"
    book.save(path)
    return path


def rewrite_parts(source: Path, target: Path, change: Callable[[str, bytes], bytes]) -> Path:
    """A copy of the workbook `source` (deflated) with each part's bytes passed through `change`."""
    with zipfile.ZipFile(source) as given, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in given.infolist():
            out.writestr(info.filename, change(info.filename, given.read(info)))
    return target


def replaced(old: bytes, new: bytes, part: str = "xl/worksheets/sheet1.xml") -> Callable[[str, bytes], bytes]:
    """`old` replaced by `new` in one part (the first worksheet unless told)."""
    return lambda name, data: data.replace(old, new) if name == part else data


def write_csv(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    return path


def test_a_small_xlsx_whose_one_cell_sits_at_the_last_row_and_column_is_refused_at_once(
    local: str, tmp_path: Path
) -> None:
    far_workbook(tmp_path / "far.xlsx")
    assert (tmp_path / "far.xlsx").stat().st_size < 10_000
    result = capped_import(local, tmp_path / "far.xlsx")
    assert result.returncode == 2, result.stderr[-2000:]
    assert (
        result.stderr.splitlines()
        == [
            "오류: far.xlsx:1,048,576: 시트의 행이 1,048,576개로 가져오기 한도 50,000개를 넘습니다: 파일을 나누세요"
        ]
        or "1,048,576" in result.stderr.splitlines()[0]
    )
    english = capped_import(local, tmp_path / "far.xlsx", "en")
    assert "the sheet has 1,048,576 rows, more than the 50,000 an import may have" in english.stderr
    assert "Traceback" not in result.stderr + english.stderr


def test_a_far_cell_without_a_declared_dimension_is_read_no_further_than_the_limits(
    local: str, tmp_path: Path
) -> None:
    def undeclared(_name: str, data: bytes) -> bytes:
        return re.sub(rb"<dimension [^>]*/>", b"", data)

    rewrite_parts(far_workbook(tmp_path / "far.xlsx"), tmp_path / "bare.xlsx", undeclared)
    result = capped_import(local, tmp_path / "bare.xlsx")
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr


def test_a_zip_bomb_sheet_is_refused_from_the_zip_directory(local: str, tmp_path: Path) -> None:
    workbook(tmp_path / "plain.xlsx", ["DJ-9-3", "2026-09-30", "", ""])
    padding = replaced(b"<sheetData>", b"<sheetData>" + b" " * (120 << 20))
    rewrite_parts(tmp_path / "plain.xlsx", tmp_path / "bomb.xlsx", padding)
    assert (tmp_path / "bomb.xlsx").stat().st_size < 1 << 20
    result = capped_import(local, tmp_path / "bomb.xlsx")
    assert result.returncode == 2, result.stderr[-2000:]
    assert result.stderr.splitlines()[0].startswith(
        "오류: bomb.xlsx: 통합 문서의 압축을 풀면 120.0 MiB로 가져오기 한도 100 MiB보다 큽니다"
    )


def test_one_row_of_millions_of_empty_cells_is_refused_before_it_is_built(local: str, tmp_path: Path) -> None:
    """8,000,000 `<c/>` in one row zip to a few KB and stay under the unpacked limit; openpyxl would build
    every cell of the row before any column limit applies. The streamed count refuses it first."""
    workbook(tmp_path / "plain.xlsx", ["DJ-9-3", "2026-09-30", "", ""])
    wide_row = b'<row r="3">' + b"<c/>" * 8_000_000 + b"</row></sheetData>"
    rewrite_parts(tmp_path / "plain.xlsx", tmp_path / "wide.xlsx", replaced(b"</sheetData>", wide_row))
    assert (tmp_path / "wide.xlsx").stat().st_size < 1 << 20
    result = capped_import(local, tmp_path / "wide.xlsx")
    assert result.returncode == 2, result.stderr[-2000:]
    assert result.stderr.splitlines()[0] == (
        "오류: wide.xlsx:3: 시트의 열이 101개로 가져오기 한도 100개를 넘습니다: 파일을 나누세요"
    )


def test_a_formula_cell_is_refused_with_its_cell_named(local: str, tmp_path: Path) -> None:
    path = workbook(tmp_path / "formula.xlsx", ["DJ-9-3.youth-housing", "2026-09-30", "=1000+200", None])
    code, stderr = run_import(local, path)
    assert code == 2
    assert stderr.splitlines()[0] == (
        "오류: formula.xlsx:2: C2 칸에 수식(=1000+200)이 있습니다: 값으로 붙여넣은 뒤 다시 저장하세요"
    )
    code, stderr = run_import(local, path, lang="en")
    assert stderr.splitlines()[0] == (
        "error: formula.xlsx:2: cell C2 holds a formula (=1000+200): paste it as values and save again"
    )


@pytest.mark.parametrize("number", [1e308, 1e13, -1e13, 0.123456])
def test_an_excel_number_past_its_range_is_refused_like_a_csv_one(
    local: str, tmp_path: Path, number: float
) -> None:
    path = workbook(tmp_path / "big.xlsx", ["DJ-9-3.youth-housing", "2026-09-30", number, None])
    code, stderr = run_import(local, path)
    assert code == 2
    first = stderr.splitlines()[0]
    assert first.startswith("오류: big.xlsx:2:실적: 실적 ")
    assert (
        "허용 범위(-1,000,000,000,000 … 1,000,000,000,000)를 벗어납니다" in first
        or "소수점 아래가 4자리를 넘습니다" in first
    )
    csv_code, csv_stderr = run_import(
        local,
        write_csv(
            tmp_path / "big.csv", [HEADERS, ["DJ-9-3.youth-housing", "2026-09-30", "10,000,000,000,000", ""]]
        ),
    )
    assert csv_code == 2
    assert csv_stderr.splitlines()[0] == (
        "오류: big.csv:2:실적: 실적 10000000000000은 허용 범위(-1,000,000,000,000 … 1,000,000,000,000)를 벗어납니다"
    )


def test_excel_float_noise_is_read_as_the_number_excel_shows(local: str, tmp_path: Path) -> None:
    path = workbook(tmp_path / "noise.xlsx", ["DJ-9-3.youth-housing", "2026-09-30", 0.1 + 0.2, None])
    result = run_cli(["progress", "import", str(path), "--by", OFFICIAL, "--dry-run"], db_url=local)
    assert "0.3" in result.stdout and "0.30000000000000004" not in result.output


def test_an_as_of_date_before_1990_is_refused_at_its_cell(local: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "old.csv", [HEADERS, ["DJ-9-3.youth-housing", "1989-12-31", "5", ""]])
    code, stderr = run_import(local, path)
    assert code == 2
    assert stderr.splitlines()[0] == (
        "오류: old.csv:2:기준일: 기준일 1989-12-31은 허용 범위(1990-01-01 … 2100-12-31)를 벗어납니다"
    )


def test_a_csv_past_the_row_column_or_size_limit_is_refused(local: str, tmp_path: Path) -> None:
    rows = write_csv(tmp_path / "rows.csv", [HEADERS] + [["DJ-9-3", "2026-09-30", "", ""]] * 50_000)
    code, stderr = run_import(local, rows)
    assert code == 2
    assert stderr.splitlines()[0] == (
        "오류: rows.csv:50,001: 시트의 행이 50,001개로 가져오기 한도 50,000개를 넘습니다: 파일을 나누세요"
    ) or stderr.splitlines()[0].startswith("오류: rows.csv:50001: 시트의 행이 50,001개로")
    wide = write_csv(tmp_path / "wide.csv", [HEADERS + [f"x{i}" for i in range(100)]])
    code, stderr = run_import(local, wide, lang="en")
    assert code == 2
    assert "the sheet has 104 columns, more than the 100 an import may have: split the file" in stderr
    big = tmp_path / "big.csv"
    big.write_bytes(b"a" * ((20 << 20) + 1))
    code, stderr = run_import(local, big)
    assert code == 2
    assert stderr.splitlines()[0] == (
        "오류: big.csv: 파일이 20.0 MiB로 가져오기 한도 20 MiB보다 큽니다: 나누어 가져오세요"
    )


def test_a_malformed_workbook_part_is_one_line_not_a_traceback(local: str, tmp_path: Path) -> None:
    """openpyxl raises on a cell value such as <v>inf</v> or a broken styles part while it reads: the
    import says the file cannot be read, in one line, and writes nothing."""
    sound = workbook(tmp_path / "sound.xlsx", ["DJ-9-3.youth-housing", "2026-09-30", 1200, None])
    for name, part, old, new in (
        ("inf.xlsx", "xl/worksheets/sheet1.xml", "<v>1200</v>", "<v>inf</v>"),
        ("styles.xlsx", "xl/styles.xml", "<fills", "<fills><bogus/></fills><x"),
    ):
        broken = tmp_path / name
        rewrite_parts(sound, broken, replaced(old.encode(), new.encode(), part))
        code, stderr = run_import(local, broken)
        assert code == 2 and "Traceback" not in stderr, stderr
        assert stderr.splitlines()[0] == (
            f"오류: {name}: 엑셀 통합 문서(.xlsx)로 읽을 수 없습니다: 손상되었거나 다른 형식의 파일입니다"
        )
