"""The command line: help everywhere, output formats, filters, and one-line errors."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from monitor.cli import cli
from tests.factories import REPO, SEEDS, run_cli


def _documented_list_fields() -> set[str]:
    """The fields the README documents for `monitor list --format json` (first column of its table)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### `monitor list --format json`", 1)[1].split("\n### ", 1)[0]
    rows = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    return {name for cell in rows for name in re.findall(r"`([a-z_]+)`", cell)}


LIST_FIELDS = _documented_list_fields()


def _commands() -> list[tuple[str, click.Command]]:
    assert isinstance(cli, click.Group)
    return [("", cli), *sorted(cli.commands.items())]


@pytest.mark.parametrize(("name", "command"), _commands(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_and_option_has_help(name: str, command: click.Command) -> None:
    result = run_cli([name, "--help"] if name else ["--help"])
    assert result.exit_code == 0
    assert (command.help or "").split("\n")[0].strip()[:40] in result.stdout
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{name} {param.opts} has no help text"
            assert param.opts[-1] in result.stdout


def test_help_works_even_with_broken_settings() -> None:
    result = run_cli(["list", "--help"], env={"MONITOR_TIMEZONE": "Nowhere/Land"})
    assert result.exit_code == 0
    assert "--due-before" in result.stdout


@pytest.fixture
def initialised(sqlite_url: str) -> str:
    result = run_cli(["init"], db_url=sqlite_url)
    assert result.exit_code == 0, result.output
    return sqlite_url


def test_init_reports_schema_and_counts_then_changes_nothing(sqlite_url: str) -> None:
    first = run_cli(["--lang", "en", "init"], db_url=sqlite_url)
    assert first.exit_code == 0
    assert "Seeds loaded: 4 files, 259 commitments, 277 milestones (+259 commitments," in first.stdout
    assert "Consistency findings: 5" in first.stdout
    second = run_cli(["--lang", "en", "init"], db_url=sqlite_url)
    assert "Seeds loaded: 4 files, 259 commitments, 277 milestones (no changes)" in second.stdout


def test_list_json_has_exactly_the_fields_the_readme_documents(initialised: str) -> None:
    assert len(LIST_FIELDS) == 23
    rows = json.loads(run_cli(["list", "--format", "json"], db_url=initialised).stdout)
    assert len(rows) == 277
    assert all(set(row) == LIST_FIELDS for row in rows)
    housing = next(r for r in rows if r["code"] == "DJ-9-3.youth-housing")
    assert housing["due"] == "2030-07-01T00:00:00+09:00"
    assert housing["due_date"] == "2030-06-30"
    assert (housing["target"], housing["unit"], housing["kind"]) == ("5000", "호", "quantity")
    assert (housing["title"], housing["commitment_title"]) == ("청년주택 공급", "청년주택 5,000호 공급")
    assert housing["source"] == "000_5d173ffc9f04f551.txt:287"
    tranche = next(r for r in rows if r["code"] == "SEOGU-1-1.2022-2023")
    assert (tranche["planned_amount"], tranche["fiscal_years"], tranche["due_date"]) == (
        "565",
        [2022, 2023],
        "2023-12-31",
    )
    dues = [r["due"] for r in rows]
    assert dues == sorted(dues)
    assert all(d.endswith("+09:00") for d in dues)


def test_list_filters_by_party_kind_and_due_date(initialised: str) -> None:
    def codes(*args: str) -> list[str]:
        return [
            r["code"]
            for r in json.loads(run_cli(["list", "--format", "json", *args], db_url=initialised).stdout)
        ]

    sejong = codes("--jurisdiction", "sejong")
    assert sejong and all(c.startswith("SEOUL-SEJONG-2023") for c in sejong)
    assert "SEOUL-SEJONG-2023.signing" in sejong and "SEOUL-SEJONG-2023-5.seoul-expo-2024" in sejong
    assert len(codes("--kind", "budget")) == 229
    assert codes("--kind", "event") == [
        "SEOUL-SEJONG-2023.arrival",
        "SEOUL-SEJONG-2023.talk",
        "SEOUL-SEJONG-2023.signing",
        "SEOUL-DAEJEON-2023.talk",
        "SEOUL-DAEJEON-2023.signing",
    ]
    early = codes("--due-before", "2022-01-01")
    assert len(early) == 14 and all(c.startswith("DG-2021") for c in early)
    assert "SEOGU-1-1.2022-2023" in codes("--due-before", "2024-01-01")
    assert "SEOGU-1-1.2022-2023" not in codes("--due-before", "2023-12-31")


def test_list_csv_and_table(initialised: str) -> None:
    rows = list(
        csv.DictReader(
            io.StringIO(run_cli(["list", "--format", "csv", "--kind", "payment"], db_url=initialised).stdout)
        )
    )
    assert len(rows) == 5 and set(rows[0]) == LIST_FIELDS
    table = run_cli(
        ["list", "--jurisdiction", "daejeon", "--kind", "event"], db_url=initialised, env={"COLUMNS": "200"}
    )
    assert "SEOUL-DAEJEON-2023.signing" in table.stdout and "[비공개]" in table.stdout


def test_unknown_jurisdiction_is_a_one_line_error(initialised: str) -> None:
    result = run_cli(["--lang", "en", "list", "--jurisdiction", "busan"], db_url=initialised)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: unknown jurisdiction 'busan' (known: daegu, daejeon,")
    korean = run_cli(["list", "--jurisdiction", "busan"], db_url=initialised)  # Korean by default
    assert korean.stderr.startswith("오류: 지자체 'busan'이 없습니다 (등록된 지자체: daegu, daejeon,")


def test_show_commitment_table_and_json(initialised: str) -> None:
    table = run_cli(["show", "seoul-sejong-2023-5"], db_url=initialised, env={"COLUMNS": "200"})
    assert table.exit_code == 0
    assert "정원도시박람회 개최 및 정원 도시 조성" in table.stdout and "seoul-expo-2024" in table.stdout
    assert "▲정원도시박람회개최및정원도시조성" in "".join(table.stdout.split())  # the cited source line
    data = json.loads(run_cli(["show", "DG-2021-1", "--format", "json"], db_url=initialised).stdout)
    assert data["parties"] == ["daegu"] and data["official_status"] is None
    assert [p["value"] for p in data["progress"]] == ["17", "13", "656", "78"]
    assert "<p>협업 테이블</p>" in data["source_text"] or "대구RE100시민클럽" in data["source_text"]


def test_show_milestone(initialised: str) -> None:
    data = json.loads(run_cli(["show", "DG-2021-1.members", "--format", "json"], db_url=initialised).stdout)
    assert data["code"] == "DG-2021-1.members" and data["progress"][0]["value"] == "656"
    assert "656 명" in data["source_text"]


def test_show_unknown_code_suggests_close_ones(initialised: str) -> None:
    result = run_cli(["--lang", "en", "show", "DJ-9-99"], db_url=initialised)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "error: no commitment or milestone with code 'DJ-9-99' (did you mean DJ-9"
    )


def test_commands_on_uninitialised_database_say_to_run_init(sqlite_url: str) -> None:
    result = run_cli(["--lang", "en", "list"], db_url=sqlite_url)
    assert result.exit_code == 1
    assert result.stderr == f"error: database {sqlite_url} is not initialised: run `monitor init`\n"


def test_unreachable_postgres_is_a_one_line_error() -> None:
    result = run_cli(["--lang", "en", "list"], db_url="postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: cannot use postgresql+psycopg://nobody:***@127.0.0.1:1/none:")
    assert "secret" not in line


def test_console_script_runs_without_traceback(tmp_path: Path) -> None:
    env = {
        "MONITOR_DATABASE_URL": f"sqlite:///{tmp_path}/m.sqlite3",
        "MONITOR_SEEDS_DIR": str(SEEDS),
        "HOME": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        [sys.executable, "-m", "monitor", "--lang", "en", "init"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "monitor", "--lang", "en", "show", "NOPE"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert missing.returncode == 1
    assert missing.stderr.startswith("error: no commitment or milestone with code 'NOPE'")
    assert "Traceback" not in missing.stderr


def test_format_help_offers_only_the_commands_formats() -> None:
    """`check` offers a table and JSON: its help must not promise CSV (`list` does offer it)."""
    check = run_cli(["--lang", "en", "check", "--help"]).stdout
    assert "[table|json]" in check and "CSV" not in check
    assert "CSV" not in run_cli(["check", "--help"]).stdout
    listing = run_cli(["--lang", "en", "list", "--help"]).stdout
    assert "[table|json|csv]" in listing and "JSON or CSV" in listing


def test_payment_cadence_and_seed_counts_read_in_korean(initialised: str, sqlite_url: str) -> None:
    listed = run_cli(
        ["list", "--kind", "payment", "--wide"], db_url=initialised, env={"COLUMNS": "200"}
    ).stdout
    assert "/ 매월" in listed or "/ 매년" in listed or "/ 1회" in listed
    assert not re.search(r"/ (monthly|yearly|once|semiannual)\b", listed)
    again = run_cli(["seed"], db_url=initialised).stdout
    assert "commitment" not in again and "시드 적재" in again
