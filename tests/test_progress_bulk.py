"""Bulk writes: a spreadsheet import goes in as one batch (set-wise lookups, multi-row inserts, one chain
append) and must leave the database exactly as writing its reports one at a time through `log_progress`
does — same rows, same ids, same history chain — on SQLite and PostgreSQL; and nothing at all when any
report of it is refused, however late in the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from monitor.db import models as m
from monitor.db.chain import HEAD_KEY
from monitor.errors import InputError
from monitor.history.verify import verify
from monitor.imports import ImportOutcome, ImportRejected, import_progress
from monitor.progress import Batch, log_progress
from monitor.writecheck import ProgressInput
from tests.conftest import _postgres_schema_url
from tests.factories import NOW, SEOUL, load_shipped_seeds, migrated_engine, sessions_for
from tests.test_progress_import import OFFICIAL, korean, on_roster, write_csv

PLACES = ("daejeon", "gwangju-seo")
SHEET = korean(
    {"코드": "DJ-9-3", "기준일": "2026-09-30", "상태": "정상추진"},
    {
        "코드": "DJ-9-3.youth-housing",
        "기준일": "2026-06-30",
        "실적": "800",
        "근거": "https://example.org/a https://example.org/b",
    },
    {"코드": "DJ-9-3.youth-housing", "기준일": "2026-09-30", "실적": "1,200호"},
    {"코드": "DJ-1-3-2.ventures", "기준일": "2026-09-30", "실적": "300", "비고": "1차"},
    {"코드": "DJ-9-3.youth-housing", "기준일": "2026-10-31", "실적": "1100"},  # goes down: a correction
    {"코드": "DJ-6-4-1.established", "기준일": "2026-10-31", "상태": "완료"},
    {
        "코드": "SEOGU-1-1.2024",
        "기준일": "2026-10-31",
        "계획액": "300",
        "확보액": "250",
        "집행액": "200.50",
        "재원": "국비",
    },
    {"코드": "SEOGU-1-1.2024", "기준일": "2026-10-31", "확보액": "215", "집행액": "150", "재원": "구비"},
    {"코드": "SEOGU-1-2.2024", "기준일": "2026-10-31", "집행액": "140"},
    {"코드": "DJ-9-3", "기준일": "2026-10-31", "상태": "일부추진", "비고": "예산 부족"},
    {
        "코드": "DJ-9-3.youth-housing",
        "기준일": "2026-11-01",
        "실적": "1000",
    },  # a correction of the correction
)


def _report(code: str, as_of: str, **fields: Any) -> ProgressInput:
    return ProgressInput(
        code=code, reporter=OFFICIAL, channel="import", as_of=date.fromisoformat(as_of), **fields
    )


# The sheet's reports as the import makes them, written one at a time in file order (what it did before).
ONE_BY_ONE = [
    _report("DJ-9-3", "2026-09-30", status="on_track"),
    _report(
        "DJ-9-3.youth-housing",
        "2026-06-30",
        value=Decimal(800),
        evidence=["https://example.org/a", "https://example.org/b"],
    ),
    _report("DJ-9-3.youth-housing", "2026-09-30", value=Decimal(1200)),
    _report("DJ-1-3-2.ventures", "2026-09-30", value=Decimal(300), note="1차"),
    _report("DJ-9-3.youth-housing", "2026-10-31", value=Decimal(1100), correction=True),
    _report("DJ-6-4-1.established", "2026-10-31", status="done"),
    _report(
        "SEOGU-1-1.2024",
        "2026-10-31",
        planned=Decimal(300),
        secured=Decimal(465),
        executed=Decimal("350.50"),
        by_source={
            "국비": {"planned": "300", "secured": "250", "executed": "200.50"},
            "구비": {"secured": "215", "executed": "150"},
        },
    ),
    _report("SEOGU-1-2.2024", "2026-10-31", executed=Decimal(140)),
    _report("DJ-9-3", "2026-10-31", status="partial", note="예산 부족"),
    _report("DJ-9-3.youth-housing", "2026-11-01", value=Decimal(1000), correction=True),
]


def _with_roster(url: str) -> tuple[Engine, sessionmaker[Session]]:
    engine = migrated_engine(url)
    sessions = sessions_for(engine)
    load_shipped_seeds(sessions)
    on_roster(sessions, *PLACES)
    return engine, sessions


@pytest.fixture
def roster(seeded: sessionmaker[Session]) -> sessionmaker[Session]:
    on_roster(seeded, *PLACES)
    return seeded


@pytest.fixture
def twin(db_url: str, tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    """A second database of the same kind and content as `roster`, for the one-at-a-time reference."""
    urls = (
        iter([f"sqlite:///{tmp_path}/twin.sqlite3"])
        if db_url.startswith("sqlite")
        else _postgres_schema_url()
    )
    engine, sessions = _with_roster(next(urls))
    yield sessions
    engine.dispose()
    for _ in urls:  # drops the PostgreSQL schema
        pass


def _database(sessions: sessionmaker[Session]) -> dict[str, list[Any]]:
    """Everything a progress write touches, as stored (the progress signal counter aside)."""
    tables = {
        "progress_reports": m.ProgressReport.id,
        "status_changes": m.StatusChange.id,
        "history_chain": m.ChainEntry.seq,
    }
    with sessions() as session:
        found: dict[str, list[Any]] = {
            name: [tuple(row) for row in session.execute(select(column.table).order_by(column))]
            for name, column in tables.items()
        }
        found["stale_clocks"] = list(
            session.execute(select(m.Commitment.id, m.Commitment.stale_ref_at).order_by(m.Commitment.id))
        )
        found["head"] = [session.get_one(m.Meta, HEAD_KEY).value]
    return found


def _figures(outcome: ImportOutcome) -> list[tuple[Any, ...]]:
    """What an import wrote, but the ids corrections point at (a PostgreSQL sequence does not roll back)."""
    return [
        (w.rows, w.code, w.as_of, {k: v for k, v in w.fields.items() if k != "corrects"})
        for w in outcome.written
    ]


def test_an_import_writes_what_logging_its_reports_one_at_a_time_wrote(
    roster: sessionmaker[Session], twin: sessionmaker[Session], tmp_path: Path
) -> None:
    path = write_csv(tmp_path, SHEET)
    dry = import_progress(roster, path, by=OFFICIAL, now=NOW, tz=SEOUL, dry_run=True, correction=True)
    with pytest.raises(_RolledBack), twin.begin() as session:  # the reference's dry run (ids used alike)
        for entry in ONE_BY_ONE:
            log_progress(session, entry, NOW, SEOUL)
        raise _RolledBack
    with twin.begin() as session:
        for entry in ONE_BY_ONE:
            log_progress(session, entry, NOW, SEOUL)
    outcome = import_progress(roster, path, by=OFFICIAL, now=NOW, tz=SEOUL, correction=True)
    assert _figures(dry) == _figures(outcome)
    assert len(outcome.written) == len(ONE_BY_ONE)
    bulk, reference = _database(roster), _database(twin)
    assert len(bulk["progress_reports"]) > len(ONE_BY_ONE)  # the seeds' reports are there too
    for table in reference:
        assert bulk[table] == reference[table], table
    with roster() as session:
        result = verify(session)
    assert result.intact, result.breaches


class _RolledBack(Exception):
    pass


def _counts(sessions: sessionmaker[Session]) -> tuple[Any, ...]:
    """Reports, statuses, chain entries, and the `meta` rows (the chain head, the progress signal)."""
    with sessions() as session:
        counts = [
            session.scalar(select(func.count()).select_from(model))
            for model in (m.ProgressReport, m.StatusChange, m.ChainEntry)
        ]
        return (*counts, dict(session.execute(select(m.Meta.key, m.Meta.value)).all()))


def test_a_bad_report_at_the_end_of_a_long_file_keeps_all_of_it_out(
    roster: sessionmaker[Session], tmp_path: Path
) -> None:
    with roster() as session:
        pledges = list(session.scalars(select(m.Commitment.code).where(m.Commitment.code.like("DJ-%"))))
        quantities = list(
            session.scalars(
                select(m.Milestone.code).where(m.Milestone.kind == "quantity", m.Milestone.code.like("DJ-%"))
            )
        )
    rows = [{"코드": code, "기준일": "2026-09-30", "상태": "정상추진"} for code in pledges]
    rows += [
        {"코드": code, "기준일": f"2026-0{month}-28", "실적": str(month * 10)}
        for code in quantities
        for month in (7, 8, 9)
    ]
    last = {"코드": quantities[0], "기준일": "2026-10-31", "실적": "5"}  # below its own row of 2026-09-28
    before = _counts(roster)
    with pytest.raises(ImportRejected) as rejected:
        import_progress(roster, write_csv(tmp_path, korean(*rows, last)), by=OFFICIAL, now=NOW, tz=SEOUL)
    assert len(rows) > 150
    assert rejected.value.problems == [
        f"sheet.csv:{len(rows) + 2}:실적: {quantities[0]} is cumulative and was 90 on 2026-09-28; 5 would go"
        " down — log it as a correction (--correction) if that was wrong"
    ]
    assert _counts(roster) == before  # no report, no chain entry, no signal bump


def test_the_write_path_refuses_a_negative_amount_of_one_source_even_when_the_total_is_positive(
    roster: sessionmaker[Session],
) -> None:
    split = {"국비": {"executed": "300"}, "구비": {"executed": "-100"}}
    entry = _report("SEOGU-1-1.2024", "2026-10-31", executed=Decimal(200), by_source=split)
    before = _counts(roster)
    with pytest.raises(InputError, match=r"^구비.executed -100 is negative$"), roster.begin() as session:
        log_progress(session, entry, NOW, SEOUL)
    assert _counts(roster) == before


# PostgreSQL only: SQLite has one writer at a time anyway
@pytest.mark.parametrize("db_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_a_batch_holds_the_writers_turn_on_the_history_head_from_its_start(
    roster: sessionmaker[Session], engine: Engine, db_url: str
) -> None:
    with roster.begin() as session:
        Batch(session, NOW, SEOUL)
        with engine.connect() as other, pytest.raises(OperationalError, match="could not obtain lock"):
            other.execute(
                text("SELECT value FROM meta WHERE key = :key FOR UPDATE NOWAIT"), {"key": HEAD_KEY}
            )
