"""The project's own gates run with the tests: ruff (lint and format) and mypy --strict are clean."""

from __future__ import annotations

import subprocess
import sys

from tests.factories import REPO


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True, check=False
    )


def test_ruff_finds_nothing() -> None:
    lint = _run("ruff", "check", ".")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    layout = _run("ruff", "format", "--check", ".")
    assert layout.returncode == 0, layout.stdout + layout.stderr


def test_mypy_strict_finds_nothing() -> None:
    typed = _run("mypy")
    assert typed.returncode == 0, typed.stdout + typed.stderr
