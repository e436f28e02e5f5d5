"""chain pledgers: who made a promise and its election outcome are tamper-evident

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 23:00:00

Whose promise a commitment is decides whether it is alerted on (a lost candidate's never is), so a
recorded outcome — `monitor pledger elect/lose` or a seed reload — is chained like every other write
from now on. Pledgers written at 0006 are chained here, in id order, as inserts.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import monitor.db.types
from monitor.db.chain import Change, append

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHEN = monitor.db.types.UTCDateTime(timezone=True)
# The columns of `pledgers` at this revision (a later column must not change what this chains).
_PLEDGERS = sa.table(
    "pledgers",
    *(
        sa.column(name, type_)
        for name, type_ in (
            ("id", sa.Integer()),
            ("key", sa.String(64)),
            ("name", sa.String(200)),
            ("role", sa.String(16)),
            ("office", sa.String(200)),
            ("jurisdiction_id", sa.Integer()),
            ("term", sa.String(32)),
            ("term_start", sa.Date()),
            ("term_end", sa.Date()),
            ("election_on", sa.Date()),
            ("outcome", sa.String(16)),
            ("outcome_on", sa.Date()),
            ("outcome_at", _WHEN),
            ("source_id", sa.Integer()),
            ("source_line", sa.Integer()),
            ("created_at", _WHEN),
            ("updated_at", _WHEN),
        )
    ),
)


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(_PLEDGERS).order_by(_PLEDGERS.c.id)).mappings().all()
    if rows:
        append(conn, [Change("insert", "pledgers", dict(row)) for row in rows])


def downgrade() -> None:
    # The entries stay: a chain is append-only, and 0006's `monitor verify` reads past them.
    pass
