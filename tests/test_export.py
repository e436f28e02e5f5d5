"""`monitor export`: the registry and its history as open data (JSON, CSV)."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from monitor.export import EXPORTED, OMITTED, write_json
from tests.factories import (
    NOW,
    SEOUL,
    copy_seeds,
    load_shipped_seeds,
    log,
    migrated_engine,
    run_cli,
    sessions_for,
)

HOUR = timedelta(hours=1)
TABLES = {
    "jurisdictions",
    "source_documents",
    "commitments",
    "commitment_parties",
    "milestones",
    "milestone_revisions",
    "progress_reports",
    "status_changes",
    "published_totals",
    "findings",
    "reference_items",
}


def _export(sessions: sessionmaker[Session], as_of: Any = NOW + HOUR) -> dict[str, Any]:
    out = io.StringIO()
    with sessions() as session:
        write_json(session, out, exported_at=NOW + 2 * HOUR, as_of=as_of, tz=SEOUL)
    document: dict[str, Any] = json.loads(out.getvalue())
    return document


def _log_history(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    log(sessions, "DJ-9-3.youth-housing", NOW, value=Decimal("120"), evidence=["https://example.org/a"])
    log(sessions, "DJ-9-3.youth-housing", NOW + HOUR, value=Decimal("100"), correction=True, note="오타")
    log(sessions, "SEOUL-SEJONG-2023", NOW, status="정상추진")
    log(sessions, "DJ-9-3.youth-housing", NOW + 2 * HOUR, value=Decimal("150"))
    seeds = copy_seeds(tmp_path)
    pledges = seeds / "daejeon-2026-pledges.yaml"
    text = pledges.read_text(encoding="utf-8")
    edited = text.replace(
        "target: 5000, unit: 호, due: 2030-06-30}", "target: 5000, unit: 호, due: 2029-12-31}"
    )
    assert edited != text
    pledges.write_text(edited, encoding="utf-8")
    assert load_shipped_seeds(sessions, NOW + HOUR, seeds).summary.revisions == 1


@pytest.fixture
def sqlite_seeded(sqlite_url: str, tmp_path: Path) -> str:
    sessions = sessions_for(migrated_engine(sqlite_url))
    load_shipped_seeds(sessions)
    _log_history(sessions, tmp_path)
    return sqlite_url


def test_json_export_holds_every_row_of_every_table_exactly(
    seeded: sessionmaker[Session], tmp_path: Path
) -> None:
    _log_history(seeded, tmp_path)
    document = _export(seeded, as_of=NOW + 3 * HOUR)
    assert document["exported_at"] == "2026-11-22T14:00:00+09:00"
    assert document["as_of"] == "2026-11-22T15:00:00+09:00"
    assert set(document["tables"]) == TABLES == {model.__tablename__ for model in EXPORTED}
    with seeded() as session:
        for model in EXPORTED:
            count = session.scalar(select(func.count()).select_from(model))
            assert len(document["tables"][model.__tablename__]) == count, model.__tablename__
    tables = document["tables"]
    for model in EXPORTED:  # every column of the model, in id order, none left out unless on purpose
        name = model.__tablename__
        columns = {c.name for c in model.__table__.columns} - OMITTED.get(name, frozenset())
        assert set(tables[name][0]) - {"parties"} == columns
        if "id" in columns:
            assert [r["id"] for r in tables[name]] == sorted(r["id"] for r in tables[name])
    tranche = next(r for r in tables["milestones"] if r["code"] == "SEOGU-3-3.2022-2023")
    assert tranche["planned_amount"] == "873.20" and tranche["due_date"] == "2023-12-31"
    assert tranche["due_at"] == "2024-01-01T00:00:00+09:00"
    line = next(r for r in tables["commitments"] if r["code"] == "SEOGU-3-3")
    assert line["budget_total"] == "2415.05" and "stale_ref_at" not in line
    agreement = next(r for r in tables["commitments"] if r["code"] == "SEOUL-SEJONG-2023")
    assert agreement["parties"] == ["seoul", "sejong"]
    assert all("text" not in d and len(d["sha256"]) == 64 for d in tables["source_documents"])


def test_export_keeps_corrections_and_leaves_out_history_entered_after_as_of(
    seeded: sessionmaker[Session], tmp_path: Path
) -> None:
    _log_history(seeded, tmp_path)
    reports = _export(seeded, as_of=NOW + HOUR)["tables"]["progress_reports"]
    logged = [r for r in reports if r["reporter"] == "담당관"]
    assert [(r["value"], r["note"], r["evidence"]) for r in logged] == [
        ("120", None, ["https://example.org/a"]),
        ("100", "오타", []),
    ]
    assert logged[1]["corrects_id"] == logged[0]["id"] and logged[0]["corrects_id"] is None
    assert logged[1]["entered_at"] == "2026-11-22T13:00:00+09:00"
    everything = _export(seeded, as_of=NOW + 3 * HOUR)["tables"]
    assert len(everything["progress_reports"]) == len(reports) + 1
    before = _export(seeded, as_of=NOW - HOUR)["tables"]
    assert before["status_changes"] == [] and len(before["progress_reports"]) == len(reports) - 2
    assert before["milestone_revisions"] == [] and len(everything["milestone_revisions"]) == 1
    assert before["commitments"] == everything["commitments"]  # current state is not cut


def test_csv_export_writes_one_excel_friendly_file_per_table(sqlite_seeded: str, tmp_path: Path) -> None:
    folder = tmp_path / "open-data"
    result = run_cli(
        [
            "--lang",
            "en",
            "export",
            "--format",
            "csv",
            "--out",
            str(folder),
            "--as-of",
            "2026-11-22T15:00+09:00",
        ],
        db_url=sqlite_seeded,
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{name}.csv" for name in TABLES)
    as_json = run_cli(["--lang", "en", "export", "--as-of", "2026-11-22T15:00+09:00"], db_url=sqlite_seeded)
    tables = json.loads(as_json.stdout)["tables"]
    for name in TABLES:
        raw = (folder / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), name
        with (folder / f"{name}.csv").open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
        assert reader.fieldnames == list(tables[name][0]) and len(rows) == len(tables[name]), name
    with (folder / "milestones.csv").open(encoding="utf-8-sig", newline="") as handle:
        tranche = next(r for r in csv.DictReader(handle) if r["code"] == "SEOGU-3-3.2022-2023")
    assert tranche["planned_amount"] == "873.20" and tranche["title"].startswith("2022~2023")
    assert tranche["target_value"] == "" and tranche["cumulative"] in {"true", "false"}
    with (folder / "progress_reports.csv").open(encoding="utf-8-sig", newline="") as handle:
        first = next(r for r in csv.DictReader(handle) if r["reporter"] == "담당관")
    assert json.loads(first["evidence"]) == ["https://example.org/a"]
    with (folder / "commitments.csv").open(encoding="utf-8-sig", newline="") as handle:
        agreement = next(r for r in csv.DictReader(handle) if r["code"] == "SEOUL-SEJONG-2023")
    assert (
        json.loads(agreement["parties"]) == ["seoul", "sejong"]
        and agreement["title"] == "서울시-세종시 업무협약"
    )
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temporary file left behind
    assert "byte-order mark (BOM)" in run_cli(["--lang", "en", "export", "--help"]).output


def test_json_export_to_a_file(sqlite_seeded: str, tmp_path: Path) -> None:
    target = tmp_path / "export.json"
    result = run_cli(["--lang", "en", "export", "--out", str(target)], db_url=sqlite_seeded)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Exported 11 tables, ") and str(target) in result.stdout
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["as_of"] == document["exported_at"]  # without --as-of: everything up to now
    assert set(document["tables"]) == TABLES
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_csv_export_needs_a_folder(sqlite_seeded: str) -> None:
    result = run_cli(["--lang", "en", "export", "--format", "csv"], db_url=sqlite_seeded)
    assert result.exit_code != 0
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: --format csv writes one file per table: give the folder with --out DIR"
    ]


def test_csv_export_neutralises_formulas_and_keeps_negative_numbers(
    db_url: str, seeded: sessionmaker[Session], tmp_path: Path
) -> None:
    formula = "=cmd|' /C calc'!A0"
    log(seeded, "DJ-9-3", NOW, status="정상추진", note=formula, by='=HYPERLINK("http://x","y")')
    folder = tmp_path / "csv"
    args = ["export", "--format", "csv", "--out", str(folder), "--as-of", "2026-11-22T13:00+09:00"]
    result = run_cli(args, db_url=db_url)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("내보냄: 표 11개, ") and "Exported" not in result.stdout
    with (folder / "status_changes.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows[-1]["note"] == "'" + formula and rows[-1]["reporter"] == '\'=HYPERLINK("http://x","y")'
    for path in folder.glob("*.csv"):
        with path.open(encoding="utf-8-sig", newline="") as f:
            cells = [cell for row in csv.reader(f) for cell in row]
        assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r", "\n")], path.name
        assert all(_number(c) for c in cells if c.startswith("-")), path.name
    english = run_cli(["--lang", "en", *args[:-2]], db_url=db_url)
    assert english.stdout.startswith("Exported 11 tables, ")
    assert _export(seeded)["tables"]["status_changes"][-1]["note"] == formula  # JSON keeps it exactly


def _number(cell: str) -> bool:
    try:
        Decimal(cell)
    except ArithmeticError:
        return False
    return True
