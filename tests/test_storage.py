"""The database layer: migrations, exact decimals, UTC instants, constraints, append-only history."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session, sessionmaker

from monitor.db import migrate
from monitor.db import models as m
from monitor.db.base import Base
from monitor.db.engine import make_engine
from monitor.errors import HistoryIsAppendOnly
from tests.conftest import _postgres_schema_url
from tests.factories import NOW, detect_at, load_shipped_seeds, sessions_for

TABLES = {
    "jurisdictions",
    "source_documents",
    "commitments",
    "commitment_parties",
    "status_changes",
    "milestones",
    "milestone_revisions",
    "progress_reports",
    "reference_items",
    "published_totals",
    "findings",
    "meta",
    "alerts",
    "silences",
    "outbox",
    "evaluation_errors",
    "job_runs",
}


def test_upgrade_from_empty_creates_every_table(db_url: str) -> None:
    engine = make_engine(db_url)
    before, after = migrate.upgrade(engine)
    assert (before, after) == (None, migrate.head_revision())
    assert set(inspect(engine).get_table_names()) >= TABLES


def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_upgrade_again_keeps_data(engine: Engine) -> None:
    load_shipped_seeds(sessions_for(engine))
    with engine.connect() as conn:
        before = conn.execute(text("SELECT count(*) FROM milestones")).scalar_one()
    assert migrate.upgrade(engine) == (migrate.head_revision(), migrate.head_revision())
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM milestones")).scalar_one() == before


def test_telegram_migration_keeps_alerts_and_fills_their_category(engine: Engine) -> None:
    sessions = sessions_for(engine)
    load_shipped_seeds(sessions)
    detect_at(sessions, NOW)
    with engine.connect() as conn:
        before = conn.execute(text("SELECT count(*) FROM alerts")).scalar_one()
    migrate.downgrade(engine, "0002")  # alerts as they were before categories
    assert "category" not in {c["name"] for c in inspect(engine).get_columns("alerts")}
    migrate.upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alerts")).scalar_one() == before
        filled = conn.execute(
            text("SELECT category FROM alerts WHERE commitment_code = 'DJ-4-1' AND rule = 'stale'")
        ).scalar_one()
    assert filled == "노동·인권·여성"  # the 분야 of DJ-4, as in the seeds
    assert {"subscriptions", "officials", "outbox"} <= set(inspect(engine).get_table_names())


def test_downgrade_to_empty_and_up_again(engine: Engine) -> None:
    migrate.downgrade(engine, "base")
    assert not TABLES & set(inspect(engine).get_table_names())
    migrate.upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES


def test_amounts_keep_their_published_digits(seeded: sessionmaker[Session]) -> None:
    with seeded() as session:
        tranche = session.scalar(select(m.Milestone).where(m.Milestone.code == "SEOGU-3-3.2022-2023"))
        total = session.scalar(select(m.PublishedTotal).where(m.PublishedTotal.column_label == "2022~2023"))
    assert tranche is not None and total is not None
    assert str(tranche.planned_amount) == "873.20"
    assert total.amount == Decimal("57421.4")


def test_floats_are_refused_as_amounts(seeded: sessionmaker[Session]) -> None:
    with pytest.raises(StatementError, match="use Decimal"), seeded.begin() as session:
        milestone = session.scalar(select(m.Milestone).where(m.Milestone.code == "DJ-9-3.youth-housing"))
        assert milestone is not None
        milestone.target_value = 5000.5  # type: ignore[assignment]


def test_instants_come_back_aware_in_utc(seeded: sessionmaker[Session]) -> None:
    with seeded() as session:
        event = session.scalar(select(m.Milestone).where(m.Milestone.code == "SEOUL-SEJONG-2023.signing"))
    assert event is not None and event.starts_at is not None
    assert event.starts_at.tzinfo is UTC
    assert event.starts_at == datetime(2023, 4, 10, 11, 10, tzinfo=timezone(timedelta(hours=9)))
    assert event.due_at == event.ends_at


def test_naive_instants_are_refused(seeded: sessionmaker[Session]) -> None:
    with pytest.raises(StatementError, match="naive datetime"), seeded.begin() as session:
        milestone = session.scalar(select(m.Milestone).where(m.Milestone.code == "DJ-9-3.youth-housing"))
        assert milestone is not None
        milestone.due_at = datetime(2030, 6, 30)  # noqa: DTZ001 - the point of the test


def test_quantity_milestone_needs_a_unit(seeded: sessionmaker[Session]) -> None:
    with pytest.raises(IntegrityError), seeded.begin() as session:
        commitment = session.scalar(select(m.Commitment).where(m.Commitment.code == "DJ-9-3"))
        session.add(
            m.Milestone(
                commitment=commitment,
                code="DJ-9-3.x",
                key="x",
                kind="quantity",
                title="x",
                due_at=NOW,
                source_line=1,
                source_end_line=1,
                position=9,
                attributes={},
                created_at=NOW,
                updated_at=NOW,
            )
        )


def _a_report(session: Session, code: str) -> m.ProgressReport:
    report = session.scalar(select(m.ProgressReport).join(m.Milestone).where(m.Milestone.code == code))
    assert report is not None
    return report


def test_progress_history_cannot_be_updated_or_deleted(seeded: sessionmaker[Session]) -> None:
    with pytest.raises(HistoryIsAppendOnly), seeded.begin() as session:
        _a_report(session, "DG-2021-1.members").value = Decimal(999)
    with pytest.raises(HistoryIsAppendOnly), seeded.begin() as session:
        session.delete(_a_report(session, "DG-2021-1.members"))
    with seeded() as session:
        assert _a_report(session, "DG-2021-1.members").value == Decimal(656)


def test_correction_is_a_new_row_pointing_at_the_corrected_one(seeded: sessionmaker[Session]) -> None:
    with seeded.begin() as session:
        original = _a_report(session, "DG-2021-1.members")
        session.add(
            m.ProgressReport(
                commitment_id=original.commitment_id,
                milestone_id=original.milestone_id,
                value=Decimal(660),
                as_of=date(2021, 12, 31),
                evidence=[],
                reporter="official",
                channel="cli",
                entered_at=NOW,
                corrects=original,
            )
        )
    with seeded() as session:
        rows = list(
            session.scalars(
                select(m.ProgressReport)
                .where(m.ProgressReport.value.in_([656, 660]))
                .order_by(m.ProgressReport.id)
            )
        )
    assert [r.value for r in rows] == [Decimal(656), Decimal(660)]
    assert rows[1].corrects_id == rows[0].id


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from _postgres_schema_url()


@pytest.mark.postgres
def test_postgresql_connections_keep_the_urls_options_and_run_without_jit(postgres_url: str) -> None:
    """The classification's plans are costed high; JIT would spend seconds compiling them (see engine)."""
    engine = make_engine(postgres_url)
    with engine.connect() as conn:
        jit, path = conn.execute(text("SELECT current_setting('jit'), current_setting('search_path')")).one()
    engine.dispose()
    assert jit == "off" and path.startswith("t_")  # the test schema from the URL's own options


RUNS_OF_EIGHT = [i for start in range(0, 70 * 10, 10) for i in range(start, start + 8)]  # 70 runs: > `most`


@pytest.mark.parametrize(
    "ids",
    [
        set(),
        {5},
        set(range(100)),  # one run
        set(range(0, 200, 2)),  # no run
        set(range(7)) | set(range(20, 28)) | {40, 41, 99},  # a run of 7 is listed, a run of 8 a range
        set(RUNS_OF_EIGHT),  # too many runs for one OR chain: listed
    ],
    ids=["none", "one", "one-run", "scattered", "mixed", "many-runs"],
)
def test_an_id_filter_selects_exactly_the_given_ids(engine: Engine, ids: set[int]) -> None:
    """A part's filter (ranges of consecutive ids plus a list) keeps exactly its ids."""
    from sqlalchemy import Column, Integer, MetaData, Table, insert

    from monitor.evaluation.sql import in_or_all

    table = Table("numbers", MetaData(), Column("id", Integer, primary_key=True))
    with engine.begin() as conn:
        table.create(conn)
        conn.execute(insert(table), [{"id": i} for i in range(720)])
        found = set(conn.scalars(select(table.c.id).where(in_or_all(table.c.id, ids))))
        everything = set(conn.scalars(select(table.c.id).where(in_or_all(table.c.id, None))))
        table.drop(conn)
    assert found == ids
    assert everything == set(range(720))
