"""Property: random hostile text (controls, bidi marks, HTML, formulas, Markdown table syntax, lone
surrogates where a sink can get them) comes out of every renderer well formed for its sink.

One seeded SQLite database is shared by every example (a report is added per example, newest last);
each example renders the Atom feed, the digest and the card as Markdown, HTML and CSV, a terminal
table, and Telegram HTML, and checks each output by its own parser."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from html.parser import HTMLParser
from itertools import count
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console
from sqlalchemy.orm import Session, sessionmaker

from monitor import sinks
from monitor.cli.output import print_table
from monitor.feed import atom_feed
from monitor.reports import render_report
from monitor.seeds import load_seeds
from tests.factories import NOW, SEOUL, log, migrated_engine, mini_seeds, sessions_for
from tests.fake_telegram import parse_html

FRAGMENTS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "</div>",
    '"><b x="',
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://x","y")',
    "+",
    "-",
    "@",
    "-12.5",
    "\t",
    "\r",
    "\n",
    "\r\n",
    "|",
    "| --- |",
    "[x](javascript:alert(1))",
    "<https://e.x/>",
    "&lt;",
    "&#60;",
    "&",
    "`",
    "```",
    "\\",
    "]]>",
    "\x1b[2J",
    "\a",
    "\x00",
    "\x7f",
    "\x85",
    "\x9b",
    "\u202e",
    "\u2066",
    "\u200f",
    "\u2028",
    "R&D",
    "대구",
]
STORABLE = st.characters(exclude_categories=["Cs"])  # what a database can hold
TEXT = st.lists(st.one_of(st.sampled_from(FRAGMENTS), STORABLE), min_size=1, max_size=24).map("".join)
ANY_TEXT = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.characters()), max_size=12).map("".join)
CODE = "T-3.housing"
CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
FORMULA = ("=", "+", "-", "@", "\t", "\r", "\n")
NUMBER = re.compile(r"-?\d+(\.\d+)?")
AUTOLINK = re.compile(r"<https?://[!-;=?-~]+>")
SETTINGS = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> sessionmaker[Session]:
    folder: Path = tmp_path_factory.mktemp("sinks")
    sessions = sessions_for(migrated_engine(f"sqlite:///{folder}/monitor.sqlite3"))
    load_seeds(sessions, [mini_seeds(folder)], SEOUL, NOW)
    return sessions


INSTANTS = count(1)


def _add_report(sessions: sessionmaker[Session], text: str) -> None:
    at = NOW + timedelta(minutes=next(INSTANTS))
    reporter = text if text.strip() else "담당관"
    log(sessions, CODE, at, value=1, note=text, by=reporter, evidence=["https://e.x/a?b=<c>&d"])


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[tuple[str, tuple[str, ...]]] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add((tag, tuple(sorted(name for name, _ in attrs))))


def _tags(page: str) -> set[tuple[str, tuple[str, ...]]]:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser.tags


def _cells(line: str) -> int:
    """The cells of a Markdown table row: pipes not escaped by a backslash."""
    pipes, escaped = 0, False
    for char in line:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "|":
            pipes += 1
    return pipes - 1


def _check_markdown(markdown: str) -> None:
    assert not CONTROLS.search(markdown.replace("\t", ""))
    assert "<" not in AUTOLINK.sub("", markdown)  # no raw '<' from the text: only our autolinks
    lines = markdown.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("|---"):  # a table's separator: every row of it has the header's cells
            j = i + 1
            while j < len(lines) and lines[j].startswith("|"):
                assert _cells(lines[j]) == _cells(lines[i - 1]), lines[j]
                j += 1


def _check_csv(data: str) -> None:
    rows = list(csv.reader(io.StringIO(data)))
    assert rows and all(len(row) == len(rows[0]) for row in rows)
    for cell in (cell for row in rows for cell in row):
        assert not cell.startswith(FORMULA) or NUMBER.fullmatch(cell), cell


def _check_atom(data: bytes, text: str) -> None:
    root = ET.fromstring(data)
    content = root.findtext("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}content", "")
    assert sinks.xml_text(text) in content
    assert not CONTROLS.search(content.replace("\t", ""))


@pytest.fixture(scope="module")
def baseline(registry: sessionmaker[Session]) -> dict[str, set[tuple[str, tuple[str, ...]]]]:
    """The elements and attribute names our own HTML templates make, from a harmless report."""
    _add_report(registry, "평범한 비고")
    with registry() as session:
        return {kind: _tags(_render(session, kind, "html")) for kind in ("digest", "card")}


def _render(session: Session, kind: str, fmt: str, lang: str = "ko") -> str:
    code = "T-3" if kind == "card" else None
    since = NOW - timedelta(days=1)
    at = NOW + timedelta(minutes=next(INSTANTS))
    data = render_report(session, kind, fmt, as_of=at, tz=SEOUL, lang=lang, code=code, since=since)  # type: ignore[arg-type]
    return data.decode()


@SETTINGS
@given(text=TEXT, lang=st.sampled_from(["ko", "en"]))
def test_every_renderer_stays_well_formed(
    registry: sessionmaker[Session],
    baseline: dict[str, set[tuple[str, tuple[str, ...]]]],
    text: str,
    lang: str,
) -> None:
    _add_report(registry, text)
    with registry() as session:
        at = NOW + timedelta(minutes=next(INSTANTS))
        _check_atom(atom_feed(session, as_of=at, tz=SEOUL, lang=lang, limit=1), text)
        for kind in ("digest", "card"):
            _check_markdown(_render(session, kind, "md", lang))
            _check_csv(_render(session, kind, "csv", lang))
            assert _tags(_render(session, kind, "html", lang)) <= baseline[kind]


@settings(SETTINGS, max_examples=150)
@given(text=ANY_TEXT)
def test_terminal_table_and_telegram_html_stay_well_formed(text: str) -> None:
    console = Console(file=io.StringIO(), width=80, color_system=None, force_terminal=False)
    print_table(console, [[CODE, text, text]], ["코드", "비고", text or "x"], title=text or None)
    shown = console.file.getvalue()  # type: ignore[attr-defined]
    assert not CONTROLS.search(shown)
    plain, entities = parse_html(sinks.telegram_html(text))
    assert entities == [] and plain == sinks.safe_text(text)
    assert not CONTROLS.search(sinks.terminal_text(text))
    assert not CONTROLS.search(sinks.xml_text(text).replace("\t", ""))
    ET.fromstring(f"<x>{sinks.telegram_html(text)}</x>")  # XML-safe once escaped
    _check_csv_cell(text)


def _check_csv_cell(text: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([sinks.csv_cell(text), "x"])
    buffer.getvalue().encode()  # a UTF-8 file can hold it (no lone surrogate)
    _check_csv(buffer.getvalue())
