"""The `monitor` command line: a thin layer over the library (settings, seeds, registry).

Every command and option has `--help`. User mistakes end with a one-line `error:` message and a
non-zero exit code, never a stack trace.

Importing this package builds the whole command tree but none of the stacks behind it: the command
modules import SQLAlchemy, pydantic, rich, Alembic, the daemon, Telegram, matplotlib, Jinja2 … inside the
commands that use them, so `monitor --help` and `monitor check` load only what they need. Keep it so:
tests/test_cli_imports.py fails when a heavy package is imported at start-up.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from monitor.cli.context import AppContext
from monitor.errors import MonitorError, SeedError


class MonitorGroup(click.Group):
    """Turns `MonitorError`s and unreachable databases into one-line messages with an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SeedError as exc:
            for problem in exc.problems:
                click.echo(f"error: {problem}", err=True)
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except MonitorError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except Exception as exc:
            if not _is_operational_error(exc):
                raise
            app = ctx.find_object(AppContext)
            where = app.database_label() if app else "database"
            orig = getattr(exc, "orig", None)
            reason = str(orig).strip().splitlines()[0] if orig else "connection failed"
            click.echo(f"error: cannot use {where}: {reason} (check MONITOR_DATABASE_URL)", err=True)
            ctx.exit(1)


def _is_operational_error(exc: BaseException) -> bool:
    """Whether `exc` is SQLAlchemy's OperationalError (an unreachable or unusable database), without
    importing SQLAlchemy: a command that never loaded it cannot have raised it."""
    errors = sys.modules.get("sqlalchemy.exc")
    return errors is not None and isinstance(exc, errors.OperationalError)


@click.group(
    cls=MonitorGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="TOML configuration file (default: $MONITOR_CONFIG; see config/monitor.example.toml).",
)
@click.option(
    "--lang", type=click.Choice(["ko", "en"]), help="Language of the output (default: the language setting)."
)
@click.option("-v", "--verbose", count=True, help="Log more (-v info, -vv debug).")
@click.version_option(package_name="pledge-monitor")
@click.pass_context
def cli(ctx: click.Context, config_file: Path | None, lang: str | None, verbose: int) -> None:
    """공약 이행 모니터 — pledge implementation monitor.

    Stores the milestone targets of public pledges, lets officials log progress and reports what is
    overdue, due soon or inconsistent. Configuration comes from MONITOR_* environment variables, a .env
    file and an optional TOML file; see the README.
    """
    ctx.obj = AppContext(config_file=config_file, lang=lang, verbose=verbose)  # type: ignore[arg-type]


# Commands live in one module per area; importing them here builds the command tree.
from monitor.cli import (  # noqa: E402
    engine_cmds,
    export_cmds,
    history_cmds,
    metrics_cmds,
    progress_cmds,
    registry_cmds,
    report_cmds,
    seed_cmds,
    silence_cmds,
    telegram_cmds,
)

for module in (
    seed_cmds,
    registry_cmds,
    engine_cmds,
    progress_cmds,
    silence_cmds,
    history_cmds,
    metrics_cmds,
    export_cmds,
    report_cmds,
    telegram_cmds,
):
    module.register(cli)


def main() -> None:
    cli(prog_name="monitor")
