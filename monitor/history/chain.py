"""Writing to the hash chain past the unit of work (the chain itself and its hook: `monitor.db.chain`).

Bulk writers (the progress import) insert rows past the unit of work, where the session hook cannot see
them: they take the same turn on the head first (`lock`), then `insert_rows` writes them with multi-row
INSERTs and chains them in one `append` — the ids and entries a row-at-a-time write in that order would
give. `adopt` chains rows that were written without the chain (bulk loads).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, inspect, select
from sqlalchemy.orm import Session

from monitor.db.base import Base
from monitor.db.chain import CHAINED, Change, append, chains, read_head


def lock(session: Session) -> None:
    """Take the writers' turn on the head now, before reading what a write will be checked against."""
    if chains(session):
        read_head(session.connection(), lock=True)


@dataclass(eq=False)
class NewRow:
    """A chained row to insert: its model and column values (`id` once inserted). `refers` names a column
    holding the id of another row of the same write (a correction's `corrects_id`), known once that one is in.
    """

    model: type[Base]
    values: dict[str, Any]
    refers: tuple[str, NewRow] | None = None


def insert_rows(session: Session, rows: Sequence[NewRow]) -> None:
    """Insert `rows` in their order, a multi-row INSERT per table (ids as one-by-one inserts would get
    them), and chain them in that order. A row referring to a row not yet in waits: the ones before it go
    first."""
    start = 0
    while start < len(rows):
        end = start + 1
        while end < len(rows) and _ready(rows[end]):
            end += 1
        for model in dict.fromkeys(row.model for row in rows[start:end]):
            _insert(session.connection(), model, [row for row in rows[start:end] if row.model is model])
        start = end
    if rows and chains(session):
        changes = [Change("insert", row.model.__tablename__, row.values) for row in rows]
        append(session.connection(), changes)


def _ready(row: NewRow) -> bool:
    return row.refers is None or "id" in row.refers[1].values


def _insert(conn: Connection, model: type[Base], rows: list[NewRow]) -> None:
    for row in rows:
        if row.refers is not None:
            row.values[row.refers[0]] = row.refers[1].values["id"]
    table = model.__table__
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)  # type: ignore[arg-type]
    ids = conn.execute(statement, [row.values for row in rows]).scalars().all()
    for row, row_id in zip(rows, ids, strict=True):
        row.values["id"] = row_id


def adopt(conn: Connection, tables: Iterable[str] = CHAINED) -> int:
    """Chain rows written before the chain existed (the upgrade to it), in table and id order."""
    count = 0
    for table in tables:
        # Only the columns the table has at this point of the migrations (later ones may add more).
        present = {column["name"] for column in inspect(conn).get_columns(table)}
        model_table = CHAINED[table].__table__
        columns = [column for column in model_table.c if column.name in present]
        rows = conn.execute(select(*columns).order_by(model_table.c.id)).mappings().all()
        if rows:
            append(conn, [Change("insert", table, dict(row)) for row in rows])
            count += len(rows)
    return count
