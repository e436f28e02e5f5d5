"""latest report per commitment, read from an index

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 17:30:00

The stale rule reads, per commitment, the latest report entered by an instant (progress reports and
official status changes). With (commitment_id, entered_at) indexed, that is an index-only read instead of
a lookup of every report row: a national pass reads it for 50k commitments.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_progress_reports_commitment_entered", "progress_reports", ["commitment_id", "entered_at"]
    )
    op.create_index("ix_status_changes_commitment_entered", "status_changes", ["commitment_id", "entered_at"])


def downgrade() -> None:
    op.drop_index("ix_status_changes_commitment_entered", table_name="status_changes")
    op.drop_index("ix_progress_reports_commitment_entered", table_name="progress_reports")
