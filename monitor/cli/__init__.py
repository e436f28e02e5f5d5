"""The `monitor` command line: a thin layer over the library (settings, seeds, registry).

Every command and option has `--help`. User mistakes end with a one-line message (`오류:`, or `error:`
with `--lang en`) and a non-zero exit code, never a stack trace (monitor/cli/errors.py).

Importing this package builds the whole command tree but none of the stacks behind it: the command
modules import SQLAlchemy, pydantic, rich, Alembic, the daemon, Telegram, matplotlib, Jinja2 … inside the
commands that use them, so `monitor --help` and `monitor check` load only what they need. Keep it so:
tests/test_cli_imports.py fails when a heavy package is imported at start-up.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from monitor.cli.context import AppContext
from monitor.cli.errors import Failed, report
from monitor.cli.help_ko import help_language, localize


class MonitorGroup(click.Group):
    """Ends every user mistake with a one-line message and an exit code (monitor/cli/errors.py), never a
    stack trace: click's own usage errors included, in the user's language."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.exceptions.Exit:
            raise
        except (Exception, KeyboardInterrupt) as exc:
            if isinstance(exc, BrokenPipeError):  # `monitor list | head`: click ends quietly
                raise
            raise Failed(exc, ctx.find_object(AppContext)) from exc

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        localize(self, help_language(argv))  # help texts in the user's language (Korean by default)
        try:
            result = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        except Failed as failed:
            error, app = failed.error, failed.app
        except (Exception, KeyboardInterrupt) as exc:
            error, app = exc, None
        else:
            if not standalone_mode:
                return result
            sys.exit(result if isinstance(result, int) else 0)
        code = report(error, argv, app) if standalone_mode else None
        if code is None:
            raise error
        sys.exit(code)


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
__import__("monitor.cli.pledger_cmds", fromlist=["register"]).register(cli)  # whose promise (공약 주체)
__import__("monitor.cli.status_cmds", fromlist=["register"]).register(cli)  # the operator's view


def main() -> None:
    cli(prog_name="monitor")
