"""chain mac: a keyed MAC on every history entry written with a chain key

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 09:00:00

With `chain_key` set, each new history entry carries an HMAC-SHA256 of its hash (`mac`), which nobody
without the key can compute. Entries written before (all of them, at this revision) stay unkeyed: NULL.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("history_chain", sa.Column("mac", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("history_chain") as batch:
        batch.drop_column("mac")
