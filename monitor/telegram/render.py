"""Telegram messages: HTML with every piece of data escaped, split on line boundaries into numbered parts.

Telegram counts a message's length after entity parsing (4,096 characters of visible text; 1,024 for a
caption). Only `<b>` tags are added here and all data is escaped, so the visible text is exactly the plain
text the same function renders — that is what the splitting measures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape, unescape

from monitor.notify.base import Batch
from monitor.notify.render import headline, item_lines, ordered
from monitor.vocab import Lang

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024


@dataclass(frozen=True)
class Part:
    html: str
    plain: str
    item_ids: tuple[int, ...]  # the outbox rows this part carries


def visible_length(text: str) -> int:
    """Telegram counts UTF-16 code units (Hangul is one each; emoji outside the BMP two)."""
    return len(text.encode("utf-16-le")) // 2


def _fit(lines: list[str], room: int) -> list[str]:
    """Cut lines so that none is longer than `room` (a single huge line is the only case)."""
    fitted = []
    for line in lines:
        while visible_length(line) > room:
            fitted.append(line[:room])
            line = line[room:]
        fitted.append(line)
    return fitted


def render_parts(batch: Batch, lang: Lang, limit: int = MESSAGE_LIMIT) -> list[Part]:
    """One message per group, split into `(k/n)` parts that each fit `limit`, items never cut in two."""
    head = headline(batch, lang)
    reserve = visible_length(head) + len(" (99/99)") + 1
    room = limit - reserve
    parts: list[tuple[list[str], list[str], list[int]]] = [([], [], [])]
    used = 0
    for item in ordered(batch.items):
        plain = _fit(item_lines(item, lang), room)
        html = [escape(line, quote=False) for line in plain]
        size = sum(visible_length(line) + 1 for line in plain)
        if parts[-1][0] and used + size > room:
            parts.append(([], [], []))
            used = 0
        parts[-1][0].extend(plain)
        parts[-1][1].extend(html)
        parts[-1][2].append(item.id)
        used += size
    total = len(parts)
    rendered = []
    for number, (plain, html, ids) in enumerate(parts, 1):
        title = head if total == 1 else f"{head} ({number}/{total})"
        rendered.append(
            Part(
                html="\n".join([f"<b>{escape(title, quote=False)}</b>", *html]),
                plain="\n".join([title, *plain]),
                item_ids=tuple(ids),
            )
        )
    return rendered


def caption(text: str) -> str:
    """A photo caption cut to Telegram's 1,024 visible characters (plain text)."""
    if visible_length(text) <= CAPTION_LIMIT:
        return text
    lines, used = [], 0
    for line in text.split("\n"):
        if used + visible_length(line) + 1 > CAPTION_LIMIT - 1:
            break
        lines.append(line)
        used += visible_length(line) + 1
    return "\n".join(lines) + "\n…"


TAG = re.compile(r"<[^>]*>")


def plain_text(html: str) -> str:
    """What Telegram shows for our HTML: tags dropped, entities decoded."""
    return unescape(TAG.sub("", html))


def reply_parts(html: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """A bot reply cut on line boundaries into messages that each fit `limit` visible characters. Every
    line of a reply is self-contained HTML, so a cut between lines never splits a tag."""
    parts: list[list[str]] = [[]]
    used = 0
    for line in html.split("\n"):
        size = visible_length(plain_text(line)) + 1
        if parts[-1] and used + size > limit:
            parts.append([])
            used = 0
        parts[-1].append(line)
        used += size
    return ["\n".join(lines) for lines in parts]
