"""Migration 0004 chains the history a database already had, with its own frozen copy of the hashing.

A migration is a snapshot in time: it must keep producing the same chain even when `monitor.history`
changes later. The rows below — one or more of every table chained at 0004, written at revision 0003,
before the chain existed — must come out as the exact entries (and head) the migration gave when it was
written, on SQLite and PostgreSQL alike, and today's `monitor verify` must find that chain intact.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from monitor.db import migrate
from monitor.db import models as m
from monitor.db.engine import make_engine
from monitor.db.types import ExactDecimal, UTCDateTime
from monitor.history.verify import verify
from tests.factories import run_cli, sessions_for

T0 = datetime(2026, 11, 1, 0, 0, tzinfo=UTC)

# The head and entries the migration wrote for the rows below when its hashing was frozen into it.
HEAD = "9:0057e3db53414ead117fd0a3ebe404718ff91d6ce6d80fd009ba1b75ace2152e"
ENTRIES = [
    ("insert", "progress_reports", 1),
    ("insert", "progress_reports", 2),
    ("insert", "status_changes", 1),
    ("insert", "milestone_revisions", 1),
    ("insert", "silences", 1),
    ("insert", "silences", 2),
    ("insert", "officials", 1),
    ("insert", "access_attempts", 1),
    ("insert", "access_attempts", 2),
]


def _table(table_name: str, /, **types: Any) -> sa.TableClause:
    return sa.table(table_name, *(sa.column(column, type_) for column, type_ in types.items()))


JSON = sa.JSON()
WHEN = UTCDateTime(timezone=True)
AMOUNT = ExactDecimal()


def _write_history_at_0003(engine: Engine) -> None:
    """A registry of one commitment and one milestone, and history rows of every chained table."""
    registry = {"attributes": JSON, "created_at": WHEN, "updated_at": WHEN}
    rows: list[tuple[sa.TableClause, dict[str, Any]]] = [
        (
            _table("jurisdictions", slug=None, name_ko=None, name_en=None, level=None),
            {"slug": "x", "name_ko": "엑스시", "name_en": "X City", "level": "metropolitan"},
        ),
        (
            _table(
                "source_documents",
                file=None,
                title=None,
                publisher=None,
                sha256=None,
                text=None,
                seed_file=None,
            ),
            {
                "file": "x.txt",
                "title": "공약",
                "publisher": "x",
                "sha256": "0" * 64,
                "text": "",
                "seed_file": "x",
            },
        ),
        (
            _table(
                "commitments",
                code=None,
                jurisdiction_id=None,
                kind=None,
                title=None,
                non_budget=None,
                source_id=None,
                source_line=None,
                source_end_line=None,
                position=None,
                **registry,
            ),
            {
                "code": "X-1",
                "jurisdiction_id": 1,
                "kind": "pledge",
                "title": "청년 주거",
                "non_budget": False,
                "source_id": 1,
                "source_line": 1,
                "source_end_line": 1,
                "position": 0,
                "attributes": {},
                "created_at": T0,
                "updated_at": T0,
            },
        ),
        (
            _table(
                "milestones",
                code=None,
                commitment_id=None,
                key=None,
                kind=None,
                title=None,
                due_at=WHEN,
                cumulative=None,
                source_line=None,
                source_end_line=None,
                position=None,
                **registry,
            ),
            {
                "code": "X-1.homes",
                "commitment_id": 1,
                "key": "homes",
                "kind": "target",
                "title": "주택 공급",
                "due_at": datetime(2030, 6, 30, 15, tzinfo=UTC),
                "cumulative": True,
                "source_line": 1,
                "source_end_line": 1,
                "position": 0,
                "attributes": {},
                "created_at": T0,
                "updated_at": T0,
            },
        ),
    ]
    reports = _table(
        "progress_reports",
        commitment_id=None,
        milestone_id=None,
        value=AMOUNT,
        secured_amount=AMOUNT,
        executed_amount=AMOUNT,
        as_of=sa.Date(),
        note=None,
        evidence=JSON,
        reporter=None,
        channel=None,
        entered_at=WHEN,
        corrects_id=None,
    )
    report = {"commitment_id": 1, "milestone_id": 1, "reporter": "감시단", "channel": "cli", "note": None}
    rows += [
        (
            reports,
            report
            | {
                "value": Decimal("873.20"),
                "secured_amount": Decimal("1200"),
                "executed_amount": None,
                "as_of": date(2026, 10, 31),
                "evidence": ["https://example.org/a", {"page": 3}],
                "entered_at": T0,
                "corrects_id": None,
            },
        ),
        (
            reports,
            report
            | {
                "value": Decimal("873.25"),
                "secured_amount": None,
                "executed_amount": Decimal("0.5"),
                "as_of": date(2026, 10, 31),
                "evidence": [],
                "note": "정정",
                "entered_at": datetime(2026, 11, 2, 9, 30, 15, 250000, tzinfo=UTC),
                "corrects_id": 1,
            },
        ),
        (
            _table(
                "status_changes",
                commitment_id=None,
                status=None,
                as_of=sa.Date(),
                evidence=JSON,
                reporter=None,
                channel=None,
                entered_at=WHEN,
            ),
            {
                "commitment_id": 1,
                "status": "정상추진",
                "as_of": date(2026, 10, 31),
                "evidence": {"url": "https://example.org/s", "쪽": 2},
                "reporter": "감시단",
                "channel": "telegram",
                "entered_at": T0,
            },
        ),
        (
            _table("milestone_revisions", milestone_id=None, changed_at=WHEN, changes=JSON, seed_file=None),
            {
                "milestone_id": 1,
                "changed_at": T0,
                "changes": {"due_at": ["2029-12-31", "2030-06-30"], "title": ["주택", "주택 공급"]},
                "seed_file": "x.yaml",
            },
        ),
    ]
    silences = _table(
        "silences",
        code_prefix=None,
        jurisdiction=None,
        starts_at=WHEN,
        ends_at=WHEN,
        reason=None,
        created_by=None,
        created_at=WHEN,
        removed_at=WHEN,
        removed_by=None,
        chat_id=sa.BigInteger(),
    )
    silence = {"starts_at": T0, "ends_at": datetime(2026, 11, 8, tzinfo=UTC), "created_at": T0}
    rows += [
        (
            silences,
            silence
            | {
                "code_prefix": "X-1",
                "jurisdiction": None,
                "reason": "조정 중",
                "created_by": "감시단",
                "removed_at": datetime(2026, 11, 1, 1, tzinfo=UTC),
                "removed_by": "감시단",
                "chat_id": None,
            },
        ),
        (
            silences,
            silence
            | {
                "code_prefix": None,
                "jurisdiction": "x",
                "reason": "chat mute",
                "created_by": "telegram:7",
                "removed_at": None,
                "removed_by": None,
                "chat_id": -1001234567890,
            },
        ),
        (
            _table(
                "officials",
                telegram_user_id=sa.BigInteger(),
                jurisdiction=None,
                name=None,
                added_by=None,
                added_at=WHEN,
            ),
            {
                "telegram_user_id": 7,
                "jurisdiction": "x",
                "name": "기획조정실",
                "added_by": "admin",
                "added_at": T0,
            },
        ),
    ]
    attempts = _table(
        "access_attempts",
        at=WHEN,
        telegram_user_id=sa.BigInteger(),
        chat_id=sa.BigInteger(),
        command=None,
        detail=None,
        allowed=sa.Boolean(),
        reason=None,
    )
    attempt = {"telegram_user_id": 7, "chat_id": 7, "command": "log"}
    rows += [
        (attempts, attempt | {"at": T0, "detail": "X-1 3", "allowed": False, "reason": "not on the roster"}),
        (
            attempts,
            attempt
            | {
                "at": datetime(2026, 11, 1, 0, 0, 1, tzinfo=UTC),
                "detail": "X-1 4",
                "allowed": True,
                "reason": "",
            },
        ),
    ]
    with engine.begin() as conn:
        for table, values in rows:
            conn.execute(sa.insert(table).values(values))


@pytest.fixture
def upgraded(db_url: str) -> Iterator[tuple[Engine, sessionmaker[Session]]]:
    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine, "0003")
        _write_history_at_0003(engine)
        migrate.upgrade(engine)
        yield engine, sessions_for(engine)
    finally:
        engine.dispose()


def test_the_upgrade_chains_existing_history_exactly_as_when_the_migration_was_written(
    upgraded: tuple[Engine, sessionmaker[Session]],
) -> None:
    _engine, sessions = upgraded
    with sessions() as session:
        entries = session.scalars(select(m.ChainEntry).order_by(m.ChainEntry.seq)).all()
        head = session.scalars(select(m.Meta.value).where(m.Meta.key == "history.head")).one()
    assert [(e.kind, e.ref_table, e.ref_id) for e in entries] == ENTRIES
    assert head == HEAD


def test_todays_verify_finds_the_migrated_chain_intact(
    upgraded: tuple[Engine, sessionmaker[Session]], db_url: str
) -> None:
    _engine, sessions = upgraded
    with sessions() as session:
        result = verify(session)
    assert result.intact, result.breaches
    assert result.entries == len(ENTRIES)
    cli = run_cli(["--lang", "en", "verify"], db_url=db_url)
    assert cli.exit_code == 0, cli.output
    assert cli.output.startswith("history intact:")


def test_the_upgrade_to_0007_chains_the_pledgers_a_database_already_had(db_url: str) -> None:
    """Pledgers (and outcomes) written at 0006, before they were chained, are chained by 0007; a direct
    edit of an outcome afterwards is a breach."""
    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine, "0003")
        _write_history_at_0003(engine)
        migrate.upgrade(engine, "0006")
        pledgers = _table(
            "pledgers", key=None, name=None, role=None, office=None, jurisdiction_id=None, term=None,
            term_start=sa.Date(), election_on=sa.Date(), outcome=None, outcome_on=sa.Date(),
            outcome_at=WHEN, source_id=None, source_line=None, created_at=WHEN, updated_at=WHEN,
        )  # fmt: skip
        with engine.begin() as conn:
            conn.execute(
                sa.insert(pledgers).values(
                    key="x-2026",
                    name="홍길동",
                    role="candidate",
                    office="엑스시장",
                    jurisdiction_id=1,
                    term="민선9기",
                    term_start=date(2026, 7, 1),
                    election_on=date(2026, 6, 3),
                    outcome="elected",
                    outcome_on=date(2026, 6, 4),
                    outcome_at=datetime(2026, 6, 3, 15, tzinfo=UTC),
                    source_id=1,
                    source_line=1,
                    created_at=T0,
                    updated_at=T0,
                )
            )
        migrate.upgrade(engine)
        sessions = sessions_for(engine)
        with sessions() as session:
            last = session.scalars(select(m.ChainEntry).order_by(m.ChainEntry.seq.desc())).first()
            assert last is not None and (last.kind, last.ref_table, last.ref_id) == ("insert", "pledgers", 1)
            assert verify(session).intact
        with engine.begin() as conn:
            conn.execute(sa.update(pledgers).values(outcome="lost"))
        with sessions() as session:
            breaches = verify(session).breaches
        assert [b.message for b in breaches] == [
            "pledgers row 1 was edited directly (outcome: 'elected' → 'lost'; entry #10)"
        ]
    finally:
        engine.dispose()
