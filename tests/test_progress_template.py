"""`monitor progress template`: a file listing a jurisdiction's commitments and milestones, ready to fill in,
that goes back in through `monitor progress import` as it is."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select

from monitor.db import models as m
from monitor.db.engine import make_engine, make_session_factory
from monitor.imports.columns import COLUMNS, Field
from monitor.telegram import chats
from tests.factories import NOW, load_shipped_seeds, migrated_engine, run_cli, sessions_for

OFFICIAL = "대전 기획조정실"
HEADERS = [column.header for column in COLUMNS]
COL = {column.field: position for position, column in enumerate(COLUMNS)}


@pytest.fixture
def local(sqlite_url: str) -> Iterator[str]:
    engine = migrated_engine(sqlite_url)
    sessions = sessions_for(engine)
    load_shipped_seeds(sessions)
    with sessions.begin() as session:
        chats.add_official(session, None, "daejeon", OFFICIAL, "test", NOW)
        chats.add_official(session, None, "gwangju-seo", OFFICIAL, "test", NOW)
    yield sqlite_url
    engine.dispose()


def template(db_url: str, out: Path, slug: str, fmt: str, *args: str) -> Result:
    return run_cli(
        [
            "--lang",
            "en",
            "progress",
            "template",
            "--jurisdiction",
            slug,
            "--format",
            fmt,
            "-o",
            str(out),
            *args,
        ],
        db_url=db_url,
    )


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as source:
        return list(csv.reader(source))


def test_the_csv_template_lists_each_commitment_and_active_milestone_of_the_jurisdiction(
    local: str, tmp_path: Path
) -> None:
    result = template(local, tmp_path / "t.csv", "daejeon", "csv")
    assert result.exit_code == 0, result.output
    header, *rows = read_csv(tmp_path / "t.csv")
    assert header == HEADERS and header[0] == "코드 (code)"
    assert (tmp_path / "t.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads the BOM as UTF-8
    assert result.stdout.strip() == (
        f"Template written: {tmp_path / 't.csv'} (Daejeon Metropolitan City, {len(rows)} rows)"
    )
    by_code = {row[0]: row for row in rows}
    housing = by_code["DJ-9-3.youth-housing"]
    assert [housing[COL[f]] for f in (Field.TITLE, Field.KIND, Field.TARGET, Field.UNIT, Field.DUE)] == [
        "청년주택 공급",
        "수량 목표",
        "5000",
        "호",
        "2030-06-30",
    ]
    assert all(housing[COL[f]] == "" for f in (Field.AS_OF, Field.VALUE, Field.STATUS, Field.NOTE))
    assert by_code["DJ-9-3"][COL[Field.KIND]] == "공약"
    assert "DJ-9" not in by_code  # an area groups pledges and takes no status of its own
    with make_session_factory(make_engine(local))() as session:
        commitments = session.scalars(select(m.Commitment).where(m.Commitment.code.like("DJ-%"))).all()
        milestones = session.scalars(select(m.Milestone).where(m.Milestone.code.like("DJ-%"))).all()
    kinds = {"pledge", "item", "flagship"}
    expected = {c.code for c in commitments if c.kind in kinds} | {ms.code for ms in milestones}
    assert {code for code in by_code if code.startswith("DJ-")} == expected
    assert len(rows) == len(by_code)


def test_an_agreement_is_in_the_template_of_every_party(local: str, tmp_path: Path) -> None:
    for slug in ("seoul", "sejong"):
        assert template(local, tmp_path / f"{slug}.csv", slug, "csv").exit_code == 0
    seoul, sejong = ({row[0] for row in read_csv(tmp_path / f"{s}.csv")[1:]} for s in ("seoul", "sejong"))
    assert {"SEOUL-SEJONG-2023-1", "SEOUL-SEJONG-2023.signing"} <= seoul & sejong
    assert "SEOUL-SEJONG-2023" not in sejong  # the agreement itself groups its areas


def test_the_excel_template_has_a_frozen_bold_header_drop_downs_and_an_explanation_sheet(
    local: str, tmp_path: Path
) -> None:
    assert template(local, tmp_path / "t.xlsx", "gwangju-seo", "xlsx").exit_code == 0
    workbook = load_workbook(tmp_path / "t.xlsx")
    sheet, explained = workbook.worksheets
    assert isinstance(sheet, Worksheet) and isinstance(explained, Worksheet)
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "B2"
    assert sheet.column_dimensions["B"].width == 44
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    status, funding = (
        f"{chr(ord('A') + COL[f])}2:{chr(ord('A') + COL[f])}1048576" for f in (Field.STATUS, Field.FUNDING)
    )
    assert lists[status] == '"완료,이행후 계속추진,정상추진,일부추진,보류,폐기,시행,개최,취소"'
    assert lists[funding] == '"국비,도비,시비,구비,기타"'
    tranche = next(row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] == "SEOGU-1-1.2024")
    assert (tranche[COL[Field.TARGET]], tranche[COL[Field.UNIT]]) == (515, "백만원")
    assert explained.title == "설명 (columns)"
    explanations = {row[0]: row[1:] for row in explained.iter_rows(min_row=2, values_only=True) if row[0]}
    assert str(explanations["재원 (funding)"][1]).startswith("국비/시비/구비 (national/city/district)")
    assert set(HEADERS) <= set(explanations)


def test_a_filled_in_excel_template_goes_back_in_and_shows_the_latest_report_next_time(
    local: str, tmp_path: Path
) -> None:
    assert template(local, tmp_path / "t.xlsx", "gwangju-seo", "xlsx").exit_code == 0
    workbook = load_workbook(tmp_path / "t.xlsx")
    sheet = workbook.worksheets[0]
    assert isinstance(sheet, Worksheet)
    filled: dict[str, dict[Field, date | int | str]] = {
        "SEOGU-1-1": {Field.AS_OF: date(2026, 10, 31), Field.STATUS: "정상추진"},
        "SEOGU-1-1.2024": {
            Field.AS_OF: date(2026, 10, 31),
            Field.SECURED: 515,
            Field.EXECUTED: 480,
            Field.FUNDING: "구비",
        },
    }
    for row in sheet.iter_rows(min_row=2):
        for field, value in filled.get(str(row[0].value), {}).items():
            row[COL[field]].value = value
    workbook.save(tmp_path / "filled.xlsx")
    result = run_cli(
        ["--lang", "en", "progress", "import", str(tmp_path / "filled.xlsx"), "--by", OFFICIAL], db_url=local
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Imported filled.xlsx: 2 reports written")
    assert template(local, tmp_path / "t2.csv", "gwangju-seo", "csv").exit_code == 0
    again = {row[0]: row for row in read_csv(tmp_path / "t2.csv")[1:]}
    assert [again["SEOGU-1-1.2024"][COL[f]] for f in (Field.LAST_VALUE, Field.LAST_AS_OF)] == [
        "집행 480 / 확보 515",
        "2026-10-31",
    ]
    assert [again["SEOGU-1-1"][COL[f]] for f in (Field.LAST_VALUE, Field.LAST_AS_OF)] == [
        "정상추진",
        "2026-10-31",
    ]


def test_a_filled_in_csv_template_goes_back_in(local: str, tmp_path: Path) -> None:
    assert template(local, tmp_path / "t.csv", "daejeon", "csv").exit_code == 0
    header, *rows = read_csv(tmp_path / "t.csv")
    for row in rows:
        if row[0] == "DJ-9-3.youth-housing":
            row[COL[Field.AS_OF]], row[COL[Field.VALUE]] = "2026-09-30", "1,200"
    with (tmp_path / "filled.csv").open("w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out).writerows([header, *rows])
    result = run_cli(
        ["--lang", "en", "progress", "import", str(tmp_path / "filled.csv"), "--by", OFFICIAL, "--dry-run"],
        db_url=local,
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].endswith("DJ-9-3.youth-housing as of 2026-09-30: value=1200")


def test_the_template_keeps_an_existing_file_and_names_an_unknown_jurisdiction(
    local: str, tmp_path: Path
) -> None:
    (tmp_path / "t.csv").write_text("filled in by someone", encoding="utf-8")
    kept = template(local, tmp_path / "t.csv", "daejeon", "csv")
    assert kept.exit_code == 2 and "exists: choose another --out, or --force" in kept.stderr
    assert (tmp_path / "t.csv").read_text(encoding="utf-8") == "filled in by someone"
    assert template(local, tmp_path / "t.csv", "daejeon", "csv", "--force").exit_code == 0
    unknown = template(local, tmp_path / "u.csv", "atlantis", "csv")
    assert unknown.exit_code == 1 and unknown.stderr.startswith("error: unknown jurisdiction 'atlantis'")


def make(db_url: str, *args: str, lang: str = "ko") -> Result:
    """`progress template --jurisdiction gwangju-seo ARGS`, in Korean (the default) or English."""
    chosen = ["--lang", "en"] if lang == "en" else []
    return run_cli([*chosen, "progress", "template", "--jurisdiction", "gwangju-seo", *args], db_url=db_url)


def test_the_file_type_follows_the_suffix_of_out_when_no_format_is_given(
    local: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    as_csv = make(local, "--out", str(tmp_path / "t.csv"))
    assert as_csv.exit_code == 0, as_csv.output
    data = (tmp_path / "t.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and not data.startswith(b"PK")  # text, not a zipped workbook
    header, *rows = read_csv(tmp_path / "t.csv")
    assert header == HEADERS and len(rows) > 100
    assert (
        as_csv.stdout.strip() == f"서식을 만들었습니다: {tmp_path / 't.csv'} (광주광역시 서구, {len(rows)}행)"
    )
    as_xlsx = make(local, "--out", str(tmp_path / "t.xlsx"), lang="en")
    assert (
        as_xlsx.stdout.strip()
        == f"Template written: {tmp_path / 't.xlsx'} (Seo-gu (Gwangju), {len(rows)} rows)"
    )
    assert [cell.value for cell in load_workbook(tmp_path / "t.xlsx").worksheets[0][1]] == HEADERS
    monkeypatch.chdir(tmp_path)
    assert make(local).exit_code == 0
    assert (tmp_path / "progress-gwangju-seo.xlsx").read_bytes().startswith(b"PK")  # xlsx by default


@pytest.mark.parametrize(
    ("args", "ko", "en"),
    [
        (
            ["--format", "xlsx", "--out", "t.csv"],
            "--format xlsx와 --out t.csv가 서로 맞지 않습니다: --format 을 빼거나 .xlsx 파일 이름을 주세요",
            "--format xlsx contradicts --out t.csv: leave out --format, or name a .xlsx file",
        ),
        (
            ["--format", "csv", "-o", "t.xlsx"],
            "--format csv와 --out t.xlsx가 서로 맞지 않습니다: --format 을 빼거나 .csv 파일 이름을 주세요",
            "--format csv contradicts --out t.xlsx: leave out --format, or name a .csv file",
        ),
        (
            ["--out", "t.txt"],
            "--out t.txt: 파일 이름은 .xlsx나 .csv로 끝나야 합니다 (파일 형식이 이름을 따릅니다)",
            "--out t.txt: the file name must end in .xlsx or .csv (the file type follows it)",
        ),
        (
            ["--format", "csv", "--out", "template"],
            "--out template: 파일 이름은 .xlsx나 .csv로 끝나야 합니다 (파일 형식이 이름을 따릅니다)",
            "--out template: the file name must end in .xlsx or .csv (the file type follows it)",
        ),
    ],
)
def test_an_out_that_contradicts_the_format_or_has_another_suffix_is_refused_and_nothing_written(
    local: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], ko: str, en: str
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    monkeypatch.chdir(folder)
    korean = make(local, *args)
    assert (korean.exit_code, korean.stdout, korean.stderr.splitlines()) == (2, "", [f"오류: {ko}"])
    english = make(local, *args, lang="en")
    assert (english.exit_code, english.stderr.splitlines()) == (2, [f"error: {en}"])
    assert not any(folder.iterdir())


def test_a_template_that_cannot_be_written_or_would_overwrite_says_so_in_korean(
    local: str, tmp_path: Path
) -> None:
    nowhere = tmp_path / "missing" / "t.csv"
    failed = make(local, "--out", str(nowhere))
    assert failed.exit_code == 1
    assert failed.stderr.splitlines() == [
        f"오류: {nowhere}에 쓸 수 없습니다: 없는 폴더이거나 만들 수 없는 곳"
    ]
    english = make(local, "--out", str(nowhere), lang="en")
    assert english.stderr.splitlines() == [
        f"error: cannot write {nowhere}: no such folder, or one that cannot be created"
    ]
    (tmp_path / "t.csv").write_text("filled in by someone", encoding="utf-8")
    kept = make(local, "--out", str(tmp_path / "t.csv"))
    assert kept.stderr.splitlines() == [
        f"오류: {tmp_path / 't.csv'}가 이미 있습니다: 다른 --out 을 주거나 --force 로 덮어쓰세요"
    ]
    assert (tmp_path / "t.csv").read_text(encoding="utf-8") == "filled in by someone"
