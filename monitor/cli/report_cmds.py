"""`monitor report KIND`: reports people read (digest, status, budget, card) and the Atom feed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from monitor.cli.context import AppContext
from monitor.errors import InputError
from monitor.files import write_atomically
from monitor.i18n import t

pass_app = click.make_pass_decorator(AppContext)
# monitor.reports.FORMATS, written out: importing monitor.reports loads Jinja2, which `--help` must not
# (tests/test_cli_imports.py checks that the two agree).
FORMATS = ("md", "html", "csv", "json")
F = TypeVar("F", bound=Callable[..., Any])


def common_options(with_format: bool = True) -> Callable[[F], F]:
    def decorate(command: F) -> F:
        options = [
            click.option(
                "--as-of", "as_of", metavar="INSTANT", help="As known at this instant (default: now)."
            ),
            click.option(
                "--out",
                type=click.Path(path_type=Path, dir_okay=False),
                help="Write to this file (folders are created; replaced atomically) instead of stdout.",
            ),
        ]
        if with_format:
            options.append(
                click.option(
                    "--format",
                    "fmt",
                    type=click.Choice(FORMATS),
                    default="md",
                    show_default=True,
                    help="md: Markdown tables; html: one self-contained page; csv: the main table; "
                    "json: everything.",
                )
            )
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


jurisdiction_option = click.option(
    "--jurisdiction", metavar="SLUG", help="Only this jurisdiction (an agreement counts for every party)."
)


@click.group()
def report() -> None:
    """Reports as Markdown, HTML, CSV or JSON (the feed: Atom), as known at an instant (--as-of)."""


def _emit(app: AppContext, data: bytes, out: Path | None) -> None:
    if out is None:
        click.echo(data, nl=False)
        return
    write_atomically(out, data)
    click.echo(t("report.written", app.lang, path=out), err=True)


def _run(app: AppContext, kind: str, fmt: str, as_of: str | None, out: Path | None, **options: Any) -> None:
    from monitor.reports import render_report  # Jinja2: only when a report is rendered

    instant = app.instant(as_of)
    with app.require_schema()() as session:
        data = render_report(
            session,
            kind,
            fmt,
            as_of=instant,
            tz=app.settings.tz,
            lang=app.lang,
            config=app.rule_config(),
            **options,
        )
    _emit(app, data, out)


@report.command()
@jurisdiction_option
@click.option("--since", metavar="INSTANT", help="The previous digest (default: --as-of minus 7 days).")
@click.option(
    "--days",
    type=click.IntRange(min=0, max=3650),
    default=30,
    show_default=True,
    help="Look-ahead for deadlines.",
)
@common_options()
@pass_app
def digest(
    app: AppContext,
    jurisdiction: str | None,
    since: str | None,
    days: int,
    as_of: str | None,
    out: Path | None,
    fmt: str,
) -> None:
    """Overdue (new and ongoing), resolved since the previous digest, due soon, recent progress."""
    start = app.instant(since) if since is not None else None
    _run(app, "digest", fmt, as_of, out, jurisdiction=jurisdiction, since=start, days=days)


@report.command()
@jurisdiction_option
@common_options()
@pass_app
def status(app: AppContext, jurisdiction: str | None, as_of: str | None, out: Path | None, fmt: str) -> None:
    """The evaluation table: official statuses, 완료율, 목표달성도, overdue and at-risk pledges."""
    _run(app, "status", fmt, as_of, out, jurisdiction=jurisdiction)


@report.command()
@jurisdiction_option
@common_options()
@pass_app
def budget(app: AppContext, jurisdiction: str | None, as_of: str | None, out: Path | None, fmt: str) -> None:
    """Planned vs secured vs executed per line and year, 재정확보율, 집행률, the table's findings."""
    _run(app, "budget", fmt, as_of, out, jurisdiction=jurisdiction)


@report.command()
@click.argument("code")
@common_options()
@pass_app
def card(app: AppContext, code: str, as_of: str | None, out: Path | None, fmt: str) -> None:
    """One commitment's 공약관리카드: milestones, every report and status change, revisions, states."""
    _run(app, "card", fmt, as_of, out, code=code)


@report.command()
@jurisdiction_option
@common_options(with_format=False)
@click.option(
    "--format", "fmt", default="atom", show_default=True, help="Always Atom; nothing else is accepted."
)
@pass_app
def feed(app: AppContext, jurisdiction: str | None, as_of: str | None, out: Path | None, fmt: str) -> None:
    """An Atom feed of official status changes, progress reports and alert transitions (always Atom)."""
    if fmt != "atom":
        raise InputError(
            f"the feed is always Atom; --format {fmt} is not available",
            ko=f"피드는 언제나 Atom 형식입니다: --format {fmt}은(는) 쓸 수 없습니다",
        )
    from monitor.feed import atom_feed  # lazy: feedgen is loaded only when a feed is asked for

    instant = app.instant(as_of)
    with app.require_schema()() as session:
        data = atom_feed(session, as_of=instant, tz=app.settings.tz, lang=app.lang, jurisdiction=jurisdiction)
    _emit(app, data, out)


def register(group: click.Group) -> None:
    group.add_command(report)
