"""Rendering a built report: Markdown, CSV (the main table), JSON (everything) or one HTML file.

HTML and Markdown come from Jinja2 templates shipped in `monitor/reports/templates/`; HTML is escaped
automatically (seed titles hold `<THE 100sec>` and `R&D`) and carries its CSS and charts inline, so
the file can be mailed or published as it is. The charts are HTML bars (status mix per row, planned vs
secured vs executed per year): they carry Korean labels with the reader's own fonts and reflow on a
phone, which a fixed-size PNG with ASCII labels (`monitor.charts`, made for Telegram) cannot.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from functools import cache, partial
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined

from monitor.i18n import t
from monitor.notify.labels import CONDITION_LABELS, label
from monitor.reports.figures import money
from monitor.reports.tables import Report, main_table, to_data
from monitor.vocab import Lang

FORMATS = ("md", "html", "csv", "json")


def render(report: Report, fmt: str) -> bytes:
    tz = ZoneInfo(report.header.tz)
    if fmt == "json":
        data = {"kind": report.header.kind, **to_data(report, tz)}
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()
    if fmt == "csv":
        columns, rows = main_table(report, tz)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buffer.getvalue().encode()
    template = _environment(fmt == "html").get_template(f"{report.header.kind}.{fmt}.j2")
    # the digest charts' colours; imported here because monitor.charts loads matplotlib (a second of
    # start-up every `monitor` command would otherwise pay)
    from monitor.charts import STATUS_COLOURS

    lang = report.header.lang
    context: dict[str, Any] = {
        "r": report,
        "_": _translator(lang),
        "money": partial(money, lang=lang),
        "tz": tz,
        "colours": STATUS_COLOURS,
        "labels": {key: label(CONDITION_LABELS, key, lang) for key in CONDITION_LABELS},
    }
    return template.render(context).encode()


@cache
def _environment(html: bool) -> Environment:
    env = Environment(
        loader=PackageLoader("monitor.reports", "templates"),
        autoescape=html,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(pct=pct, cell=md_cell, oneline=one_line, states=state_list)
    env.filters["local"] = local
    return env


def _translator(lang: Lang) -> Callable[..., str]:
    def translate(key: str, **values: object) -> str:
        return t(key, lang, **values)

    return translate


def pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def state_list(counts: dict[str, int], labels: dict[str, str]) -> str:
    """ "기한 초과 3 · 장기 미보고 44": the states present, with their labels; "—" when none."""
    shown = [f"{labels.get(state, state)} {count}" for state, count in counts.items() if count]
    return " · ".join(shown) or "—"


def one_line(value: object) -> str:
    """Text inside one Markdown list item: line breaks folded, so it cannot start another item."""
    return "" if value is None else " ".join(str(value).split())


def md_cell(value: object) -> str:
    """A Markdown table cell: pipes escaped, line breaks folded."""
    return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")


def local(instant: datetime | None, tz: ZoneInfo, seconds: bool = False) -> str:
    if instant is None:
        return ""
    return instant.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
