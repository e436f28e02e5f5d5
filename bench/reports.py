"""Benchmark: report generation (`monitor report KIND`) at the seeds' size and at national scale.

- seeds: every kind (digest, status, budget, card, feed) in every format, on SQLite (median of --runs);
- national: the synthetic registry of bench/national.py (243 jurisdictions, 486k milestones, 2M reports;
  generated once into bench/.cache/) — digest, status and budget as HTML, over everything and for one
  jurisdiction (median of --national-runs).

Run: .venv/bin/python bench/reports.py [--runs 5] [--national-runs 3] [--jurisdictions 243] [--skip-national]
Prints medians; timings never decide a test's outcome.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from monitor.db import migrate
from monitor.db.engine import make_engine, make_session_factory
from monitor.feed import atom_feed
from monitor.reports import render_report
from monitor.rules import RuleConfig
from monitor.seeds import load_seeds

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
CACHE = Path(__file__).resolve().parent / ".cache"
SEOUL = ZoneInfo("Asia/Seoul")
SEEDS_NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
NATIONAL_NOW = datetime(2029, 11, 1, 3, 0, tzinfo=UTC)  # as in bench/national.py


def _median(fn: Callable[[], bytes], runs: int) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        size = len(fn())
        times.append(time.perf_counter() - started)
    return statistics.median(times), size


def _render(
    sessions: sessionmaker[Session],
    kind: str,
    fmt: str,
    now: datetime,
    place: str | None = None,
    code: str | None = None,
) -> Callable[[], bytes]:
    rules = RuleConfig(tz=SEOUL)

    def run() -> bytes:
        with sessions() as session:
            if kind == "feed":
                return atom_feed(session, as_of=now, tz=SEOUL, lang="ko", jurisdiction=place)
            return render_report(
                session,
                kind,
                fmt,
                as_of=now,
                tz=SEOUL,
                lang="ko",
                jurisdiction=place,
                code=code,
                config=rules,
            )

    return run


def seeds(runs: int) -> None:
    folder = Path(tempfile.mkdtemp())
    engine = make_engine(f"sqlite:///{folder}/seeds.sqlite3")
    migrate.upgrade(engine)
    sessions = make_session_factory(engine)
    load_seeds(sessions, [SEEDS], SEOUL, SEEDS_NOW)
    print("seeds (4 documents, ~370 milestones), SQLite:")
    for kind in ("digest", "status", "budget", "card", "feed"):
        for fmt in ("md", "html", "csv", "json") if kind != "feed" else ("atom",):
            code = "DJ-9" if kind == "card" else None
            seconds, size = _median(_render(sessions, kind, fmt, SEEDS_NOW, code=code), runs)
            print(f"  {kind:7s} {fmt:5s} median {seconds * 1000:8.1f} ms  ({size / 1024:7.1f} KiB)")
    engine.dispose()
    shutil.rmtree(folder)


def national(runs: int, jurisdictions: int) -> None:
    cached = CACHE / f"national-{jurisdictions}.sqlite3"
    if not cached.exists():
        national_py = Path(__file__).resolve().parent / "national.py"
        command = [sys.executable, str(national_py), "--generate-only", "--jurisdictions", str(jurisdictions)]
        subprocess.run(command, check=True)
    work = CACHE / "reports-work.sqlite3"
    shutil.copy(cached, work)
    engine = make_engine(f"sqlite:///{work}")
    migrate.upgrade(engine)
    sessions = make_session_factory(engine)
    print(f"national ({jurisdictions} jurisdictions), SQLite:")
    for kind in ("digest", "status", "budget"):
        for place in (None, "j001"):
            seconds, size = _median(_render(sessions, kind, "html", NATIONAL_NOW, place), runs)
            where = place or "all"
            print(f"  {kind:7s} html  {where:5s} median {seconds:7.2f} s   ({size / 1024:8.1f} KiB)")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--national-runs", type=int, default=3)
    parser.add_argument("--jurisdictions", type=int, default=243)
    parser.add_argument("--skip-national", action="store_true")
    args = parser.parse_args()
    seeds(args.runs)
    if not args.skip_national:
        national(args.national_runs, args.jurisdictions)


if __name__ == "__main__":
    main()
