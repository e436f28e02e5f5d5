"""Telegram messages: HTML with every piece of data escaped, split on line boundaries into numbered parts.

Telegram counts a message's length after entity parsing (4,096 characters of visible text; 1,024 for a
caption). Only `<b>` tags are added here and all data is escaped, so the visible text is exactly the plain
text the same function renders — that is what the splitting measures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape, unescape

from monitor.notify.base import Batch
from monitor.notify.render import headline, item_lines, ordered
from monitor.vocab import Lang

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
MIN_PIECE = 200  # a huge line is poured into the room left only when that room is worth it


@dataclass(frozen=True)
class Part:
    html: str
    plain: str
    item_ids: tuple[int, ...]  # the outbox rows this part carries


def visible_length(text: str) -> int:
    """Telegram counts UTF-16 code units (Hangul is one each; emoji outside the BMP two)."""
    return len(text.encode("utf-16-le")) // 2


def _cut(line: str, room: int) -> tuple[str, str]:
    """The longest head of `line` that fits `room` visible characters, and the rest."""
    used = 0
    for index, char in enumerate(line):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > room:
            return line[:index], line[index:]
    return line, ""


@dataclass
class _Draft:
    lines: list[str] = field(default_factory=list)
    item_ids: list[int] = field(default_factory=list)
    used: int = 0

    def fits(self, size: int, room: int) -> bool:
        return not self.lines or self.used + size <= room

    def add(self, line: str) -> None:
        self.lines.append(line)
        self.used += visible_length(line) + 1


def render_parts(batch: Batch, lang: Lang, limit: int = MESSAGE_LIMIT) -> list[Part]:
    """One message per group, split into `(k/n)` parts that each fit `limit`. An item stays in one part
    unless it is bigger than a message; it belongs to the part that carries its last line, so a part
    counts as delivered only when all of its items have gone out whole."""
    head = headline(batch, lang)
    room = limit - visible_length(head) - len(" (999/999)") - 1
    drafts = [_Draft()]
    for item in ordered(batch.items):
        lines = item_lines(item, lang)
        if not drafts[-1].fits(sum(visible_length(line) + 1 for line in lines), room):
            drafts.append(_Draft())
        for line in lines:
            _pour(line, drafts, room)
        drafts[-1].item_ids.append(item.id)
    total = len(drafts)
    return [_part(head if total == 1 else f"{head} ({n}/{total})", d) for n, d in enumerate(drafts, 1)]


def _pour(line: str, drafts: list[_Draft], room: int) -> None:
    """Add a line, continuing in new parts when it is longer than the room left (a huge item only)."""
    while True:
        free = room - drafts[-1].used - 1
        if visible_length(line) <= free:
            drafts[-1].add(line)
            return
        if free < MIN_PIECE:
            drafts.append(_Draft())
            continue
        head, line = _cut(line, free)
        drafts[-1].add(head)


def _part(title: str, draft: _Draft) -> Part:
    return Part(
        html="\n".join(
            [f"<b>{escape(title, quote=False)}</b>", *(escape(x, quote=False) for x in draft.lines)]
        ),
        plain="\n".join([title, *draft.lines]),
        item_ids=tuple(draft.item_ids),
    )


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
