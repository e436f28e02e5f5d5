"""The seed documents ship with the package: commands find them from any folder, and a seeds problem
stops a command before it creates a database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from monitor.db import models as m
from monitor.db.engine import make_engine, make_session_factory
from tests.factories import REPO, SEEDS, copy_seeds, mini_seeds, run_cli

SHIPPED_SOURCES = {
    "000_5d173ffc9f04f551.txt",
    "001_fc25d9605dcb00c1.txt",
    "002_7fc74de1de420957.txt",
    "003_d86cdf688576ea86.txt",
}


def _monitor(
    cwd: Path, *args: str, env: dict[str, str] | None = None, pythonpath: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """The real command line in a fresh interpreter, run from `cwd` with no MONITOR_SEEDS_DIR."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    environment |= env or {}
    if pythonpath is not None:
        environment["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def _source_files(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            return set(session.scalars(select(m.SourceDocument.file)))
    finally:
        engine.dispose()


def _nothing_created(url: str, sqlite_file: Path) -> bool:
    if url.startswith("sqlite"):
        return not sqlite_file.exists()
    engine = make_engine(url)
    try:
        return inspect(engine).get_table_names() == []
    finally:
        engine.dispose()


def test_init_from_another_folder_loads_the_four_shipped_documents(tmp_path: Path, db_url: str) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = _monitor(elsewhere, "--lang", "en", "init", env={"MONITOR_DATABASE_URL": db_url})
    assert done.returncode == 0, done.stderr
    assert "4 files, 259 commitments, 277 milestones" in done.stdout
    assert _source_files(db_url) == SHIPPED_SOURCES


def test_seed_and_run_once_from_another_folder_use_the_shipped_seeds(tmp_path: Path, sqlite_url: str) -> None:
    env = {"MONITOR_DATABASE_URL": sqlite_url, "MONITOR_ALERTS_FILE": str(tmp_path / "alerts.jsonl")}
    assert _monitor(tmp_path, "init", "--no-seed", env=env).returncode == 0
    seeded = _monitor(tmp_path, "--lang", "en", "seed", env=env)
    assert seeded.returncode == 0, seeded.stderr
    assert "4 files" in seeded.stdout
    once = _monitor(tmp_path, "run", "--once", env=env)
    assert once.returncode == 0, once.stderr
    assert _source_files(sqlite_url) == SHIPPED_SOURCES


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ([], "오류: missing: 시드 파일이나 폴더가 없습니다"),
        (["--lang", "en"], "error: missing: no such seed file or folder"),
    ],
)
def test_a_missing_configured_seeds_dir_stops_init_with_one_line_and_no_database(
    tmp_path: Path, db_url: str, lang: list[str], expected: str
) -> None:
    env = {"MONITOR_DATABASE_URL": db_url, "MONITOR_SEEDS_DIR": "missing"}
    done = _monitor(tmp_path, *lang, "init", env=env)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(expected), done.stderr
    assert "MONITOR_SEEDS_DIR" in done.stderr
    assert _nothing_created(db_url, tmp_path / "monitor.sqlite3")


def test_seed_with_a_missing_folder_names_it_and_creates_no_database(tmp_path: Path, sqlite_url: str) -> None:
    result = run_cli(["--lang", "en", "seed", str(tmp_path / "nowhere")], db_url=sqlite_url)
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"error: {tmp_path}/nowhere: no such seed file or folder (check the path, or the seeds_dir setting / MONITOR_SEEDS_DIR)\n"
    )
    assert not (tmp_path / "monitor.sqlite3").exists()


def test_a_seed_folder_without_seed_files_stops_init_before_the_database(
    tmp_path: Path, sqlite_url: str
) -> None:
    (tmp_path / "empty").mkdir()
    result = run_cli(["init", "--seeds", str(tmp_path / "empty")], db_url=sqlite_url)
    assert result.exit_code == 1
    assert result.stderr == f"오류: {tmp_path}/empty: 시드 파일(*.yaml)이 없습니다\n"
    assert not (tmp_path / "monitor.sqlite3").exists()


def test_a_bad_seed_file_stops_init_before_the_database(tmp_path: Path, sqlite_url: str) -> None:
    seeds = copy_seeds(tmp_path)
    (seeds / "seoul-mou-2023.yaml").write_text("document: [unclosed\n", encoding="utf-8")
    result = run_cli(["init"], db_url=sqlite_url, env={"MONITOR_SEEDS_DIR": str(seeds)})
    assert result.exit_code == 1
    assert f"{seeds}/seoul-mou-2023.yaml:" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "monitor.sqlite3").exists()


def test_a_configured_relative_seeds_dir_is_read_from_the_current_folder(
    tmp_path: Path, sqlite_url: str
) -> None:
    mini_seeds(tmp_path / "work")
    env = {"MONITOR_DATABASE_URL": sqlite_url, "MONITOR_SEEDS_DIR": "seeds"}
    done = _monitor(tmp_path / "work", "--lang", "en", "init", env=env)
    assert done.returncode == 0, done.stderr
    assert _source_files(sqlite_url) == {"mini.txt"}


def test_the_built_wheel_carries_the_seeds_and_jobs_and_loads_them_from_any_folder(tmp_path: Path) -> None:
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(REPO),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("pledge_monitor-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "site")
    shipped = {f"monitor/_seeds/{p.relative_to(SEEDS).as_posix()}" for p in SEEDS.rglob("*") if p.is_file()}
    jobs = {f"monitor/_jobs/{p.name}" for p in (REPO / "jobs").glob("*.toml")}
    assert shipped <= names and jobs and jobs <= names
    assert not any(name.startswith(("seeds/", "jobs/")) for name in names)
    # The unpacked wheel comes first on the path, so `monitor` (and its seeds) are the wheel's.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = _monitor(elsewhere, "validate", "--format", "json", pythonpath=tmp_path / "site")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["files"] == 4
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "from monitor.settings import *; print(default_seeds_dir(), default_jobs_dir())",
        ],
        cwd=elsewhere,
        env={**os.environ, "PYTHONPATH": str(tmp_path / "site")},
        capture_output=True,
        text=True,
        check=True,
    )
    seeds, jobs_dir = probe.stdout.split()
    assert Path(seeds) == tmp_path / "site" / "monitor" / "_seeds"
    assert Path(jobs_dir) == tmp_path / "site" / "monitor" / "_jobs"


def test_run_with_unreadable_seeds_creates_no_database(tmp_path: Path, sqlite_url: str) -> None:
    done = _monitor(
        tmp_path,
        "run",
        "--once",
        env={"MONITOR_DATABASE_URL": sqlite_url, "MONITOR_SEEDS_DIR": str(tmp_path / "nowhere")},
    )
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1 and "nowhere" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "monitor.sqlite3").exists()
