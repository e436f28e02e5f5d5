"""Read access to the registry: milestones and commitments as plain, JSON-ready dictionaries.

The field names here are the public JSON format (`monitor list --format json`, `monitor show`), documented
in the README. Decimal figures are strings so no digit is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from monitor.db import models as m
from monitor.errors import NotFoundError
from monitor.timeutil import isoformat_local
from monitor.vocab import MilestoneKind, Status


@dataclass(frozen=True)
class MilestoneFilter:
    jurisdiction: str | None = None
    kind: MilestoneKind | None = None
    due_before: datetime | None = None
    due_after: datetime | None = None  # exclusive
    include_retired: bool = False


def citation(source: m.SourceDocument, first: int, last: int) -> str:
    return f"{source.file}:{first}" + (f"-{last}" if last != first else "")


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def require_jurisdiction(session: Session, slug: str) -> m.Jurisdiction:
    found = session.scalar(select(m.Jurisdiction).where(m.Jurisdiction.slug == slug))
    if found is None:
        known = ", ".join(session.scalars(select(m.Jurisdiction.slug).order_by(m.Jurisdiction.slug)))
        raise NotFoundError(
            f"unknown jurisdiction {slug!r} (known: {known or 'none — run monitor init'})",
            ko=f"지자체 '{slug}'이(가) 없습니다 (등록된 지자체: {known or '없음'})",
        )
    return found


def list_milestones(session: Session, filters: MilestoneFilter, tz: ZoneInfo) -> list[dict[str, Any]]:
    """Milestones in due order, as JSON-ready rows."""
    query = (
        select(m.Milestone)
        .join(m.Milestone.commitment)
        .options(
            selectinload(m.Milestone.commitment).selectinload(m.Commitment.parties),
            selectinload(m.Milestone.commitment).selectinload(m.Commitment.jurisdiction),
            selectinload(m.Milestone.commitment).selectinload(m.Commitment.source),
        )
        .order_by(m.Milestone.due_at, m.Milestone.code)
    )
    if not filters.include_retired:
        query = query.where(m.Milestone.retired_at.is_(None), m.Commitment.retired_at.is_(None))
    if filters.jurisdiction is not None:
        jurisdiction = require_jurisdiction(session, filters.jurisdiction)
        parties = select(m.CommitmentParty.commitment_id).where(
            m.CommitmentParty.jurisdiction_id == jurisdiction.id
        )
        query = query.where(m.Milestone.commitment_id.in_(parties))
    if filters.kind is not None:
        query = query.where(m.Milestone.kind == filters.kind.value)
    if filters.due_before is not None:
        query = query.where(m.Milestone.due_at <= filters.due_before)
    if filters.due_after is not None:
        query = query.where(m.Milestone.due_at > filters.due_after)
    return [milestone_row(ms, tz) for ms in session.scalars(query)]


def milestone_row(milestone: m.Milestone, tz: ZoneInfo) -> dict[str, Any]:
    commitment = milestone.commitment
    years = None
    if milestone.fiscal_year_start is not None:
        years = [milestone.fiscal_year_start, milestone.fiscal_year_end]
    return {
        "code": milestone.code,
        "commitment_code": commitment.code,
        "jurisdiction": commitment.jurisdiction.slug,
        "parties": [j.slug for j in commitment.parties],
        "title": milestone.title,
        "commitment_title": commitment.title,
        "category": commitment.category,
        "kind": milestone.kind,
        "due": isoformat_local(milestone.due_at, tz),
        "due_date": milestone.due_date.isoformat() if milestone.due_date else None,
        "target": _text(milestone.target_value),
        "target_max": _text(milestone.target_max),
        "unit": milestone.unit,
        "cumulative": milestone.cumulative,
        "baseline": _text(milestone.baseline),
        "planned_amount": _text(milestone.planned_amount),
        "fiscal_years": years,
        "funding_source": milestone.funding_source,
        "starts_at": isoformat_local(milestone.starts_at, tz),
        "ends_at": isoformat_local(milestone.ends_at, tz),
        "cadence": milestone.cadence,
        "source": citation(commitment.source, milestone.source_line, milestone.source_end_line),
        "retired": milestone.retired_at is not None or commitment.retired_at is not None,
    }


def find_code(session: Session, code: str) -> m.Commitment | m.Milestone:
    """A commitment or milestone by code (case-insensitive); the error suggests close codes."""
    prefix, dot, key = code.strip().partition(".")
    prefix = prefix.upper()
    found: m.Commitment | m.Milestone | None
    if dot:
        found = session.scalar(select(m.Milestone).where(m.Milestone.code == f"{prefix}.{key.lower()}"))
    else:
        found = session.scalar(select(m.Commitment).where(m.Commitment.code == prefix))
    if found is not None:
        return found
    close = list(
        session.scalars(select(m.Commitment.code).where(m.Commitment.code.startswith(prefix[:4])).limit(5))
    )
    hint = f" (did you mean {', '.join(close)}?)" if close else " (see monitor list)"
    hint_ko = f" (혹시 {', '.join(close)}?)" if close else ""
    raise NotFoundError(
        f"no commitment or milestone with code {code!r}{hint}",
        ko=f"코드 '{code}'에 해당하는 공약·목표가 없습니다{hint_ko}",
    )


def current_status(commitment: m.Commitment) -> m.StatusChange | None:
    changes = commitment.status_changes
    return changes[-1] if changes else None


def _status_row(change: m.StatusChange) -> dict[str, Any]:
    return {
        "status": change.status,
        "label_ko": Status(change.status).label("ko"),
        "label_en": Status(change.status).label("en"),
        "as_of": change.as_of.isoformat(),
        "note": change.note,
        "evidence": change.evidence,
        "reporter": change.reporter,
        "channel": change.channel,
    }


def pledger_row(p: m.Pledger, as_of: datetime | None = None) -> dict[str, Any]:
    """Whose promise: the person, role, office, term and election outcome as recorded (as known at
    `as_of` when given: an outcome that holds only later is still pending then)."""
    later = as_of is not None and p.outcome_at is not None and p.outcome_at > as_of
    return {
        "key": p.key,
        "name": p.name,
        "role": p.role,
        "office": p.office,
        "term": p.term,
        "term_start": p.term_start.isoformat(),
        "term_end": p.term_end.isoformat() if p.term_end else None,
        "election_on": p.election_on.isoformat() if p.election_on else None,
        "outcome": "pending" if later else p.outcome,
        "outcome_on": p.outcome_on.isoformat() if p.outcome_on and not later else None,
    }


def report_row(report: m.ProgressReport, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "id": report.id,
        "milestone": report.milestone.code if report.milestone else None,
        "as_of": report.as_of.isoformat(),
        "value": _text(report.value),
        "status": report.status,
        "secured_amount": _text(report.secured_amount),
        "executed_amount": _text(report.executed_amount),
        "note": report.note,
        "evidence": report.evidence,
        "reporter": report.reporter,
        "channel": report.channel,
        "entered_at": isoformat_local(report.entered_at, tz),
        "corrects": report.corrects_id,
    }


def commitment_detail(session: Session, commitment: m.Commitment, tz: ZoneInfo) -> dict[str, Any]:
    status = current_status(commitment)
    reports = session.scalars(
        select(m.ProgressReport)
        .where(m.ProgressReport.commitment_id == commitment.id)
        .order_by(m.ProgressReport.as_of, m.ProgressReport.id)
    )
    return {
        "code": commitment.code,
        "kind": commitment.kind,
        "title": commitment.title,
        "description": commitment.description,
        "category": commitment.category,
        "department": commitment.department,
        "jurisdiction": commitment.jurisdiction.slug,
        "parties": [j.slug for j in commitment.parties],
        "period": {
            "start": commitment.period_start.isoformat() if commitment.period_start else None,
            "end": commitment.period_end.isoformat() if commitment.period_end else None,
        },
        "budget_total": _text(commitment.budget_total),
        "non_budget": commitment.non_budget,
        "pledgers": [pledger_row(p) for p in commitment.pledgers],
        "official_status": _status_row(status) if status else None,
        "status_history": [_status_row(c) for c in commitment.status_changes],
        "parent": commitment.parent.code if commitment.parent else None,
        "children": [
            {"code": c.code, "title": c.title, "kind": c.kind}
            for c in commitment.children
            if c.retired_at is None
        ],
        "milestones": [milestone_row(ms, tz) for ms in commitment.milestones if ms.retired_at is None],
        "progress": [report_row(r, tz) for r in reports],
        "attributes": commitment.attributes,
        "source": citation(commitment.source, commitment.source_line, commitment.source_end_line),
        "source_text": commitment.source.excerpt(commitment.source_line, commitment.source_end_line),
        "retired": commitment.retired_at is not None,
    }


def milestone_detail(milestone: m.Milestone, tz: ZoneInfo) -> dict[str, Any]:
    return {
        **milestone_row(milestone, tz),
        "attributes": milestone.attributes,
        "progress": [report_row(r, tz) for r in milestone.reports],
        "revisions": [
            {"changed_at": isoformat_local(r.changed_at, tz), "changes": r.changes, "seed_file": r.seed_file}
            for r in milestone.revisions
        ],
        "source_text": milestone.commitment.source.excerpt(milestone.source_line, milestone.source_end_line),
    }
