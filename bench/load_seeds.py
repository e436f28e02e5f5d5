"""Benchmark: loading the shipped seeds (first load into an empty database, then an unchanged reload).

Run: .venv/bin/python bench/load_seeds.py [--runs 7] [--postgres URL]
With --postgres, every run uses a throwaway schema in that database (dropped afterwards).
Prints medians; timings never decide a test's outcome.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.engine import make_url

from monitor.db import migrate
from monitor.db.engine import make_engine, make_session_factory
from monitor.seeds import load_seeds, validate_seeds

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEOUL = ZoneInfo("Asia/Seoul")


def _one_run(url: str) -> tuple[float, float, float]:
    engine = make_engine(url)
    migrate.upgrade(engine)
    sessions = make_session_factory(engine)
    started = time.perf_counter()
    validate_seeds([SEEDS])
    validated = time.perf_counter()
    load_seeds(sessions, [SEEDS], SEOUL, datetime.now(UTC))
    first = time.perf_counter()
    load_seeds(sessions, [SEEDS], SEOUL, datetime.now(UTC))
    second = time.perf_counter()
    engine.dispose()
    return validated - started, first - validated, second - first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--postgres", metavar="URL", help="PostgreSQL database to create throwaway schemas in"
    )
    args = parser.parse_args()
    results = []
    for run in range(args.runs):
        if args.postgres:
            schema = f"bench_{uuid4().hex[:12]}"
            admin = make_engine(args.postgres)
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            try:
                url = make_url(args.postgres).update_query_dict({"options": f"-csearch_path={schema}"})
                results.append(_one_run(url.render_as_string(hide_password=False)))
            finally:
                with admin.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()
        else:
            with tempfile.TemporaryDirectory() as folder:
                results.append(_one_run(f"sqlite:///{folder}/bench-{run}.sqlite3"))
    for label, values in zip(
        ("validate only", "first load (validate + write)", "unchanged reload"),
        zip(*results, strict=True),
        strict=True,
    ):
        print(
            f"{label:32s} median {statistics.median(values) * 1000:7.1f} ms  (min {min(values) * 1000:.1f}, "
            f"max {max(values) * 1000:.1f}, runs {len(values)})"
        )


if __name__ == "__main__":
    main()
