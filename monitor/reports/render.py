"""Rendering a built report: Markdown, CSV (the main table), JSON (everything) or one HTML file.

HTML and Markdown come from Jinja2 templates shipped in `monitor/reports/templates/`; HTML is escaped
automatically (seed titles hold `<THE 100sec>` and `R&D`) and carries its CSS and charts inline, so
the file can be mailed or published as it is. The charts are HTML bars (status mix per row, planned vs
secured vs executed per year): they carry Korean labels with the reader's own fonts and reflow on a
phone, which a fixed-size PNG with ASCII labels (`monitor.charts`, made for Telegram) cannot.

Every value a template prints passes its sink's encoding (`monitor.sinks`) on the way out, through the
environment's `finalize`: Markdown gets `markdown_line` (no HTML, no link syntax, one line), HTML gets
`safe_text` before autoescaping. Filters that build Markdown themselves (`cell`, `oneline`, `code`,
`link`, `fence`) and the templates' own texts (`_`) return `Markup`, which `finalize` leaves as it is.
CSV cells pass `csv_cell` (formulas neutralised).
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
from markupsafe import Markup

from monitor import sinks
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
        writer.writerows({k: sinks.csv_cell(v) for k, v in row.items()} for row in rows)
        return buffer.getvalue().encode()
    html = fmt == "html"
    template = _environment(html).get_template(f"{report.header.kind}.{fmt}.j2")
    # the digest charts' colours; imported here because monitor.charts loads matplotlib (a second of
    # start-up every `monitor` command would otherwise pay)
    from monitor.charts import STATUS_COLOURS

    lang = report.header.lang
    context: dict[str, Any] = {
        "r": report,
        "_": _translator(lang, markdown=not html),
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
        finalize=_html_value if html else _markdown_value,
    )
    env.filters.update(pct=pct, cell=md_cell, oneline=one_line, states=state_list)
    env.filters.update(code=_markup(sinks.markdown_code), link=_markup(sinks.markdown_link))
    env.filters.update(fence=_markup(sinks.markdown_block), local=local)
    return env


def _html_value(value: object) -> object:
    """Text on its way into HTML (escaped next, by autoescaping): controls shown visibly."""
    return value if isinstance(value, Markup) or not isinstance(value, str) else sinks.safe_text(value)


def _markdown_value(value: object) -> object:
    """A value printed into Markdown: inline text on one line, with no HTML and no link syntax."""
    if isinstance(value, Markup) or value is None:
        return value
    return sinks.markdown_line(value)


def _markup(encode: Callable[[object], str]) -> Callable[[object], Markup]:
    def filtered(value: object) -> Markup:
        return Markup(encode(value))

    return filtered


def _translator(lang: Lang, *, markdown: bool = False) -> Callable[..., str]:
    """The templates' own texts; for Markdown, the values put into them are encoded first and the
    result is marked as Markdown already (HTML escapes translated texts like any other)."""

    def translate(key: str, **values: object) -> str:
        if not markdown:
            return t(key, lang, **values)
        encoded = {k: sinks.markdown_line(v) if isinstance(v, str) else v for k, v in values.items()}
        return Markup(t(key, lang, **encoded))

    return translate


def pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def state_list(counts: dict[str, int], labels: dict[str, str]) -> str:
    """ "기한 초과 3 · 장기 미보고 44": the states present, with their labels; "—" when none."""
    shown = [f"{labels.get(state, state)} {count}" for state, count in counts.items() if count]
    return " · ".join(shown) or "—"


def one_line(value: object) -> Markup:
    """Text inside one Markdown list item: line breaks folded, so it cannot start another item; no
    HTML, no link syntax."""
    if isinstance(value, Markup):  # Markdown already (a template's own text)
        return Markup(sinks.markdown_fold(value))
    return Markup("" if value is None else sinks.markdown_line(value))


def md_cell(value: object) -> Markup:
    """A Markdown table cell: pipes escaped, line breaks folded, no HTML, no link syntax."""
    if isinstance(value, Markup):  # Markdown already (a template's own text)
        return Markup(sinks.markdown_fold(value).replace("|", "\\|"))
    return Markup("" if value is None else sinks.markdown_cell(value))


def local(instant: datetime | None, tz: ZoneInfo, seconds: bool = False) -> str:
    if instant is None:
        return ""
    return instant.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
