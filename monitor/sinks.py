"""Output encoding per sink, in one place: text that came from people (a note, a title, a reporter's
name, an evidence link) made safe for where it is written. Every renderer calls these, never its own.

One rule for every sink first (`safe_text`): line breaks are normalised (CR LF and a lone CR become LF,
so a CR can neither overwrite a terminal line nor start a spreadsheet formula), and characters that
would act instead of being read are shown visibly instead:

- C0 controls other than tab and line feed, and DEL: their Unicode control pictures (ESC → "␛",
  BEL → "␇"), so `ESC [ 2 J` reads as "␛[2J" and clears nothing;
- C1 controls (U+0080–U+009F), the bidi embedding/override/isolate controls (U+202A–U+202E,
  U+2066–U+2069: "Trojan Source" reordering), lone surrogates (which no UTF-8 file can hold) and the
  noncharacters U+FFFE/U+FFFF (not XML): as escape text, `\\x9b`, `\\u202e`, `\\udc80`.

Then each sink's own encoding:

- `xml_text` (the Atom feed): the rule above leaves only characters XML 1.0 allows; feedgen escapes.
- `terminal_text` (CLI tables, `monitor show`): also a tab becomes a space (it would break the table).
- `csv_cell` (every CSV we write): OWASP's CSV-injection rule: a text cell starting with `=`, `+`, `-`,
  `@`, a tab, CR (or LF) gets a leading `'`, so no spreadsheet runs it as a formula. A cell that is a
  plain decimal number (`-12`, `-873.20`) stays as it is: a spreadsheet reads it as a number, never as
  a formula, and a negative amount must stay a number. Numbers that are not text pass unchanged.
- `markdown_text` (Markdown reports): HTML is escaped (`<` `>` as `&lt;` `&gt;`, an `&` only where it
  would start an entity, so "R&D" stays readable), and link syntax is disarmed (`[` `]` and the
  backslash are backslash-escaped), so a note can make no tag, no autolink and no `javascript:` link.
  `markdown_cell` also escapes `|` and folds line breaks (one table row stays one row).
- `telegram_html` (Telegram's parse_mode=HTML): `&`, `<`, `>` escaped.
- HTML reports: Jinja's autoescaping after `safe_text` (see `monitor.reports.render`).
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

_NEWLINES = re.compile(r"\r\n?")
_LINE_BREAK = re.compile(r"[ \t]*\n[ \t\n]*")
# C0 (less tab and LF), DEL, C1, bidi embeddings/overrides/isolates, surrogates, U+FFFE/U+FFFF
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_MARKDOWN = {"<": "&lt;", ">": "&gt;", "\\": "\\\\", "[": "\\[", "]": "\\]"}
_WEB_ADDRESS = re.compile(r"https?://[!-;=?-~]+")  # printable ASCII without space, `<` and `>`
_MARKDOWN_SPECIAL = re.compile(r"[<>\\\[\]]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe_text(value: object) -> str:
    """Text with normalised line breaks and every control, bidi override, surrogate and XML
    noncharacter shown visibly (tab and line feed kept)."""
    return _UNSAFE.sub(_visible, _NEWLINES.sub("\n", str(value)))


def xml_text(value: object) -> str:
    """Text every XML 1.0 document can hold (escaping `<` and `&` is the XML writer's)."""
    return safe_text(value)


def terminal_text(value: object) -> str:
    """Text a terminal prints without executing anything: no control except a line feed."""
    return safe_text(value).replace("\t", " ")


def csv_cell(value: Any) -> Any:
    """One CSV cell: text neutralised by OWASP's CSV-injection rule (a plain number stays a number)."""
    if not isinstance(value, str):
        return value
    text = safe_text(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def markdown_text(value: object) -> str:
    """Inline Markdown text: no HTML, no link syntax from the text (line breaks kept)."""
    text = _ENTITY.sub("&amp;", safe_text(value))
    return _MARKDOWN_SPECIAL.sub(lambda m: _MARKDOWN[m.group()], text)


def markdown_line(value: object) -> str:
    """Markdown text on one line (a list item): each line break, with the spaces around it, becomes one
    space, so the text cannot start another item, a heading or a block."""
    return markdown_text(_LINE_BREAK.sub(" ", safe_text(value)))


def markdown_fold(markdown: str) -> str:
    """Markdown (already encoded) on one line."""
    return _LINE_BREAK.sub(" ", markdown)


def markdown_cell(value: object) -> str:
    """A Markdown table cell: `markdown_line` with pipes escaped, so the row keeps its cells."""
    return markdown_line(value).replace("|", "\\|")


def markdown_link(url: object) -> str:
    """An evidence link: a web address becomes an autolink `<https://…>`; anything else (a
    `javascript:` or `data:` "link", an address with spaces or controls) stays inert text."""
    text = str(url)
    if _WEB_ADDRESS.fullmatch(text):
        return f"<{text}>"
    return markdown_text(text)


def markdown_code(value: object) -> str:
    """An inline code span holding the text as it is: fenced with more backticks than any run in it."""
    text = _LINE_BREAK.sub(" ", safe_text(value))
    runs = [len(run) for run in re.findall("`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def markdown_block(value: object, info: str = "text") -> str:
    """A fenced code block holding the text as it is: its fence is longer than any backtick run in it."""
    text = safe_text(value)
    runs = [len(run) for run in re.findall("`{3,}", text)]
    fence = "`" * max(3, max(runs, default=0) + 1)
    return f"{fence}{info}\n{text}\n{fence}"


def telegram_html(value: object) -> str:
    """Data text made safe for Telegram's parse_mode=HTML (`<대구RE100시민클럽>`, `R&D`, raw `<p>`)."""
    return escape(safe_text(value), quote=False)


def telegram_attribute(value: object) -> str:
    """A value inside a double-quoted attribute of Telegram HTML (a link's href)."""
    return escape(safe_text(value), quote=True)
