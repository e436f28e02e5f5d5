"""The registry's tables (SQLAlchemy 2 typed ORM).

Current-state tables (jurisdictions, commitments, milestones) are updated in place by seed reloads;
history tables (status changes, progress reports, milestone revisions) are append-only: a correction is
a new row that points at the row it corrects. `monitor.db.guard` refuses updates and deletes of history.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from monitor.db.base import Base


class SeededRecord:
    """Columns of records that come from a seed file and are updated in place by reloads."""

    source_line: Mapped[int] = mapped_column(Integer)
    source_end_line: Mapped[int] = mapped_column(Integer)
    # order within the parent, as in the seed file
    position: Mapped[int] = mapped_column(Integer)
    # published details without a column of their own (location, partners, footnotes …)
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # set when the record disappears from the seeds: history stays attached, nothing is deleted
    retired_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Jurisdiction(Base):
    __tablename__ = "jurisdictions"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name_ko: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(32))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdictions.id"))

    parent: Mapped[Jurisdiction | None] = relationship(remote_side=[id])

    def name(self, lang: str) -> str:
        return self.name_ko if lang == "ko" else self.name_en


class SourceDocument(Base):
    """A public document seed records are cited from."""

    __tablename__ = "source_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    file: Mapped[str] = mapped_column(String(255), unique=True)
    title: Mapped[str] = mapped_column(Text)
    publisher: Mapped[str] = mapped_column(Text)
    published_on: Mapped[date | None] = mapped_column(Date)
    as_of: Mapped[date | None] = mapped_column(Date)
    url: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    # The document's text as loaded, so a citation can be shown (and checked) from the database alone.
    text: Mapped[str] = mapped_column(Text)
    seed_file: Mapped[str] = mapped_column(String(255))

    def excerpt(self, first: int, last: int) -> str:
        return "\n".join(self.text.split("\n")[first - 1 : last])


class CommitmentParty(Base):
    """Every jurisdiction a commitment belongs to (an agreement belongs to all its parties)."""

    __tablename__ = "commitment_parties"

    commitment_id: Mapped[int] = mapped_column(
        ForeignKey("commitments.id", ondelete="CASCADE"), primary_key=True
    )
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"), primary_key=True, index=True)


class Pledger(Base):
    """Whose promise it is: a candidate or an officeholder named by a seed document, for one term.

    A candidate's outcome (pending → elected | lost) is recorded by `monitor pledger elect/lose` or the
    seed; it holds from `outcome_at`, the start of `outcome_on` (so time travel stays exact).
    """

    __tablename__ = "pledgers"
    __table_args__ = (
        CheckConstraint("role IN ('candidate', 'officeholder')", name="role"),
        CheckConstraint("outcome IN ('pending', 'elected', 'lost')", name="outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    office: Mapped[str] = mapped_column(String(200))
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    term: Mapped[str] = mapped_column(String(32))
    term_start: Mapped[date] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date)
    election_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(16))
    outcome_on: Mapped[date | None] = mapped_column(Date)
    # the instant the outcome holds from: the start of outcome_on in the configured zone (like due_at)
    outcome_at: Mapped[datetime | None]
    source_id: Mapped[int] = mapped_column(ForeignKey("source_documents.id"))
    source_line: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    jurisdiction: Mapped[Jurisdiction] = relationship()
    source: Mapped[SourceDocument] = relationship()


class CommitmentPledger(Base):
    """Whose promise a commitment is (an agreement is its signatories'; most documents name one)."""

    __tablename__ = "commitment_pledgers"

    commitment_id: Mapped[int] = mapped_column(
        ForeignKey("commitments.id", ondelete="CASCADE"), primary_key=True
    )
    pledger_id: Mapped[int] = mapped_column(ForeignKey("pledgers.id"), primary_key=True, index=True)


class Commitment(SeededRecord, Base):
    __tablename__ = "commitments"
    __table_args__ = (
        CheckConstraint(
            "period_start IS NULL OR period_end IS NULL OR period_start <= period_end", name="period"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("commitments.id"), index=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    category: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    department: Mapped[str | None] = mapped_column(String(200))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    # The line's published 총계 (budget tables), kept as published even when its parts disagree.
    budget_total: Mapped[Decimal | None]
    non_budget: Mapped[bool] = mapped_column(Boolean, default=False)
    source_id: Mapped[int] = mapped_column(ForeignKey("source_documents.id"))
    # When the stale clock started: the latest progress report entered, else the period start. A cache
    # for the daemon's wake-up planner only; rules recompute staleness from the reports themselves.
    stale_ref_at: Mapped[datetime | None] = mapped_column(index=True)

    parent: Mapped[Commitment | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Commitment]] = relationship(back_populates="parent", order_by="Commitment.position")
    jurisdiction: Mapped[Jurisdiction] = relationship()
    parties: Mapped[list[Jurisdiction]] = relationship(
        secondary="commitment_parties", order_by="Jurisdiction.id"
    )
    pledgers: Mapped[list[Pledger]] = relationship(secondary="commitment_pledgers", order_by="Pledger.id")
    source: Mapped[SourceDocument] = relationship()
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="commitment", order_by="Milestone.position"
    )
    status_changes: Mapped[list[StatusChange]] = relationship(
        back_populates="commitment", order_by="(StatusChange.as_of, StatusChange.id)"
    )


class StatusChange(Base):
    """Official status history (append-only). The latest by as-of date is the current status."""

    __tablename__ = "status_changes"
    __table_args__ = (Index("ix_status_changes_commitment_entered", "commitment_id", "entered_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    status: Mapped[str] = mapped_column(String(32))
    as_of: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[list[str]] = mapped_column(default=list)
    reporter: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(32))
    entered_at: Mapped[datetime]
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("status_changes.id"))
    seed_key: Mapped[str | None] = mapped_column(String(255), index=True)

    commitment: Mapped[Commitment] = relationship(back_populates="status_changes")


class Milestone(SeededRecord, Base):
    """A dated target of a commitment. Columns used depend on `kind` (see the check constraints)."""

    __tablename__ = "milestones"
    __table_args__ = (
        UniqueConstraint("commitment_id", "key", name="uq_milestones_commitment_key"),
        CheckConstraint("kind <> 'quantity' OR unit IS NOT NULL", name="quantity_unit"),
        CheckConstraint(
            "kind <> 'budget' OR (planned_amount IS NOT NULL AND fiscal_year_start IS NOT NULL"
            " AND fiscal_year_end IS NOT NULL AND fiscal_year_start <= fiscal_year_end)",
            name="budget_fields",
        ),
        CheckConstraint(
            "kind <> 'event' OR (starts_at IS NOT NULL AND ends_at IS NOT NULL AND starts_at <= ends_at)",
            name="event_window",
        ),
        CheckConstraint(
            "kind <> 'payment' OR (target_value IS NOT NULL AND cadence IS NOT NULL)", name="payment"
        ),
        Index("ix_milestones_due_at_active", "due_at", "retired_at"),
        # the planner's MIN(due_at) per kind (a boundary per milestone kind) is then a single index seek
        Index("ix_milestones_kind_due_at", "kind", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(96), unique=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    key: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date | None] = mapped_column(Date)
    due_at: Mapped[datetime]
    target_value: Mapped[Decimal | None]
    target_max: Mapped[Decimal | None]
    unit: Mapped[str | None] = mapped_column(String(16))
    cumulative: Mapped[bool] = mapped_column(Boolean, default=True)
    baseline: Mapped[Decimal | None]
    fiscal_year_start: Mapped[int | None] = mapped_column(Integer)
    fiscal_year_end: Mapped[int | None] = mapped_column(Integer)
    planned_amount: Mapped[Decimal | None]
    funding_source: Mapped[str | None] = mapped_column(String(32))
    starts_at: Mapped[datetime | None] = mapped_column(index=True)
    ends_at: Mapped[datetime | None] = mapped_column(index=True)
    cadence: Mapped[str | None] = mapped_column(String(16))

    commitment: Mapped[Commitment] = relationship(back_populates="milestones")
    reports: Mapped[list[ProgressReport]] = relationship(
        back_populates="milestone", order_by="(ProgressReport.as_of, ProgressReport.id)"
    )
    revisions: Mapped[list[MilestoneRevision]] = relationship(
        back_populates="milestone", order_by="MilestoneRevision.id"
    )


class MilestoneRevision(Base):
    """A change of a milestone's target or deadline made by a seed reload (append-only).

    A changed target is news in itself: pledges may only change through a published procedure.
    """

    __tablename__ = "milestone_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id"), index=True)
    changed_at: Mapped[datetime]
    changes: Mapped[dict[str, Any]] = mapped_column()
    seed_file: Mapped[str] = mapped_column(String(255))

    milestone: Mapped[Milestone] = relationship(back_populates="revisions")


class ProgressReport(Base):
    """What an official (or a seed document) reported about a milestone or commitment (append-only)."""

    __tablename__ = "progress_reports"
    __table_args__ = (
        CheckConstraint(
            "value IS NOT NULL OR status IS NOT NULL"
            " OR executed_amount IS NOT NULL OR secured_amount IS NOT NULL",
            name="has_content",
        ),
        # the latest report per commitment (the stale rule), read from the index alone
        Index("ix_progress_reports_commitment_entered", "commitment_id", "entered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), index=True)
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("milestones.id"), index=True)
    value: Mapped[Decimal | None]
    status: Mapped[str | None] = mapped_column(String(32))
    secured_amount: Mapped[Decimal | None]
    executed_amount: Mapped[Decimal | None]
    # A budget report may restate the plan (beside secured/executed, never alone) and split its amounts by
    # source (국비/시비/구비): {"국비": {"planned": "10", "secured": "8", "executed": "5"}, …}; the amount
    # columns hold the totals.
    planned_amount: Mapped[Decimal | None]
    by_source: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    as_of: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[list[str]] = mapped_column(default=list)
    reporter: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(32))
    entered_at: Mapped[datetime] = mapped_column(index=True)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("progress_reports.id"), index=True)
    # Reports that come from a seed document carry a stable key so reloads can recognise them.
    seed_key: Mapped[str | None] = mapped_column(String(255), index=True)

    milestone: Mapped[Milestone | None] = relationship(back_populates="reports")
    commitment: Mapped[Commitment] = relationship()
    corrects: Mapped[ProgressReport | None] = relationship(remote_side=[id])


class ReferenceItem(Base):
    """Reference data published alongside commitments (e.g. a programme's partner institutions)."""

    __tablename__ = "reference_items"
    __table_args__ = (UniqueConstraint("list_key", "position", name="uq_reference_items_list_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_key: Mapped[str] = mapped_column(String(96), index=True)
    list_title: Mapped[str] = mapped_column(Text)
    group_label: Mapped[str | None] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(Text)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    source_id: Mapped[int] = mapped_column(ForeignKey("source_documents.id"))
    source_line: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)

    jurisdiction: Mapped[Jurisdiction] = relationship()
    source: Mapped[SourceDocument] = relationship()


class PublishedTotal(Base):
    """A total row of a published table, kept exactly as published (it may not add up)."""

    __tablename__ = "published_totals"
    __table_args__ = (
        UniqueConstraint("source_id", "label", "column_label", name="uq_published_totals_cell"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source_documents.id"))
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    label: Mapped[str] = mapped_column(String(200))
    column_label: Mapped[str] = mapped_column(String(32))
    amount: Mapped[Decimal]
    source_line: Mapped[int] = mapped_column(Integer)

    source: Mapped[SourceDocument] = relationship()


class Finding(Base):
    """A consistency finding from the last load of a seed file (derived; replaced on every load)."""

    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    seed_file: Mapped[str] = mapped_column(String(255), index=True)
    rule: Mapped[str] = mapped_column(String(64))
    records: Mapped[list[str]] = mapped_column()
    column_label: Mapped[str | None] = mapped_column(String(64))
    published: Mapped[str | None] = mapped_column(Text)
    computed: Mapped[str | None] = mapped_column(Text)
    difference: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(255))


class Meta(Base):
    """Key/value facts about the database itself (e.g. the time zone due instants were computed in)."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# The alerting tables share the metadata; importing them here keeps `models` the one place to look.
from monitor.db.alerting import Alert, EvaluationError, JobRun, OutboxEntry, Silence  # noqa: E402
from monitor.db.chats import AccessAttempt, Official, PendingLog, Subscription, TelegramChat  # noqa: E402
from monitor.db.ha import ChangeEntry, DaemonRecord, FloodWindow, Lease  # noqa: E402
from monitor.db.history import ChainEntry  # noqa: E402

__all__ = [
    "AccessAttempt",
    "Alert",
    "ChainEntry",
    "ChangeEntry",
    "DaemonRecord",
    "EvaluationError",
    "FloodWindow",
    "JobRun",
    "Lease",
    "Official",
    "OutboxEntry",
    "PendingLog",
    "Silence",
    "Subscription",
    "TelegramChat",
]
