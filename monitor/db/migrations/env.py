"""Alembic environment. `monitor init` passes its connection in `config.attributes["connection"]`;
developers running the `alembic` command get the database from the monitor's settings."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from monitor.db import models  # noqa: F401 - registers every table on Base.metadata
from monitor.db.base import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite can only ALTER tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from monitor.db.engine import make_engine
    from monitor.settings import load_settings

    engine = make_engine(load_settings().database_url)
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()


run_migrations()
