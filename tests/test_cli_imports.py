"""Start-up of the command line: which packages it imports, not how long it takes.

Timings are noisy on shared machines; the import graph is not. Each case runs in a fresh interpreter,
so nothing a previous test imported can hide an eager import. The commands import their stacks (the
daemon, Telegram, matplotlib, Jinja2, Alembic …) only when they run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.factories import SEEDS, run_cli

# Never needed to start the CLI, show help, or run `monitor check`.
HEAVY = {"telegram", "matplotlib", "jinja2", "apscheduler", "alembic", "openpyxl", "feedgen"}
# Nor, for `monitor --help` (≤ 0.3 s in all), the database, settings and rendering libraries.
START_UP = HEAVY | {"sqlalchemy", "pydantic", "pydantic_settings", "rich", "yaml"}

PROBE = """
import json, sys
from click.testing import CliRunner
from monitor.cli import cli
out, runs = sys.argv[1], json.loads(sys.argv[2])
exits = [CliRunner().invoke(cli, args, prog_name="monitor").exit_code for args in runs]
with open(out, "w") as f:
    json.dump({"exits": exits, "modules": sorted(sys.modules)}, f)
"""


def _imported(tmp_path: Path, *runs: list[str], db_url: str | None = None) -> set[str]:
    """Top-level packages imported by a fresh interpreter after `import monitor.cli` and then running
    each argument list through the command group (none: the import alone). Every run must succeed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    env |= {"HOME": str(tmp_path), "MONITOR_SEEDS_DIR": str(SEEDS)}
    if db_url is not None:
        env["MONITOR_DATABASE_URL"] = db_url
    out = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(out), json.dumps(runs)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(out.read_text(encoding="utf-8"))
    assert found["exits"] == [0] * len(runs)
    return {name.partition(".")[0] for name in found["modules"]}


def test_importing_the_cli_imports_no_heavy_package(tmp_path: Path) -> None:
    assert _imported(tmp_path) & START_UP == set()


def test_help_imports_no_heavy_package(tmp_path: Path) -> None:
    assert _imported(tmp_path, ["--help"]) & START_UP == set()


def test_check_help_imports_no_heavy_package(tmp_path: Path) -> None:
    assert _imported(tmp_path, ["check", "--help"]) & HEAVY == set()


def _help_runs() -> list[list[str]]:
    from monitor.cli import cli

    runs = []
    for name, command in sorted(cli.commands.items()):
        runs.append([name, "--help"])
        for sub in sorted(getattr(command, "commands", {})):
            runs.append([name, sub, "--help"])
    return runs


def test_no_help_text_imports_a_heavy_package(tmp_path: Path) -> None:
    runs = _help_runs()
    assert len(runs) > 20  # every command and subcommand
    assert _imported(tmp_path, *runs) & HEAVY == set()


def test_check_of_one_jurisdiction_imports_no_daemon_telegram_or_reports(
    tmp_path: Path, sqlite_url: str
) -> None:
    assert run_cli(["init"], db_url=sqlite_url).exit_code == 0
    runs = [["check", "--jurisdiction", "gwangju-seo", "--format", fmt] for fmt in ("table", "json")]
    imported = _imported(tmp_path, *runs, db_url=sqlite_url)
    # Alembic is the one heavy package check loads: it reads the schema revision (require_schema).
    assert imported & (HEAVY - {"alembic"}) == set()


def test_report_formats_written_out_in_the_cli_are_the_renderers() -> None:
    from monitor.cli.report_cmds import FORMATS as CLI_FORMATS
    from monitor.reports import FORMATS

    assert CLI_FORMATS == FORMATS
