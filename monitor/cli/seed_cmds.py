"""`monitor init`, `monitor seed`, `monitor validate`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from monitor.cli.context import AppContext
from monitor.cli.output import format_option, print_json
from monitor.errors import SeedError
from monitor.i18n import MESSAGES, amount, finding_label, t

if TYPE_CHECKING:
    from monitor.seeds import SeedResult
    from monitor.seeds.consistency import Finding
    from monitor.seeds.validate import SeedBundle
    from monitor.vocab import Lang

pass_app = click.make_pass_decorator(AppContext)
PATHS = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))


def finding_message(finding: Finding, lang: Lang) -> str:
    column = (
        t(f"field.{finding.column}", lang) if f"field.{finding.column}" in MESSAGES else finding.column or ""
    )
    return t(
        f"finding.{finding.rule}",
        lang,
        records=", ".join(finding.records[:1]),
        column=column,
        published=_figure(finding.published),
        computed=_figure(finding.computed),
        difference=_figure(finding.difference) if finding.difference else "",
    )


def _figure(text: str | None) -> str:
    try:
        return amount(text)
    except ArithmeticError:
        return text or ""


def finding_json(finding: Finding, lang: Lang) -> dict[str, object]:
    return {
        "rule": finding.rule,
        "records": list(finding.records),
        "column": finding.column,
        "published": finding.published,
        "computed": finding.computed,
        "difference": finding.difference,
        "source": finding.source,
        "seed_file": finding.seed_file,
        "message": finding_message(finding, lang),
    }


def _counts(bundle: SeedBundle) -> dict[str, int]:
    from monitor.seeds.expand import all_milestones

    commitments = list(bundle.commitments())
    milestones = sum(len(all_milestones(r, d.model.budget_columns)) for d, r in commitments)
    return {"files": len(bundle.documents), "commitments": len(commitments), "milestones": milestones}


def _kind(kind: str, lang: Lang) -> str:
    """What a seed load counts, by name (공약, 마일스톤 …); a kind without a name as it is."""
    key = f"seed.kind.{kind}"
    return t(key, lang) if key in MESSAGES else kind


def _report_load(app: AppContext, result: SeedResult) -> None:
    summary = result.summary
    lang = app.lang
    parts = [f"+{n} {_kind(kind, lang)}" for kind, n in sorted(summary.created.items())]
    parts += [f"~{n} {_kind(kind, lang)}" for kind, n in sorted(summary.updated.items())]
    parts += [
        f"-{n} {_kind(kind, lang)} {t('seed.retired', lang)}" for kind, n in sorted(summary.retired.items())
    ]
    changes = ", ".join(parts) if parts else t("summary.none", app.lang)
    click.echo(t("summary.loaded", app.lang, changes=changes, **_counts(result.bundle)))
    if result.findings:
        click.echo(t("summary.findings", app.lang, count=len(result.findings)))


def _seed_paths(app: AppContext, paths: tuple[Path, ...]) -> list[Path]:
    return list(paths) or [app.settings.seeds_dir]


@contextmanager
def _unreadable_said(app: AppContext) -> Iterator[None]:
    """A missing or empty seed path ends the command with one line in the output language (`오류:`, or
    `error:` with `--lang en`), before anything is written."""
    from monitor.seeds.bundle import SeedsUnreadable

    try:
        yield
    except SeedsUnreadable as exc:
        prefix = "오류" if app.lang == "ko" else "error"
        click.echo(f"{prefix}: {exc.localized(app.lang)}", err=True)
        raise SystemExit(exc.exit_code) from None


def _checked(app: AppContext, paths: tuple[Path, ...]) -> tuple[SeedBundle, list[Finding]]:
    """Read and validate the seeds before any database work: a seeds problem leaves nothing behind."""
    from monitor.seeds import validate_seeds

    with _unreadable_said(app):
        return validate_seeds(_seed_paths(app, paths))


def _checked_json(app: AppContext, paths: tuple[Path, ...]) -> tuple[SeedBundle, list[Finding]]:
    """`_checked` for `validate --format json`: problems are printed as the JSON document."""
    from monitor.seeds import validate_seeds
    from monitor.seeds.bundle import SeedsUnreadable

    try:
        return validate_seeds(_seed_paths(app, paths))
    except (SeedError, SeedsUnreadable) as exc:
        print_json({"problems": exc.problems if isinstance(exc, SeedError) else [str(exc)], "findings": []})
        raise SystemExit(exc.exit_code) from None


@click.command()
@click.option(
    "--seeds",
    "seeds",
    type=click.Path(path_type=Path),
    help="Seed folder or file (default: seeds_dir setting).",
)
@click.option("--no-seed", is_flag=True, help="Only create or upgrade the database schema.")
@pass_app
def init(app: AppContext, seeds: Path | None, no_seed: bool) -> None:
    """Create or upgrade the database, then load the seeds.

    Safe to run again: the schema is only upgraded (data is kept) and reloading unchanged seeds changes
    nothing.
    """
    from monitor.db import migrate  # Alembic: only for the commands that migrate
    from monitor.seeds import store_seeds

    checked = None if no_seed else _checked(app, (seeds,) if seeds else ())
    _before, after = migrate.upgrade(app.engine)
    click.echo(t("summary.database", app.lang, url=app.database_label(), revision=after))
    if checked is not None:
        _report_load(app, store_seeds(app.sessions, *checked, app.settings.tz, app.now()))


@click.command()
@PATHS
@pass_app
def seed(app: AppContext, paths: tuple[Path, ...]) -> None:
    """Validate and load seed files (default: the seeds_dir setting) into the database.

    Records are matched by code: edited records are updated in place and keep their progress reports;
    records removed from the files are retired, not deleted. On any schema problem nothing is written.
    """
    from monitor.seeds import store_seeds

    checked = _checked(app, paths)
    _report_load(app, store_seeds(app.require_schema(), *checked, app.settings.tz, app.now()))


@click.command()
@PATHS
@format_option("table", "json")
@click.option("--strict", is_flag=True, help="Exit with status 1 when there are consistency findings.")
@pass_app
def validate(app: AppContext, paths: tuple[Path, ...], fmt: str, strict: bool) -> None:
    """Check seed files without touching the database.

    Schema problems (missing field, bad date, duplicate code, unknown parent or unit, a figure not on its
    cited line) are printed as file:line and exit with status 1. Consistency findings — published
    figures that do not add up, one fact stated twice differently — are reported but are not errors.
    """
    bundle, findings = _checked(app, paths) if fmt != "json" else _checked_json(app, paths)
    if fmt == "json":
        print_json(
            {**_counts(bundle), "problems": [], "findings": [finding_json(f, app.lang) for f in findings]}
        )
    else:
        click.echo(t("summary.valid", app.lang, **_counts(bundle)))
        if findings:
            click.echo(f"\n{t('heading.findings', app.lang)} ({len(findings)})")
        for finding in findings:
            records = ", ".join(finding.records[:4]) + (
                f" … ({len(finding.records)})" if len(finding.records) > 4 else ""
            )
            click.echo(
                f"- [{finding_label(finding.rule, app.lang)}] {finding.source}\n"
                f"  {finding_message(finding, app.lang)}\n"
                f"  {t('col.records', app.lang)}: {records}"
            )
    if strict and findings:
        raise SystemExit(1)


def register(group: click.Group) -> None:
    for command in (init, seed, validate):
        group.add_command(command)
