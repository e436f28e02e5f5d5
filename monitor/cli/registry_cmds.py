"""`monitor list` and `monitor show`: browse the registry."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import click

from monitor.cli.context import AppContext
from monitor.cli.output import Col, Tables, format_option, print_csv, print_json, wide_option
from monitor.i18n import t
from monitor.sinks import terminal_text
from monitor.timeutil import start_of_day
from monitor.vocab import CommitmentKind, Lang, MilestoneKind

pass_app = click.make_pass_decorator(AppContext)

LIST_COLUMNS = (
    "code",
    "commitment_code",
    "jurisdiction",
    "parties",
    "title",
    "commitment_title",
    "category",
    "kind",
    "due",
    "due_date",
    "target",
    "target_max",
    "unit",
    "cumulative",
    "baseline",
    "planned_amount",
    "fiscal_years",
    "funding_source",
    "starts_at",
    "ends_at",
    "cadence",
    "source",
    "retired",
)


@click.command(name="list")
@click.option(
    "--jurisdiction", metavar="SLUG", help="Only milestones of commitments this jurisdiction is party to."
)
@click.option(
    "--kind", type=click.Choice([k.value for k in MilestoneKind]), help="Only milestones of this kind."
)
@click.option(
    "--due-before",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="DATE",
    help="Only milestones due by the start of DATE (YYYY-MM-DD, configured time zone).",
)
@click.option("--include-retired", is_flag=True, help="Also list milestones removed from the seeds.")
@format_option("table", "json", "csv")
@wide_option
@pass_app
def list_command(
    app: AppContext,
    jurisdiction: str | None,
    kind: str | None,
    due_before: Any,
    include_retired: bool,
    fmt: str,
    wide: bool,
) -> None:
    """List milestones in due order. JSON fields are documented in the README."""
    from monitor import snapshot
    from monitor.registry import MilestoneFilter, list_milestones

    before = _start_of(due_before.date(), app) if due_before is not None else None
    filters = MilestoneFilter(
        jurisdiction=jurisdiction,
        kind=MilestoneKind(kind) if kind else None,
        due_before=before,
        include_retired=include_retired,
    )
    with app.require_schema()() as session:
        rows = list_milestones(session, filters, app.settings.tz)
        places = snapshot.places(session)
    if fmt == "json":
        print_json(rows)
    elif fmt == "csv":
        print_csv(rows, LIST_COLUMNS)
    elif not rows:
        click.echo(t("summary.no_rows", app.lang))
    else:
        _print_milestones(Tables(app, wide, places), rows)


# a milestone table's columns, and which a narrow terminal gives up first (the highest `keep`)
MILESTONE_COLS = (
    ("col.code", 0),
    ("col.title", 0),
    ("col.commitment", 4),
    ("col.jurisdiction", 3),
    ("col.kind", 5),
    ("col.due", 1),
    ("col.target", 2),
    ("col.source", 6),
)


def _print_milestones(
    view: Tables, rows: list[dict[str, Any]], title: str | None = None, with_commitment: bool = True
) -> None:
    """Narrow terminals keep code, title, due and target; the source and kind go first (`--wide`: all)."""
    from monitor.display import listed_due, target_text

    lang = view.lang
    cols = [
        Col(t(key, lang), keep=keep, code=key in ("col.code", "col.source")) for key, keep in MILESTONE_COLS
    ]
    table = [
        [
            r["code"],
            r["title"],
            r["commitment_title"],
            view.parties(r["parties"]),
            MilestoneKind(r["kind"]).label(lang),
            listed_due(r),
            target_text(r, lang),
            r["source"],
        ]
        for r in rows
    ]
    if not with_commitment:  # inside `show`, the commitment and its parties are already on screen
        cols, table = cols[:2] + cols[4:], [row[:2] + row[4:] for row in table]
    view.table(table, cols, title=title)


@click.command()
@click.argument("code")
@format_option("table", "json")
@wide_option
@pass_app
def show(app: AppContext, code: str, fmt: str, wide: bool) -> None:
    """Show one commitment (with its milestones, status history, progress and source text) or milestone."""
    from monitor import snapshot
    from monitor.db import models as m
    from monitor.registry import commitment_detail, find_code, milestone_detail

    tz = app.settings.tz
    with app.require_schema()() as session:
        found = find_code(session, code)
        detail = (
            commitment_detail(session, found, tz)
            if isinstance(found, m.Commitment)
            else milestone_detail(found, tz)
        )
        places = snapshot.places(session)
    if fmt == "json":
        print_json(detail)
    elif "commitment_code" in detail:
        _print_milestone_detail(Tables(app, wide, places), detail)
    else:
        _print_commitment_detail(Tables(app, wide, places), detail)


def _line(app: AppContext, *parts: str | tuple[str, str]) -> None:
    """One line of text and (text, style) parts, printed as text, never as markup, terminal-safe (an
    ESC or a bidi override from a note is shown, not executed)."""
    from rich.text import Text

    safe = [(terminal_text(p[0]), p[1]) if isinstance(p, tuple) else terminal_text(p) for p in parts]
    app.console.print(Text.assemble(*safe))


def _field_lines(app: AppContext, pairs: list[tuple[str, Any]]) -> None:
    for key, value in pairs:
        if value not in (None, "", []):
            _line(app, (t(key, app.lang), "bold"), ": ", str(value))


def _heading(app: AppContext, code: str, title: str) -> None:
    _line(app, (code, "bold"), "  ", title)


def _source_text(app: AppContext, text: str) -> None:
    _line(app, (t("heading.source_text", app.lang), "bold"), "\n", text)


def _start_of(day: date, app: AppContext) -> datetime:
    """`--due-before`: the start of DATE in the configured zone, the date within the documented range."""
    from monitor.errors import BadValueError
    from monitor.limits import OutOfRange, check_day

    try:
        return start_of_day(check_day(day), app.settings.tz)
    except OutOfRange as exc:
        raise BadValueError(f"--due-before: {exc}", ko=f"--due-before: {exc.ko}") from None


def _print_commitment_detail(view: Tables, d: dict[str, Any]) -> None:
    from monitor.display import pledger_text

    app, lang = view.app, view.lang
    _heading(app, d["code"], d["title"])
    period = d["period"]
    _field_lines(
        app,
        [
            ("col.description", d["description"]),
            ("col.kind", CommitmentKind(d["kind"]).label(lang)),
            ("col.category", d["category"]),
            ("col.parties", view.parties(d["parties"])),
            ("col.pledgers", "; ".join(pledger_text(p, lang) for p in d["pledgers"])),
            ("col.department", d["department"]),
            ("col.period", f"{period['start'] or ''} ~ {period['end'] or ''}"),
            ("col.parent", d["parent"]),
            ("col.source", d["source"]),
        ],
    )
    _print_status_history(view, d["status_history"])
    if d["children"]:
        view.table(
            [(c["code"], c["title"], CommitmentKind(c["kind"]).label(lang)) for c in d["children"]],
            [
                Col(t("col.code", lang), code=True),
                Col(t("col.title", lang)),
                Col(t("col.kind", lang), keep=1),
            ],
            title=t("heading.children", lang),
        )
    if d["milestones"]:
        _print_milestones(view, d["milestones"], title=t("heading.milestones", lang), with_commitment=False)
    _print_reports(view, d["progress"], _units(d["milestones"]))
    _source_text(app, d["source_text"])


def _print_reports(view: Tables, reports: list[dict[str, Any]], units: dict[str | None, str]) -> None:
    """Every progress report with its figures and their units (value, secured, executed, status)."""
    from monitor.display import report_figures

    if not reports:
        return
    lang = view.lang
    rows = [
        (
            r["milestone"] or "",
            r["as_of"],
            report_figures(r, units.get(r["milestone"], ""), lang),
            r["reporter"],
            r["note"] or "",
            " ".join(r["evidence"]),
        )
        for r in reports
    ]
    cols = [Col(t("col.code", lang), code=True), Col(t("col.as_of", lang)), Col(t("col.value", lang))]
    cols += [Col(t("col.reporter", lang), keep=2), Col(t("col.note", lang)), _evidence(lang, into=4)]
    view.table(rows, cols, title=t("heading.progress", lang))


def _evidence(lang: Lang, into: int) -> Col:
    """Links can be wider than a narrow terminal: then they go under the note."""
    return Col(t("col.evidence", lang), keep=1, into=into)


def _units(milestones: list[dict[str, Any]]) -> dict[str | None, str]:
    return {ms["code"]: ms["unit"] or "" for ms in milestones}


def _print_status_history(view: Tables, history: list[dict[str, Any]]) -> None:
    lang = view.lang
    if not history:
        _line(view.app, (t("col.status", lang), "bold"), ": ", t("status.unreported", lang))
        return
    rows = [
        (s["as_of"], s["label_" + lang], s["reporter"] or "", s["note"] or "", " ".join(s["evidence"] or []))
        for s in history
    ]
    cols = [Col(t("col.as_of", lang), code=True), Col(t("col.status", lang))]
    cols += [Col(t("col.reporter", lang), keep=2), Col(t("col.note", lang)), _evidence(lang, into=3)]
    view.table(rows, cols, title=t("heading.status_history", lang))


def _print_milestone_detail(view: Tables, d: dict[str, Any]) -> None:
    from monitor.display import iso_minute, listed_due, target_text

    app, lang = view.app, view.lang
    _heading(app, d["code"], d["title"])
    _field_lines(
        app,
        [
            ("col.commitment", f"{d['commitment_code']} {d['commitment_title']}"),
            ("col.kind", MilestoneKind(d["kind"]).label(lang)),
            ("col.due", listed_due(d)),
            ("col.target", target_text(d, lang)),
            ("col.parties", view.parties(d["parties"])),
            ("col.source", d["source"]),
        ],
    )
    _print_reports(view, d["progress"], _units([d]))
    for revision in d["revisions"]:
        changes = ", ".join(f"{field} {old} → {new}" for field, (old, new) in revision["changes"].items())
        _line(app, f"{t('heading.revisions', lang)} {iso_minute(revision['changed_at'])}: {changes}")
    _source_text(app, d["source_text"])


def register(group: click.Group) -> None:
    group.add_command(list_command)
    group.add_command(show)
