"""high availability: daemons, leases, shared flood windows, the change log

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 01:30:00

Two or more daemons on one PostgreSQL database: `daemons` (heartbeats for `monitor status`), `leases`
(the leader, and one per destination being delivered to), `flood_windows` (Telegram's limits, shared by
every process) and `change_log` (what the daemon must re-evaluate, in commit order, numbered from the
`change.seq` counter in `meta`).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import monitor.db.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Instant = monitor.db.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "daemons",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", Instant(timezone=True), nullable=False),
        sa.Column("heartbeat_at", Instant(timezone=True), nullable=False),
        sa.Column("leader", sa.Boolean(), nullable=False),
        sa.Column("last_pass_at", Instant(timezone=True), nullable=True),
        sa.Column("next_wakeup_at", Instant(timezone=True), nullable=True),
        sa.Column("stopped_at", Instant(timezone=True), nullable=True),
    )
    op.create_index("ix_daemons_heartbeat_at", "daemons", ["heartbeat_at"])
    op.create_table(
        "leases",
        sa.Column("name", sa.String(160), primary_key=True),
        sa.Column("holder", sa.String(64), nullable=True),
        sa.Column("until", Instant(timezone=True), nullable=True),
        sa.Column("since", Instant(timezone=True), nullable=True),
    )
    op.create_table(
        "flood_windows",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("state", sa.JSON(), nullable=False),
    )
    op.create_table(
        "change_log",
        sa.Column("seq", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("topic", sa.String(32), nullable=False),
        sa.Column("code", sa.String(64), nullable=True),
        sa.Column("at", Instant(timezone=True), nullable=False),
    )
    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))
    op.bulk_insert(meta, [{"key": "change.seq", "value": "0"}])


def downgrade() -> None:
    op.execute("DELETE FROM meta WHERE key = 'change.seq'")
    op.drop_table("change_log")
    op.drop_table("flood_windows")
    op.drop_table("leases")
    op.drop_index("ix_daemons_heartbeat_at", table_name="daemons")
    op.drop_table("daemons")
