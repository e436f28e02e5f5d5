"""Benchmark at national scale: 243 jurisdictions × 200 commitments × 10 milestones ≈ 486k milestones and
≈ 2M progress reports, on SQLite.

Measures (medians; timings never decide a test's outcome):
- a full evaluation pass (rules over everything, read-only) and the first detect (pass + alert writes);
- the next-wake-up computation (indexed MIN queries);
- an incremental wake-up with 100 items due (crossed boundaries → scope → detect on that scope);
- peak RSS of the process;
- alert latency: the daemon running with the real clock, 100 events whose "not confirmed" boundary falls
  during the run; latency = notifier call − boundary instant.

Run: .venv/bin/python bench/national.py [--jurisdictions 243] [--runs 5] [--skip-latency]
The generated database is cached in bench/.cache/ (delete it to regenerate).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from monitor.alerts.config import LifecycleConfig
from monitor.alerts.payload import AlertPayload
from monitor.daemon.detect import detect, evaluate_all
from monitor.daemon.service import Daemon, DaemonConfig
from monitor.db import migrate
from monitor.db import models as m
from monitor.db.engine import make_engine, make_session_factory
from monitor.evaluation.planner import boundaries, crossed, next_change
from monitor.evaluation.run import card_scope
from monitor.notify.base import Batch, Delivered, DeliveryResult
from monitor.notify.sender import Sender
from monitor.rules import RuleConfig
from monitor.rules.outcome import State
from monitor.timeutil import due_instant, start_of_day

SEOUL = ZoneInfo("Asia/Seoul")
CACHE = Path(__file__).resolve().parent / ".cache"
NOW = datetime(2029, 11, 1, 3, 0, tzinfo=UTC)
DUE_100 = date(2029, 11, 5)  # 100 milestones share this deadline: overdue together at DUE_100 + 7 days
T0 = datetime(2026, 7, 1, tzinfo=UTC)
CROWDED = {0, 8, 14, 37, 97}  # days after DUE_100 whose boundaries coincide with DUE_100 + grace


def _chunks(rows: list[dict[str, Any]], size: int = 20_000) -> list[list[dict[str, Any]]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def generate(path: Path | str, jurisdictions: int, seed: int = 2026) -> None:
    """The synthetic registry in a SQLite file (a path) or any database (a URL)."""
    rng = random.Random(seed)
    engine = make_engine(path if isinstance(path, str) else f"sqlite:///{path}")
    migrate.upgrade(engine)
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(
            insert(m.Jurisdiction),
            [
                {
                    "id": j,
                    "slug": f"j{j:03d}",
                    "name_ko": f"지자체{j:03d}",
                    "name_en": f"Place {j:03d}",
                    "level": "district",
                }
                for j in range(1, jurisdictions + 1)
            ],
        )
        conn.execute(
            insert(m.SourceDocument),
            [
                {
                    "id": 1,
                    "file": "synthetic.txt",
                    "title": "synthetic",
                    "publisher": "bench",
                    "sha256": "0" * 64,
                    "text": "synthetic",
                    "seed_file": "bench",
                }
            ],
        )
        commitments, parties, milestones, reports = [], [], [], []
        special = set(rng.sample(range(jurisdictions * 200), 100))
        mid = rid = 0
        for j in range(1, jurisdictions + 1):
            for n in range(200):
                cid = (j - 1) * 200 + n + 1
                commitments.append(
                    {
                        "id": cid,
                        "code": f"J{j:03d}-{n + 1:03d}",
                        "parent_id": None,
                        "jurisdiction_id": j,
                        "kind": "pledge",
                        "category": f"분야 {n % 9 + 1}",
                        "title": f"공약 {n + 1}",
                        "description": None,
                        "department": None,
                        "period_start": date(2026, 7, 1),
                        "period_end": date(2030, 6, 30),
                        "budget_total": None,
                        "non_budget": False,
                        "source_id": 1,
                        "source_line": 1,
                        "source_end_line": 1,
                        "position": n,
                        "attributes": {},
                        "retired_at": None,
                        "created_at": T0,
                        "updated_at": T0,
                        "stale_ref_at": start_of_day(date(2026, 7, 1), SEOUL),
                    }
                )
                parties.append({"commitment_id": cid, "jurisdiction_id": j})
                for k in range(10):
                    mid += 1
                    row, made = _milestone(
                        rng, mid, cid, f"J{j:03d}-{n + 1:03d}", k, cid - 1 in special and k == 0
                    )
                    milestones.append(row)
                    for entry in made:
                        rid += 1
                        reports.append({**entry, "id": rid, "commitment_id": cid, "milestone_id": mid})
        for table, rows in (
            (m.Commitment, commitments),
            (m.CommitmentParty, parties),
            (m.Milestone, milestones),
            (m.ProgressReport, reports),
        ):
            for chunk in _chunks(rows):
                conn.execute(insert(table), chunk)
    engine.dispose()
    print(
        f"generated {len(commitments):,} commitments, {len(milestones):,} milestones, {len(reports):,} reports "
        f"in {time.perf_counter() - started:.0f} s"
    )


def milestone_row(mid: int, code: str, cid: int, k: int, kind: str, due: date) -> dict[str, Any]:
    """A milestone row for bulk inserts, every column given (also used by bench/import_progress.py)."""
    return {
        "id": mid,
        "code": code,
        "commitment_id": cid,
        "key": f"m{k}",
        "kind": kind,
        "title": f"목표 {k}",
        "due_date": due,
        "due_at": due_instant(due, SEOUL),
        "target_value": None,
        "target_max": None,
        "unit": None,
        "cumulative": True,
        "baseline": None,
        "fiscal_year_start": None,
        "fiscal_year_end": None,
        "planned_amount": None,
        "funding_source": None,
        "starts_at": None,
        "ends_at": None,
        "cadence": None,
        "source_line": 1,
        "source_end_line": 1,
        "position": k,
        "attributes": {},
        "retired_at": None,
        "created_at": T0,
        "updated_at": T0,
    }


def _milestone(
    rng: random.Random, mid: int, cid: int, code: str, k: int, special: bool
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    kind = (
        "completion"
        if special
        else (
            "quantity",
            "quantity",
            "quantity",
            "quantity",
            "quantity",
            "completion",
            "completion",
            "budget",
            "budget",
            "payment",
        )[k]
    )
    due = DUE_100 if special else date(2026, 12, 31) + timedelta(days=rng.randrange(0, 1277))
    # Exactly the 100 chosen items change state at DUE_100's overdue boundary: no other deadline's
    # overdue or lead-time boundary (due − 90/30/7/1 days) may fall on that instant.
    while not special and (due - DUE_100).days in CROWDED:
        due += timedelta(days=2)
    row = milestone_row(mid, f"{code}.m{k}", cid, k, kind, due)
    reports: list[dict[str, Any]] = []
    if kind == "quantity":
        target = rng.randrange(100, 5000)
        row.update(target_value=Decimal(target), unit="개")
        value = 0
        for step in range(7):
            value += rng.randrange(0, target // 4)
            reports.append(
                _report(date(2026, 8, 1) + timedelta(days=150 * step + rng.randrange(60)), value=value)
            )
    elif kind == "budget":
        year = 2027 + k % 2
        row.update(
            kind="budget",
            due_date=date(year, 12, 31),
            due_at=due_instant(date(year, 12, 31), SEOUL),
            fiscal_year_start=year,
            fiscal_year_end=year,
            planned_amount=Decimal(rng.randrange(10, 900)),
            unit="백만원",
        )
        reports += [
            _report(date(year, 6, 30), executed=Decimal(rng.randrange(0, 500))),
            _report(date(year + 1, 2, 1), executed=Decimal(rng.randrange(0, 900))),
        ]
    elif kind == "payment":
        row.update(target_value=Decimal(10), unit="만원", cadence="yearly")
        reports.append(_report(date(2027, 3, 1), status="started"))
    elif not special:
        reports += [
            _report(date(2027, 1, 1) + timedelta(days=rng.randrange(900)), status="done")
        ] * rng.randrange(0, 2)
    return row, reports


def _report(
    as_of: date, value: int | None = None, executed: Decimal | None = None, status: str | None = None
) -> dict[str, Any]:
    return {
        "value": Decimal(value) if value is not None else None,
        "status": status,
        "secured_amount": None,
        "executed_amount": executed,
        "as_of": as_of,
        "note": None,
        "evidence": [],
        "reporter": "bench",
        "channel": "import",
        "entered_at": due_instant(as_of, SEOUL),
        "corrects_id": None,
        "seed_key": None,
    }


def _median(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


class Recorder:
    name = "console"

    def __init__(self) -> None:
        self.calls: list[tuple[float, Batch]] = []

    async def send(self, batch: Batch) -> DeliveryResult:
        self.calls.append((time.time(), batch))
        return Delivered()


def latency(
    path: Path, rules: RuleConfig, life: LifecycleConfig, lead: float, count: int = 100
) -> list[float]:
    """Real clock: 100 events become 'not confirmed' while the daemon runs; how late is the notifier call?"""
    engine = make_engine(f"sqlite:///{path}")
    sessions = make_session_factory(engine)
    # `lead`: the daemon's start-up pass (a full detect) must be over before the first boundary
    # The daemon runs on the real clock, years before NOW: settle the alerts at today first, so that its
    # start-up pass is a steady one and the measured boundaries come after it.
    detect(sessions, rules, life, datetime.now(UTC), keep=False)
    base = datetime.now(UTC) + timedelta(seconds=lead)
    boundary = {}
    with sessions.begin() as session:
        session.execute(update(m.OutboxEntry).where(m.OutboxEntry.state == "pending").values(state="sent"))
        top = session.scalar(select(m.Milestone.id).order_by(m.Milestone.id.desc()).limit(1)) or 0
        owners = list(session.execute(select(m.Commitment.id, m.Commitment.code).order_by(m.Commitment.id)))
        chosen = owners[:: max(1, len(owners) // count)][:count]
        for i, (owner_id, owner_code) in enumerate(chosen):
            end = base + timedelta(seconds=0.25 * i)
            code = f"{owner_code}.ev"
            session.execute(
                insert(m.Milestone),
                [
                    {
                        "id": top + i + 1,
                        "code": code,
                        "commitment_id": owner_id,
                        "key": "ev",
                        "kind": "event",
                        "title": "협약식",
                        "due_date": None,
                        "due_at": end,
                        "starts_at": end - timedelta(minutes=1),
                        "ends_at": end,
                        "cumulative": True,
                        "source_line": 1,
                        "source_end_line": 1,
                        "position": 99,
                        "attributes": {},
                        "created_at": T0,
                        "updated_at": T0,
                    }
                ],
            )
            boundary[code] = end.timestamp()
    recorder = Recorder()
    config = DaemonConfig(
        rules=rules, lifecycle=life, sweep_interval=timedelta(hours=1), poll_interval=timedelta(seconds=5)
    )

    def clock() -> datetime:
        return datetime.now(UTC)

    daemon = Daemon(sessions, Sender(sessions, {"console": recorder}, clock), config, [], clock)

    async def main() -> None:
        task = asyncio.create_task(daemon.run())
        deadline = time.time() + lead + 0.25 * count + 60
        while time.time() < deadline:
            seen = {subject for _, subject in _unconfirmed(recorder.calls)}
            if len(seen & set(boundary)) == count:
                break
            await asyncio.sleep(0.2)
        daemon.stopping.set()
        await task

    asyncio.run(main())
    engine.dispose()
    return [at - boundary[subject] for at, subject in _unconfirmed(recorder.calls) if subject in boundary]


def _unconfirmed(calls: list[tuple[float, Batch]]) -> list[tuple[float, str]]:
    """(notifier call time, subject) of every 'event not confirmed' notification delivered."""
    return [
        (at, i.payload.subject)
        for at, b in calls
        for i in b.items
        if isinstance(i.payload, AlertPayload) and i.payload.condition is State.UNCONFIRMED
    ]


BOUND_SQL = """
WITH s AS (
  SELECT r.milestone_id AS mid, max({num}(r.value)) AS top, max({num}(r.executed_amount)) AS executed,
         max(CASE WHEN r.status = 'done' THEN 1 ELSE 0 END) AS done
  FROM progress_reports r
  WHERE r.entered_at <= :now AND r.milestone_id IS NOT NULL AND r.id NOT IN
        (SELECT corrects_id FROM progress_reports WHERE corrects_id > 0 AND entered_at <= :now)
  GROUP BY r.milestone_id)
SELECT ms.id, CASE
   WHEN ms.kind = 'budget' THEN CASE WHEN ms.due_at <= :budget AND s.executed IS NULL THEN 'unreported' END
   WHEN (ms.kind = 'quantity' AND s.top >= {num}(ms.target_value)) OR (ms.kind <> 'quantity' AND s.done = 1)
        THEN 'achieved'
   WHEN ms.due_at <= :grace THEN 'overdue'
   WHEN ms.due_at > :now AND ms.due_at <= :lead THEN 'due_soon' END AS state
FROM milestones ms LEFT JOIN s ON s.mid = ms.id
WHERE ms.retired_at IS NULL
"""


def sql_bound(engine: Any, rules: RuleConfig) -> int:
    """The set-based lower bound: one statement computing the core states (latest non-corrected totals per
    milestone -> achieved / overdue / due soon / budget unreported), every row fetched."""
    sqlite = engine.dialect.name == "sqlite"
    sql = BOUND_SQL.format(num="0.0 + " if sqlite else "")

    def at(instant: datetime) -> Any:
        return instant.replace(tzinfo=None).isoformat(" ", "microseconds") if sqlite else instant

    params = {
        "now": at(NOW),
        "budget": at(NOW - rules.budget_grace),
        "grace": at(NOW - rules.grace),
        "lead": at(NOW + max(rules.lead_times)),
    }
    with engine.connect() as conn:
        return len(conn.execute(text(sql), params).fetchall())


CLI = (
    "import sys, time\nfrom monitor.cli import main\nsys.argv = ['monitor', *sys.argv[1:]]\n"
    "t = time.perf_counter()\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
    # VmHWM, not ru_maxrss: the latter is inherited across fork/exec from this (large) benchmark process
    "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
    "print(time.perf_counter() - t, int(hwm) / 1024, file=sys.stderr)\n"
)


def cli_run(work: Path, *args: str) -> tuple[float, float]:
    """(seconds after start-up, peak RSS in MB) of one `monitor` command on the benchmark file."""
    env = {**os.environ, "MONITOR_DATABASE_URL": f"sqlite:///{work}", "MONITOR_EVENT_GRACE": "0s"}
    done = subprocess.run(
        [sys.executable, "-c", CLI, *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=True,
    )
    seconds, rss = done.stderr.strip().splitlines()[-1].split()
    return float(seconds), float(rss)


def views(work: Path, runs: int) -> None:
    at = NOW.isoformat()
    for label, args, times in (
        (
            "check, one jurisdiction",
            ("check", "--format", "json", "--jurisdiction", "j120", "--as-of", at),
            runs,
        ),
        (
            "status report, one jurisdiction",
            ("report", "status", "--format", "json", "--jurisdiction", "j120", "--as-of", at),
            runs,
        ),
        ("check --format json, whole country", ("check", "--format", "json", "--as-of", at), 1),
    ):
        measured = [cli_run(work, *args) for _ in range(times)]
        seconds = statistics.median(m[0] for m in measured)
        rss = max(m[1] for m in measured)
        print(f"{label + ':':40s} median {seconds:6.2f} s (after start-up), peak RSS {rss:5.0f} MB")


def on_postgres(url: str, jurisdictions: int, runs: int) -> None:
    """The full pass beside the SQL lower bound on PostgreSQL (the registry is generated there first)."""
    engine = make_engine(url)
    with engine.connect() as conn:
        ready = conn.execute(text("SELECT to_regclass('milestones') IS NOT NULL")).scalar()
        if ready:
            ready = conn.execute(text("SELECT count(*) FROM milestones")).scalar() == jurisdictions * 2000
    if not ready:  # generated once, like the SQLite file
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        generate(url, jurisdictions)
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    migrate.upgrade(engine)  # generated by an older revision: the newer indexes
    sessions: sessionmaker[Session] = make_session_factory(engine)
    rules = RuleConfig(tz=SEOUL, event_grace=timedelta(0))
    bound, rows = _median(lambda: sql_bound(engine, rules), runs)
    print(f"PostgreSQL set-based SQL lower bound:   median {bound:6.2f} s   ({rows:,} milestones classified)")
    seconds, found = _median(
        lambda: sum(len(result.findings) for result in evaluate_all(sessions, rules, NOW)), runs
    )
    print(
        f"PostgreSQL full evaluation pass:        median {seconds:6.2f} s   ({found:,} conditions), "
        f"{seconds / bound:.1f}x the bound"
    )
    engine.dispose()


def floors(sessions: sessionmaker[Session], rules: RuleConfig, bound: float) -> None:
    """What the whole-country views cannot do without, each as a ratio to the bound: the statement that
    decides every state the pass must produce (its rows fetched), and for `check --format json` the
    evaluations' texts (the rules' builders, the snapshot's SQL excluded) and their JSON encoding."""
    from monitor import snapshot
    from monitor.cli.engine_cmds import evaluation_json
    from monitor.snapshot.milestones import compact_query, query

    with sessions() as session:
        pieces = snapshot.parts(session, snapshot.EVERYTHING)
        started = time.perf_counter()
        session.connection().execute(compact_query(session, rules, NOW, None)).fetchall()
        deciding = time.perf_counter() - started
        started = time.perf_counter()
        for piece in pieces:
            session.connection().execute(query(session, rules, NOW, piece.commitment_ids)).fetchall()
        reading = time.perf_counter() - started
    building = encoding = 0.0
    for piece in pieces:
        with sessions() as session:
            started = time.perf_counter()
            found = snapshot.build(session, rules, NOW, piece).evaluations
            building += time.perf_counter() - started
        started = time.perf_counter()
        for e in found:
            json.dumps(evaluation_json(e, SEOUL, "ko"), ensure_ascii=False, default=str)
        encoding += time.perf_counter() - started
    for label, seconds in (
        ("floor: the SQL deciding every state", deciding),
        ("floor: the SQL reading every evaluation", reading),
        ("floor: the rules' texts (build - its SQL)", building - reading),
        ("floor: JSON encoding of every evaluation", encoding),
    ):
        print(f"{label + ':':46s} {seconds:6.2f} s   {seconds / bound:4.1f}x the bound")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jurisdictions", type=int, default=243)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="only the bound and the full pass, on this (emptied) PostgreSQL database",
    )
    args = parser.parse_args()
    if args.postgres:
        on_postgres(args.postgres, args.jurisdictions, args.runs)
        return
    CACHE.mkdir(exist_ok=True)
    cached = CACHE / f"national-{args.jurisdictions}.sqlite3"
    if args.generate_only:
        generate(cached, args.jurisdictions)
        return
    if not cached.exists():  # in a child process, so the generator's memory does not count as ours
        subprocess.run(
            [sys.executable, __file__, "--generate-only", "--jurisdictions", str(args.jurisdictions)],
            check=True,
        )
    work = CACHE / "work.sqlite3"
    shutil.copy(cached, work)
    engine = make_engine(f"sqlite:///{work}")
    migrate.upgrade(engine)  # a file cached by an older revision gets the newer indexes
    sessions: sessionmaker[Session] = make_session_factory(engine)
    rules = RuleConfig(tz=SEOUL, event_grace=timedelta(0))
    life = LifecycleConfig(group_wait=timedelta(0), destinations=("console",))
    bounds = boundaries(rules, life)

    def full_pass() -> int:
        return sum(len(result.findings) for result in evaluate_all(sessions, rules, NOW))

    def built_pass() -> int:
        return sum(len(result.evaluations) for result in evaluate_all(sessions, rules, NOW))

    bound, rows = _median(lambda: sql_bound(engine, rules), args.runs)
    print(f"set-based SQL lower bound:              median {bound:6.2f} s   ({rows:,} milestones classified)")
    seconds, found = _median(full_pass, args.runs)
    print(
        f"full evaluation pass (read-only):      median {seconds:6.2f} s   ({found:,} conditions), "
        f"{seconds / bound:.1f}x the bound"
    )
    seconds, found = _median(built_pass, max(1, args.runs // 2))
    print(
        f"  ... with every evaluation built:     median {seconds:6.2f} s   ({found:,} with reasons and figures), "
        f"{seconds / bound:.1f}x the bound"
    )
    floors(sessions, rules, bound)
    print(
        f"peak RSS after the full passes:         {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:6.0f} MB"
    )
    started = time.perf_counter()
    first = detect(sessions, rules, life, NOW, keep=False)
    print(
        f"first detect (pass + alert/outbox writes): {time.perf_counter() - started:6.2f} s   "
        f"({first.notified:,} notifications)"
    )
    steady, _ = _median(
        lambda: detect(sessions, rules, life, NOW + timedelta(minutes=1), keep=False), args.runs
    )
    print(f"steady detect (nothing new):            median {steady:6.2f} s")

    def plan() -> Any:
        with sessions() as session:
            return next_change(session, bounds, NOW)

    seconds, wakeup = _median(plan, args.runs * 4)
    print(
        f"next wake-up computation:               median {seconds * 1000:6.1f} ms  (next: {wakeup.at} {wakeup.reason})"
    )
    due_at = due_instant(DUE_100, SEOUL) + rules.grace

    def incremental() -> int:
        with sessions() as session:
            codes, _ = crossed(session, bounds, due_at - timedelta(seconds=1), due_at)
            scope = card_scope(session, codes)
        return detect(sessions, rules, life, due_at, scope, keep=False).notified

    detect(
        sessions, rules, life, due_at - timedelta(seconds=2), keep=False
    )  # the state just before the 100 fall due
    times = []
    for _ in range(args.runs):
        with engine.begin() as conn:  # undo the previous run so that each run really fires 100 alerts
            conn.execute(delete(m.Alert).where(m.Alert.key.like("%.m0:overdue")))
            conn.execute(delete(m.OutboxEntry).where(m.OutboxEntry.alert_key.like("%.m0:overdue")))
        started = time.perf_counter()
        fired = incremental()
        times.append(time.perf_counter() - started)
    print(
        f"incremental wake-up, 100 items due:     median {statistics.median(times) * 1000:6.1f} ms  ({fired} notifications)"
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS so far:                        {rss:6.0f} MB")
    engine.dispose()
    views(work, args.runs)
    if not args.skip_latency:
        lat = sorted(latency(work, rules, life, lead=2 * steady + 20))
        p95 = lat[max(0, int(len(lat) * 0.95) - 1)]
        print(
            f"alert latency (due → notifier call):    median {statistics.median(lat):5.2f} s, p95 {p95:5.2f} s, "
            f"max {lat[-1]:5.2f} s over {len(lat)} alerts"
        )
        print(
            f"peak RSS:                               {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:6.0f} MB"
        )


if __name__ == "__main__":
    main()
