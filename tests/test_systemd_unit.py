"""The shipped systemd unit: systemd accepts it, and its command line is one the monitor understands."""

from __future__ import annotations

import configparser
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

UNIT = Path(__file__).resolve().parent.parent / "config" / "monitor.service"
EXAMPLE = UNIT.parent / "monitor.example.toml"


def _service() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(UNIT.read_text(encoding="utf-8"))
    return parser["Service"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    copy = tmp_path / "pledge-monitor.service"
    copy.write_text(
        UNIT.read_text(encoding="utf-8").replace("/opt/pledge-monitor/.venv/bin/monitor", sys.executable)
    )
    done = subprocess.run(
        ["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_the_unit_runs_the_daemon_with_a_config_file_restarts_it_and_stops_it_gently(tmp_path: Path) -> None:
    service = _service()
    program, *args = shlex.split(service["ExecStart"])
    assert program.endswith("/bin/monitor") and args[-1] == "run" and args[0] == "--config"
    assert service["Restart"] == "on-failure" and service["RestartPreventExitStatus"] == "2"
    assert service["KillSignal"] == "SIGTERM" and int(service["TimeoutStopSec"]) > 30  # > shutdown_timeout
    assert service["StandardError"] == "journal"
    config = tmp_path / "monitor.toml"
    config.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    args[1] = str(config)
    done = subprocess.run(
        [sys.executable, "-m", "monitor", *args, "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
