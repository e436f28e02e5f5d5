"""Every report kind in every format through the command line, --out, and one-line errors."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from monitor.errors import InputError
from monitor.reports import FORMATS, REPORT_KINDS, render_report
from tests.factories import NOW, SEOUL, log, migrated_engine, run_cli, sessions_for

AS_OF = "2026-11-22T12:00"
ARGS = {
    "digest": ["digest", "--since", "2026-11-01", "--days", "45"],
    "status": ["status"],
    "budget": ["budget", "--jurisdiction", "gwangju-seo"],
    "card": ["card", "DJ-9-3"],
}


@pytest.fixture
def initialised(sqlite_url: str) -> str:
    assert run_cli(["init"], db_url=sqlite_url).exit_code == 0
    engine = migrated_engine(sqlite_url)
    sessions = sessions_for(engine)
    log(
        sessions,
        "DJ-9-3.youth-housing",
        NOW - timedelta(days=2),
        value=Decimal(300),
        evidence=["https://e.x/1"],
    )
    log(sessions, "SEOGU-1-1.2024", NOW - timedelta(days=2), executed=Decimal(500), secured=Decimal(515))
    engine.dispose()
    return sqlite_url


def _report(db_url: str, kind: str, fmt: str) -> str:
    result = run_cli(["report", *ARGS[kind], "--as-of", AS_OF, "--format", fmt], db_url=db_url)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("kind", REPORT_KINDS)
def test_every_format_of_a_report_renders(initialised: str, kind: str) -> None:
    markdown = _report(initialised, kind, "md")
    assert markdown.startswith("# ") and "2026-11-22 12:00 기준" in markdown
    data = json.loads(_report(initialised, kind, "json"))
    assert data["kind"] == kind and data["header"]["as_of"] == "2026-11-22T12:00:00+09:00"
    rows = list(csv.DictReader(io.StringIO(_report(initialised, kind, "csv"))))
    assert rows
    page = _report(initialised, kind, "html")
    assert page.startswith("<!doctype html>") and '<meta name="viewport"' in page
    assert "<style>" in page and "<link" not in page and 'src="http' not in page  # one self-contained file
    if kind == "status":
        daejeon = next(r for r in data["rows"] if r["jurisdiction"] == "daejeon" and r["is_total"])
        # 37 pledges and the 7 areas of the Seoul–Daejeon agreement, counted apart (never 44 "공약")
        assert (daejeon["pledges"], daejeon["agreements"], daejeon["completion_rate"]) == (37, 7, "0.0000")
        assert (
            next(r for r in rows if r["jurisdiction"] == "daegu" and r["is_total"] == "True")["overdue"]
            == "14"
        )
    if kind == "budget":
        cell = next(r for r in rows if r["milestone"] == "SEOGU-1-1.2024")
        assert (cell["planned"], cell["secured"], cell["securing_rate"], cell["execution_rate"]) == (
            "515",
            "515",
            "1.0000",
            "0.9709",
        )
        assert len(data["findings"]) == 3
    if kind == "digest":
        assert {r["section"] for r in rows} == {"ongoing_overdue", "due_soon", "progress"}
        housing = next(r for r in rows if r["section"] == "progress" and r["code"] == "DJ-9-3.youth-housing")
        assert housing["evidence"] == "https://e.x/1"
        assert "| D-39 |" in markdown
    if kind == "card":
        assert [r["what"] for r in rows] == ["300호"]
        assert data["milestones"][0]["countdown"]["label"] == "D-1316"
        assert "DJ-9-3.youth-housing" in page and "D-1316" in page


def test_report_out_writes_the_file_atomically_and_creates_folders(initialised: str, tmp_path: Path) -> None:
    target = tmp_path / "site" / "reports" / "status.html"
    result = run_cli(
        ["report", "status", "--as-of", AS_OF, "--format", "html", "--out", str(target)], initialised
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and str(target) in result.stderr
    assert target.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert [p.name for p in target.parent.iterdir()] == ["status.html"]  # no temporary file left behind
    again = run_cli(
        ["report", "status", "--as-of", AS_OF, "--format", "md", "--out", str(target)], initialised
    )
    assert again.exit_code == 0 and target.read_text(encoding="utf-8").startswith("# 공약 이행 평가표")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["status", "--jurisdiction", "atlantis"], "atlantis"),
        (["digest", "--jurisdiction", "atlantis"], "atlantis"),
        (["card", "NOPE-1"], "NOPE-1"),
        (["budget", "--as-of", "yesterday"], "yesterday"),
    ],
)
def test_report_mistakes_are_one_line_errors(initialised: str, args: list[str], needle: str) -> None:
    result = run_cli(["--lang", "en", "report", *args], initialised)
    assert result.exit_code != 0
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and needle in line and result.stdout == ""


def test_render_report_refuses_unknown_kinds_formats_and_a_card_without_code(initialised: str) -> None:
    engine = migrated_engine(initialised)
    with sessions_for(engine)() as session:
        for kind, fmt, code in (("weekly", "md", None), ("status", "pdf", None), ("card", "md", None)):
            with pytest.raises(InputError):
                render_report(session, kind, fmt, as_of=NOW, tz=SEOUL, lang="ko", code=code)
        english = render_report(session, "status", "md", as_of=NOW, tz=SEOUL, lang="en").decode()
    engine.dispose()
    assert english.startswith("# Pledge evaluation table") and set(FORMATS) == {"md", "html", "csv", "json"}


HOSTILE_NOTE = "<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) | a\nb"


@pytest.fixture
def hostile(initialised: str) -> str:
    """A report whose note, reporter and evidence are an attacker's."""
    engine = migrated_engine(initialised)
    sessions = sessions_for(engine)
    log(
        sessions,
        "DJ-9-3.youth-housing",
        NOW - timedelta(days=1),
        value=Decimal(310),
        note=HOSTILE_NOTE,
        by="=cmd|' /C calc'!A0",
        evidence=["https://e.x/a?b=<c>", "https://e.x/ok?a=1&b=2"],
    )
    engine.dispose()
    return initialised


@pytest.mark.parametrize("kind", ["digest", "card"])
def test_markdown_reports_escape_html_and_links_in_notes(hostile: str, kind: str) -> None:
    for lang, label in (("ko", "입력 시각"), ("en", "Entered")):
        result = run_cli(["--lang", lang, "report", *ARGS[kind], "--as-of", AS_OF, "--format", "md"], hostile)
        assert result.exit_code == 0, result.output
        markdown = result.stdout
        assert "<script" not in markdown and "<img" not in markdown
        assert "](" not in markdown.replace("\\]", "")  # no link syntax left from the note
        assert "<https://e.x/a?b=<c>>" not in markdown
        line = next(line for line in markdown.splitlines() if "alert" in line)
        assert f"{label} " in line and "=cmd\\|" not in line
        assert (
            "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt; "
            "\\[x\\](javascript:alert(1)) | a b" in line
        )
        assert line.endswith(" · https://e.x/a?b=&lt;c&gt; · <https://e.x/ok?a=1&b=2>")


@pytest.mark.parametrize("kind", ["digest", "card"])
def test_csv_reports_neutralise_formulas(hostile: str, kind: str) -> None:
    rows = list(csv.DictReader(io.StringIO(_report(hostile, kind, "csv"))))
    row = next(r for r in rows if r["reporter"] and "calc" in r["reporter"])
    assert row["reporter"] == "'=cmd|' /C calc'!A0" and row["note"] == HOSTILE_NOTE
    cells = [cell for r in rows for cell in r.values() if cell]
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r", "\n")]
    assert not [c for c in cells if c[:1] == "-" and not c.lstrip("-").replace(".", "", 1).isdigit()]
