"""`monitor list` and `monitor show`: browse the registry."""

from __future__ import annotations

from typing import Any

import click

from monitor.cli.context import AppContext
from monitor.cli.output import format_option, print_csv, print_json, print_table
from monitor.i18n import amount, t
from monitor.timeutil import start_of_day
from monitor.vocab import CommitmentKind, Lang, MilestoneKind, MilestoneStatus

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


def target_text(row: dict[str, Any]) -> str:
    """What a milestone asks for, for people: 5,000 호 / 565 백만원 / 30~35 만원 매월."""
    if row["kind"] == "budget":
        return f"{amount(row['planned_amount'])} 백만원"
    if row["target"] is None:
        return (row["unit"] and f"({row['unit']})") or ""
    value = amount(row["target"]) + (f"~{amount(row['target_max'])}" if row["target_max"] else "")
    cadence = f" / {row['cadence']}" if row["cadence"] else ""
    return f"{value} {row['unit'] or ''}{cadence}".strip()


def _due_text(row: dict[str, Any]) -> str:
    """The deadline as published: the day, or an event's window in the configured zone (the rows
    carry local ISO times)."""
    if row["kind"] == "event" and row["starts_at"]:
        return f"{row['starts_at'][:16].replace('T', ' ')}–{row['ends_at'][11:16]}"
    return str(row["due_date"] or "")


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
@pass_app
def list_command(
    app: AppContext,
    jurisdiction: str | None,
    kind: str | None,
    due_before: Any,
    include_retired: bool,
    fmt: str,
) -> None:
    """List milestones in due order. JSON fields are documented in the README."""
    from monitor.registry import MilestoneFilter, list_milestones

    before = start_of_day(due_before.date(), app.settings.tz) if due_before is not None else None
    filters = MilestoneFilter(
        jurisdiction=jurisdiction,
        kind=MilestoneKind(kind) if kind else None,
        due_before=before,
        include_retired=include_retired,
    )
    with app.require_schema()() as session:
        rows = list_milestones(session, filters, app.settings.tz)
    if fmt == "json":
        print_json(rows)
    elif fmt == "csv":
        print_csv(rows, LIST_COLUMNS)
    elif not rows:
        click.echo(t("summary.no_rows", app.lang))
    else:
        _print_milestones(app, rows)


def _print_milestones(
    app: AppContext, rows: list[dict[str, Any]], title: str | None = None, with_commitment: bool = True
) -> None:
    lang = app.lang
    keys = [
        "col.code",
        "col.title",
        "col.commitment",
        "col.jurisdiction",
        "col.kind",
        "col.due",
        "col.target",
        "col.source",
    ]
    table = [
        [
            r["code"],
            r["title"],
            r["commitment_title"],
            ", ".join(r["parties"]),
            MilestoneKind(r["kind"]).label(lang),
            _due_text(r),
            target_text(r),
            r["source"],
        ]
        for r in rows
    ]
    if not with_commitment:  # inside `show`, the commitment and its parties are already on screen
        keys, table = keys[:2] + keys[4:], [row[:2] + row[4:] for row in table]
    print_table(app.console, table, [t(k, lang) for k in keys], title=title)


@click.command()
@click.argument("code")
@format_option("table", "json")
@pass_app
def show(app: AppContext, code: str, fmt: str) -> None:
    """Show one commitment (with its milestones, status history, progress and source text) or milestone."""
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
    if fmt == "json":
        print_json(detail)
    elif "commitment_code" in detail:
        _print_milestone_detail(app, detail)
    else:
        _print_commitment_detail(app, detail)


def _line(app: AppContext, *parts: str | tuple[str, str]) -> None:
    """One line of text and (text, style) parts, printed as text, never as markup."""
    from rich.text import Text

    app.console.print(Text.assemble(*parts))


def _field_lines(app: AppContext, pairs: list[tuple[str, Any]]) -> None:
    for key, value in pairs:
        if value not in (None, "", []):
            _line(app, (t(key, app.lang), "bold"), ": ", str(value))


def _heading(app: AppContext, code: str, title: str) -> None:
    _line(app, (code, "bold"), "  ", title)


def _source_text(app: AppContext, text: str) -> None:
    _line(app, (t("heading.source_text", app.lang), "bold"), "\n", text)


def _print_commitment_detail(app: AppContext, d: dict[str, Any]) -> None:
    lang: Lang = app.lang
    _heading(app, d["code"], d["title"])
    period = d["period"]
    _field_lines(
        app,
        [
            ("col.description", d["description"]),
            ("col.kind", CommitmentKind(d["kind"]).label(lang)),
            ("col.category", d["category"]),
            ("col.parties", ", ".join(d["parties"])),
            ("col.department", d["department"]),
            ("col.period", f"{period['start'] or ''} ~ {period['end'] or ''}"),
            ("col.parent", d["parent"]),
            ("col.source", d["source"]),
        ],
    )
    _print_status_history(app, d["status_history"])
    if d["children"]:
        print_table(
            app.console,
            [(c["code"], c["title"], CommitmentKind(c["kind"]).label(lang)) for c in d["children"]],
            [t("col.code", lang), t("col.title", lang), t("col.kind", lang)],
            title=t("heading.children", lang),
        )
    if d["milestones"]:
        _print_milestones(app, d["milestones"], title=t("heading.milestones", lang), with_commitment=False)
    _print_reports(app, d["progress"], _units(d["milestones"]))
    _source_text(app, d["source_text"])


def _print_reports(app: AppContext, reports: list[dict[str, Any]], units: dict[str | None, str]) -> None:
    """Every progress report with its figures and their units (value, secured, executed, status)."""
    if not reports:
        return
    lang = app.lang
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
    headers = [
        t(k, lang) for k in ("col.code", "col.as_of", "col.value", "col.reporter", "col.note", "col.evidence")
    ]
    print_table(app.console, rows, headers, title=t("heading.progress", lang))


def report_figures(r: dict[str, Any], unit: str, lang: Lang) -> str:
    """ "집행 480백만원 · 확보 515백만원" / "4,500호" / "완료": what one report says, with units."""
    parts = [f"{amount(r['value'])}{unit}"] if r["value"] is not None else []
    for key, label in (("executed_amount", "shown.executed"), ("secured_amount", "shown.secured")):
        if r[key] is not None:
            parts.append(f"{t(label, lang)} {amount(r[key])}{unit or '백만원'}")
    if r["status"]:
        parts.append(MilestoneStatus(r["status"]).label(lang))
    return " · ".join(parts)


def _units(milestones: list[dict[str, Any]]) -> dict[str | None, str]:
    return {ms["code"]: ms["unit"] or "" for ms in milestones}


def _print_status_history(app: AppContext, history: list[dict[str, Any]]) -> None:
    lang = app.lang
    if not history:
        _line(app, (t("col.status", lang), "bold"), ": ", t("status.unreported", lang))
        return
    rows = [
        (s["as_of"], s["label_" + lang], s["reporter"] or "", s["note"] or "", " ".join(s["evidence"] or []))
        for s in history
    ]
    headers = [t(k, lang) for k in ("col.as_of", "col.status", "col.reporter", "col.note", "col.evidence")]
    print_table(app.console, rows, headers, title=t("heading.status_history", lang))


def _print_milestone_detail(app: AppContext, d: dict[str, Any]) -> None:
    lang = app.lang
    _heading(app, d["code"], d["title"])
    _field_lines(
        app,
        [
            ("col.commitment", f"{d['commitment_code']} {d['commitment_title']}"),
            ("col.kind", MilestoneKind(d["kind"]).label(lang)),
            ("col.due", _due_text(d)),
            ("col.target", target_text(d)),
            ("col.parties", ", ".join(d["parties"])),
            ("col.source", d["source"]),
        ],
    )
    _print_reports(app, d["progress"], _units([d]))
    for revision in d["revisions"]:
        changes = ", ".join(f"{field} {old} → {new}" for field, (old, new) in revision["changes"].items())
        _line(
            app, f"{t('heading.revisions', lang)} {revision['changed_at'][:16].replace('T', ' ')}: {changes}"
        )
    _source_text(app, d["source_text"])


def register(group: click.Group) -> None:
    group.add_command(list_command)
    group.add_command(show)
