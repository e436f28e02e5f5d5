"""Engine and session construction. Built by the entry point and passed down; never at import time."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from monitor.db import chain
from monitor.db.models import MilestoneRevision, ProgressReport, StatusChange
from monitor.errors import HistoryIsAppendOnly

log = logging.getLogger(__name__)

HISTORY_TYPES = (ProgressReport, StatusChange, MilestoneRevision)


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine; for SQLite, create the file's folder and turn on foreign keys and WAL."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        # Named parameters: an expression used twice in a statement (an aggregate the classification
        # reads in several CASE branches) renders twice with the same `:name`, so SQLite recognises it as
        # one aggregate and computes it once; with `?` each copy was a new parameter and recomputed per
        # report row (a third of a national pass's statement time).
        engine = create_engine(url, echo=echo, paramstyle="named", connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # PostgreSQL's JIT compiles a plan's expressions when its estimated cost is high; the snapshot's
    # classification (many CASE branches, correlated subqueries that rarely run) is costed high and then
    # spends seconds compiling for a query that runs in one: measured 4.4 s of JIT in a 5 s statement.
    # (The URL's own `options`, a search_path say, are kept.)
    given = parsed.query.get("options")
    options = " ".join([*([given] if isinstance(given, str) else given or ()), "-c jit=off"])
    return create_engine(url, echo=echo, pool_pre_ping=True, connect_args={"options": options})


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets the daemon read while a CLI command writes. In WAL mode, synchronous=NORMAL is still
    # crash-safe (no corruption); a power cut may undo the last commits, which the next pass redoes —
    # and a re-sent notification keeps its dedup key.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that refuse to update or delete history rows and chain every change of it."""
    factory = sessionmaker(engine, expire_on_commit=False)
    event.listen(factory, "before_flush", _guard_history)
    event.listen(factory, "after_flush", chain.record_flush)
    return factory


def _guard_history(session: Session, _context: Any, _instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, HISTORY_TYPES) and (obj in session.deleted or session.is_modified(obj)):
            raise HistoryIsAppendOnly(
                f"{type(obj).__name__} {getattr(obj, 'id', '?')} is history and cannot be changed or deleted;"
                " "
                "record a correction as a new entry instead"
            )
