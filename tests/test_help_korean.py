"""Help in Korean first, English with `--lang en` (monitor/cli/help_ko.py, help_ko_texts.py).

Every help text of the command tree needs its Korean (a failing test lists those without). The rendered
help runs in a fresh interpreter: `localize` changes the command tree in place, and the `cli` object the
other tests use must not change under them.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from monitor.cli.help_ko import HELP_KO, display_width, help_key, help_language, help_texts, row_ko, wrap

PROBE = """
import json, sys
from click.testing import CliRunner
from monitor.cli import cli
from monitor.cli.help_ko import localize
out, steps, runs = sys.argv[1], sys.argv[2].split(","), json.loads(sys.argv[3])
for lang in steps:
    localize(cli, lang)
results = {}
for args in runs:
    result = CliRunner().invoke(cli, args, prog_name="monitor", terminal_width=100)
    results[" ".join(args)] = [result.exit_code, result.output]
with open(out, "w", encoding="utf-8") as f:
    json.dump(results, f, ensure_ascii=False)
"""
RUNS = [["--help"], ["list", "--help"], ["progress", "log", "--help"]]


def _cli() -> click.Group:
    from monitor.cli import cli

    assert isinstance(cli, click.Group)
    return cli


def _flat(text: str) -> str:
    return " ".join(text.split())


def _help(tmp_path: Path, steps: str) -> dict[str, str]:
    """The help of RUNS after `localize(cli, step)` for each step, in a fresh interpreter."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    env |= {"HOME": str(tmp_path), "MONITOR_LANGUAGE": steps.split(",")[-1]}
    out = tmp_path / "help.json"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(out), steps, json.dumps(RUNS)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(out.read_text(encoding="utf-8"))
    assert all(code == 0 for code, _ in results.values()), results
    return {args: output for args, (_, output) in results.items()}


def _sentences(text: str) -> list[str]:
    """The English sentences of a help text that no translation would keep (three words or more)."""
    pieces = re.split(r"(?<=[.;:])\s+", help_key(text).replace("\n\n", " "))
    return [piece for piece in pieces if len(re.findall(r"\b[A-Za-z]{2,}\b", piece)) >= 3]


def test_every_help_text_has_korean() -> None:
    missing = {
        help_key(text): where for text, where in help_texts(_cli()).items() if help_key(text) not in HELP_KO
    }
    listed = "\n".join(f"{', '.join(where)}:\n    {text!r}" for text, where in missing.items())
    assert not missing, f"{len(missing)} help texts have no Korean in monitor/cli/help_ko_texts.py:\n{listed}"


def test_catalogue_is_korean_and_keyed_by_normalised_english() -> None:
    for english, korean in HELP_KO.items():
        assert help_key(english) == english, english
        assert re.search("[가-힣]", korean), korean
        assert korean != english


def test_korean_help(tmp_path: Path) -> None:
    shown = _help(tmp_path, "ko")
    top, listing, log = shown["--help"], shown["list --help"], shown["progress log --help"]
    for output in shown.values():
        assert output.startswith("사용법: monitor")
        assert "\n옵션:\n" in output
        assert "이 도움말을 보여 주고 끝냅니다." in output
        for frame in (
            "Usage:",
            "Options:",
            "Commands:",
            "Show this message and exit.",
            "[default:",
            "required]",
        ):
            assert frame not in output
    assert "\n명령:\n" in top
    assert "마일스톤을 기한 순서로 나열합니다." in _flat(top)
    assert _flat(HELP_KO["List milestones in due order. JSON fields are documented in the README."]) in _flat(
        listing
    )
    assert _flat(HELP_KO["Output format: a table for people, JSON or CSV for programs."]) in _flat(listing)
    assert "[기본값: table]" in _flat(listing)
    assert "[필수]" in _flat(log)
    english = [sentence for text in help_texts(_cli()) for sentence in _sentences(text)]
    assert len(english) > 50
    for args, output in shown.items():
        left = [sentence for sentence in english if sentence in _flat(output)]
        assert not left, f"monitor {args} still shows English: {left}"


def test_korean_help_lines_fit_the_terminal(tmp_path: Path) -> None:
    for output in _help(tmp_path, "ko").values():
        assert max(display_width(line) for line in output.splitlines()) <= 100


def test_localize_is_idempotent_and_english_comes_back(tmp_path: Path) -> None:
    english = _help(tmp_path, "en")
    assert _help(tmp_path, "ko,ko") == _help(tmp_path, "ko")
    assert _help(tmp_path, "ko,en") == english
    for output in english.values():
        assert output.startswith("Usage: monitor") and "\nOptions:\n" in output
        assert "사용법" not in output and "옵션:" not in output and "Show this message and exit." in output
    assert "List milestones in due order. JSON fields are documented in the README." in _flat(
        english["list --help"]
    )
    assert "\nCommands:\n" in english["--help"]


def test_help_language_follows_lang_then_the_language_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert help_language([], {}) == "ko"
    assert help_language(["--lang", "en", "list", "--help"], {}) == "en"
    assert help_language(["--lang=en", "--help"], {"MONITOR_LANGUAGE": "ko"}) == "en"
    assert help_language(["--help"], {"MONITOR_LANGUAGE": "en"}) == "en"
    assert help_language(["--", "--lang", "en"], {}) == "ko"
    toml = tmp_path / "monitor.toml"
    toml.write_text('language = "en"\n', encoding="utf-8")
    assert help_language(["--config", str(toml), "--help"], {}) == "en"
    assert help_language(["--help"], {"MONITOR_CONFIG": str(toml)}) == "en"
    assert help_language(["--help"], {"MONITOR_CONFIG": str(tmp_path / "missing.toml")}) == "ko"
    (tmp_path / ".env").write_text("MONITOR_LANGUAGE='ko'\n", encoding="utf-8")
    assert help_language(["--config", str(toml)], {}) == "ko"  # .env is read before the TOML file
    assert help_language(["--config", str(toml)], {"MONITOR_LANGUAGE": "en"}) == "en"


def test_click_extras_and_wrapping() -> None:
    assert row_ko("Show this message and exit.") == "이 도움말을 보여 주고 끝냅니다."
    assert row_ko("Free text.  [default: x; required]") == "자유 메모.  [기본값: x; 필수]"
    assert row_ko("[env var: MONITOR_X; required]") == "[환경 변수: MONITOR_X; 필수]"
    assert row_ko("Not in the catalogue.") == "Not in the catalogue."
    assert wrap("가나다 라마 바사\n\n아", 10) == ["가나다", "라마 바사", "", "아"]
