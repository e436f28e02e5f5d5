"""Output encoding per sink (`monitor.sinks`): hostile text from a note reaches no sink live, and the
terminal commands (`monitor show`, `monitor list`) print it visibly instead of executing it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from monitor import sinks
from monitor.cli.output import print_csv
from monitor.seeds import load_seeds
from tests.factories import NOW, SEOUL, log, mini_seeds, run_cli

HOSTILE = "bell\a esc\x1b[2J\x9b31m \u202eevil\u202c <script>alert(1)</script>"


def test_every_control_is_shown_visibly_and_line_breaks_are_normalised() -> None:
    assert sinks.safe_text("a\x07b\x1b[2Jc\x00\x7f") == "a␇b␛[2Jc␀␡"
    assert sinks.safe_text("x\r\ny\rz\tw") == "x\ny\nz\tw"
    assert sinks.safe_text("\x9b\u202e\u2066\ud800\ufffe") == "\\x9b\\u202e\\u2066\\ud800\\ufffe"
    assert sinks.safe_text("공약 R&D <THE 100sec> 5,000호") == "공약 R&D <THE 100sec> 5,000호"
    assert sinks.terminal_text("a\tb\x1bc") == "a b␛c"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+1+cmd", "'+1+cmd"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\n=1"),
        ("-12", "-12"),
        ("-873.20", "-873.20"),
        ("873.20", "873.20"),
        ("R&D 비고", "R&D 비고"),
        (-5, -5),
        (None, None),
    ],
)
def test_csv_cells_follow_owasps_rule_and_numbers_stay_numbers(value: object, cell: object) -> None:
    assert sinks.csv_cell(value) == cell


def test_markdown_text_escapes_html_and_link_syntax() -> None:
    assert sinks.markdown_text("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;"
    assert sinks.markdown_text("[x](javascript:alert(1))") == "\\[x\\](javascript:alert(1))"
    assert sinks.markdown_text("R&D &lt; &#60;") == "R&D &amp;lt; &amp;#60;"
    assert sinks.markdown_cell("a | b\nc") == "a \\| b c"
    assert sinks.markdown_link("https://example.org/a?b=1&c=2") == "<https://example.org/a?b=1&c=2>"
    assert sinks.markdown_link("javascript:alert(1)") == "javascript:alert(1)"
    assert sinks.markdown_link("https://x.org/<script>") == "https://x.org/&lt;script&gt;"
    assert sinks.markdown_code("a`b") == "``a`b``"
    assert sinks.markdown_block("x\n```\n<b>") == "````text\nx\n```\n<b>\n````"


def test_telegram_html_escapes_markup_and_shows_controls() -> None:
    assert sinks.telegram_html("<b>R&D</b>\x1b") == "&lt;b&gt;R&amp;D&lt;/b&gt;␛"
    assert sinks.telegram_attribute('https://x.org/?a="1"') == "https://x.org/?a=&quot;1&quot;"


def test_list_csv_neutralises_formulas(capsys: pytest.CaptureFixture[str]) -> None:
    print_csv(
        [{"code": "T-1", "title": "=cmd|' /C calc'!A0", "parties": ["@a", "b"], "n": -3}],
        ["code", "title", "parties", "n"],
    )
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows == [["code", "title", "parties", "n"], ["T-1", "'=cmd|' /C calc'!A0", "'@a;b", "-3"]]


@pytest.fixture
def noted(db_url: str, sessions: sessionmaker[Session], tmp_path: Path) -> str:
    """A small registry whose one milestone has a report with a hostile note."""
    load_seeds(sessions, [mini_seeds(tmp_path)], SEOUL, NOW)
    log(sessions, "T-3.housing", NOW, value=1, note=HOSTILE)
    return db_url


def test_show_prints_controls_and_bidi_overrides_visibly(noted: str) -> None:
    for args, label in (
        (["show", "T-3"], "진행 보고"),
        (["--lang", "en", "show", "T-3"], "Progress reports"),
    ):
        result = run_cli([*args, "--wide"], db_url=noted)
        assert result.exit_code == 0, result.output
        out = result.stdout
        assert "\x1b" not in out and "\a" not in out and "\x9b" not in out and "\u202e" not in out
        assert "bell␇ esc␛[2J\\x9b31m \\u202eevil\\u202c <script>alert(1)</script>" in out
        assert label in out


def test_lines_echoed_from_files_and_arguments_never_reach_the_terminal_raw(
    sqlite_url: str, tmp_path: Path
) -> None:
    """Not only tables: an import's dry run, its refusals and the confirmation lines of silence and
    roster commands show an escape sequence (OSC 52 writes to the clipboard) instead of sending it."""
    assert run_cli(["init"], db_url=sqlite_url).exit_code == 0
    osc = "\x1b]52;c;SGk=\x07"
    added = run_cli(["officials", "add", "--name", f"담당{osc}", "--jurisdiction", "gwangju-seo"], sqlite_url)
    silenced = run_cli(
        ["silence", "add", "--prefix", "SEOGU", "--for", "1d", "--reason", f"조정{osc}", "--by", "감시단"],
        sqlite_url,
    )
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(f"코드,기준일,상태,비고\nSEOGU-1-1,2026-11-01,정상추진,note{osc}\n", encoding="utf-8")
    bad.write_text(f"코드,기준일,상태\nSEOGU-{osc},2026-11-01,정상추진\n", encoding="utf-8")
    dry_run = run_cli(["progress", "import", str(good), "--dry-run", "--by", f"담당{osc}"], sqlite_url)
    refused = run_cli(["progress", "import", str(bad), "--by", f"담당{osc}"], sqlite_url)
    assert dry_run.exit_code == 0 and "note␛]52;c;SGk=␇" in dry_run.output, dry_run.output
    assert "SEOGU-␛]52;C;SGK=␇" in refused.stderr  # the refused code, shown (codes are upper-cased)
    for result in (added, silenced, dry_run, refused):
        assert "\x1b" not in result.output + result.stderr and "\x07" not in result.output + result.stderr


def test_a_template_never_writes_a_formula_from_the_registry(tmp_path: Path) -> None:
    """A title such as =HYPERLINK(…) reaches the template as text: a leading ' in CSV, a text cell (not a
    formula) in XLSX, and an ESC is shown, not an illegal XML character."""
    from openpyxl import load_workbook

    from monitor.imports.workbook import write_workbook

    target = tmp_path / "t.xlsx"
    title = '=HYPERLINK("http://evil.example","x")\x1b'
    write_workbook([["SEOGU-1-1", title]], target)
    cell = load_workbook(target).active["B2"]  # type: ignore[index]
    assert cell.data_type == "s" and cell.value == "'" + title.replace("\x1b", "␛")
