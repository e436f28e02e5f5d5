"""The Atom side of the feed: `Item`s (independent of the XML library) rendered with feedgen.

Every text from the database passes `monitor.sinks.xml_text` on its way into the XML: a BEL or ESC in a
note is shown as "␇" or "␛" instead of making the whole feed (and the daemon's feed job) fail.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from feedgen.ext.base import BaseEntryExtension  # type: ignore[import-untyped]
from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]
from feedgen.util import xml_elem  # type: ignore[import-untyped]

from monitor.db import models as m
from monitor.sinks import xml_text
from monitor.vocab import Lang

TAG = "tag:pledge-monitor,2026:"


def pick(ko: str, en: str, lang: Lang) -> str:
    return ko if lang == "ko" else en


@dataclass(frozen=True)
class Item:
    """One feed entry, independent of the XML library."""

    id: str
    kind: str
    number: int  # row id: a stable tie-break between entries of the same instant
    updated: datetime
    published: datetime
    title: str
    lines: tuple[str, ...]
    author: str | None = None
    links: tuple[str, ...] = ()


class RelatedLinks(BaseEntryExtension):  # type: ignore[misc]
    """Evidence links as `<link rel="related">`. feedgen 1.0 drops the `rel` of entry links
    (lkiesow/python-feedgen#135), which would make every evidence URL an `alternate` link."""

    def __init__(self) -> None:
        self.urls: tuple[str, ...] = ()

    def extend_atom(self, entry: Any) -> Any:
        for url in self.urls:
            xml_elem("link", entry, href=xml_text(url), rel="related")
        return entry


def render_atom(
    items: Iterable[Item],
    as_of: datetime,
    tz: ZoneInfo,
    lang: Lang,
    places: list[m.Jurisdiction],
    base_url: str | None,
) -> bytes:
    items = list(items)
    feed = FeedGenerator()
    scope = places[0].slug if places else "all"
    feed.id(f"{TAG}feed/{scope}/{lang}")
    title = pick("공약 이행 모니터 — 상태 변경과 경보", "Pledge monitor — status changes and alerts", lang)
    names = ", ".join(p.name(lang) for p in places)
    feed.title(xml_text(f"{title} ({names})" if places else title))
    feed.author({"name": pick("공약 이행 모니터", "Pledge monitor", lang)})
    feed.language(lang)
    feed.generator("pledge-monitor")
    feed.updated(max((i.updated for i in items), default=as_of).astimezone(tz))
    if base_url is not None:
        feed.link(href=base_url, rel="self")
    for item in items:
        entry = feed.add_entry(order="append")
        entry.id(item.id)
        entry.title(xml_text(item.title))
        entry.updated(item.updated.astimezone(tz))
        entry.published(item.published.astimezone(tz))
        entry.content(xml_text("\n".join(item.lines)), type="text")
        entry.category(term=item.kind)
        if item.author:
            entry.author({"name": xml_text(item.author)})
        if item.links:
            entry.register_extension("evidence", RelatedLinks, atom=True, rss=False)
            entry.evidence.urls = item.links
    data: bytes = feed.atom_str(pretty=True)
    return data
