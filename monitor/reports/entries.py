"""Progress reports and official status changes as one time line, as known at an instant.

Used by the digest (what was entered in a window) and the card (a commitment's whole history). Only rows
entered by `until` are read, and a correction is linked both ways only if it was entered by then, so a
report for an earlier instant shows exactly what was on record at that instant.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, aliased

from monitor.db import models as m
from monitor.evaluation.sql import in_or_all
from monitor.i18n import t
from monitor.reports.figures import money, quantity
from monitor.vocab import Channel, Lang, MilestoneStatus, Status

PROGRESS, STATUS = "progress", "status"


@dataclass(frozen=True)
class Entry:
    ref: str  # "P12" (progress report 12) or "S3" (status change 3): what corrections point at
    type: str  # PROGRESS or STATUS
    code: str  # the milestone (progress) or commitment (official status) reported on
    title: str
    commitment_code: str
    commitment_title: str
    jurisdiction: str
    parties: tuple[str, ...]
    as_of: date
    entered_at: datetime
    what: str  # the report in words: "1,200호", "공식 상태: 정상추진", "집행 120백만원 · 확보 200백만원"
    value: Decimal | None
    status: str | None
    secured: Decimal | None
    executed: Decimal | None
    note: str | None
    evidence: list[str]
    reporter: str
    channel: str  # cli, telegram, import, seed
    channel_label: str  # the channel in the report's language: 명령줄, 텔레그램 …
    corrects: str | None = None  # ref of the entry this one corrects
    corrected_by: list[str] = field(default_factory=list)  # refs of entries correcting this one


def load_entries(
    session: Session,
    *,
    until: datetime,
    lang: Lang,
    after: datetime | None = None,
    commitment_ids: Collection[int] | None = None,
    parties: dict[int, tuple[str, ...]],
) -> list[Entry]:
    """Entries entered in (after, until], of the given commitments (or all), by as-of date then entry."""
    entries = [*_progress(session, until, after, commitment_ids, parties, lang)]
    entries += _statuses(session, until, after, commitment_ids, parties, lang)
    entries.sort(key=lambda e: (e.as_of, e.entered_at, e.type, int(e.ref[1:])))
    by_ref = {e.ref: e for e in entries}
    for entry in entries:
        if entry.corrects in by_ref:
            by_ref[entry.corrects].corrected_by.append(entry.ref)
    return entries


def _window(column: Any, until: datetime, after: datetime | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [column <= until]
    return conditions if after is None else [*conditions, column > after]


def _progress(
    session: Session,
    until: datetime,
    after: datetime | None,
    ids: Collection[int] | None,
    parties: dict[int, tuple[str, ...]],
    lang: Lang,
) -> list[Entry]:
    r, ms, c = m.ProgressReport, aliased(m.Milestone), m.Commitment
    query = (
        select(r, ms.code, ms.title, ms.unit, c.code, c.title, m.Jurisdiction.slug)
        .join(c, c.id == r.commitment_id)
        .join(m.Jurisdiction, m.Jurisdiction.id == c.jurisdiction_id)
        .outerjoin(ms, ms.id == r.milestone_id)
        .where(in_or_all(r.commitment_id, ids), *_window(r.entered_at, until, after))
    )
    found = []
    for report, code, title, unit, c_code, c_title, slug in session.execute(query):
        found.append(
            Entry(
                ref=f"P{report.id}",
                type=PROGRESS,
                code=code or c_code,
                title=title or c_title,
                commitment_code=c_code,
                commitment_title=c_title,
                jurisdiction=slug,
                parties=parties.get(report.commitment_id, (slug,)),
                as_of=report.as_of,
                entered_at=report.entered_at,
                what=_progress_text(report, unit, lang),
                value=report.value,
                status=report.status,
                secured=report.secured_amount,
                executed=report.executed_amount,
                note=report.note,
                evidence=list(report.evidence),
                reporter=report.reporter,
                channel=report.channel,
                channel_label=channel_label(report.channel, lang),
                corrects=f"P{report.corrects_id}" if report.corrects_id else None,
            )
        )
    return found


def _statuses(
    session: Session,
    until: datetime,
    after: datetime | None,
    ids: Collection[int] | None,
    parties: dict[int, tuple[str, ...]],
    lang: Lang,
) -> list[Entry]:
    s, c = m.StatusChange, m.Commitment
    query = (
        select(s, c.code, c.title, m.Jurisdiction.slug)
        .join(c, c.id == s.commitment_id)
        .join(m.Jurisdiction, m.Jurisdiction.id == c.jurisdiction_id)
        .where(in_or_all(s.commitment_id, ids), *_window(s.entered_at, until, after))
    )
    return [
        Entry(
            ref=f"S{change.id}",
            type=STATUS,
            code=code,
            title=title,
            commitment_code=code,
            commitment_title=title,
            jurisdiction=slug,
            parties=parties.get(change.commitment_id, (slug,)),
            as_of=change.as_of,
            entered_at=change.entered_at,
            what=t("report.official_status", lang, status=Status(change.status).label(lang)),
            value=None,
            status=change.status,
            secured=None,
            executed=None,
            note=change.note,
            evidence=list(change.evidence),
            reporter=change.reporter,
            channel=change.channel,
            channel_label=channel_label(change.channel, lang),
            corrects=f"S{change.corrects_id}" if change.corrects_id else None,
        )
        for change, code, title, slug in session.execute(query)
    ]


def channel_label(channel: str, lang: Lang) -> str:
    """How a report came in, for people (명령줄, 텔레그램 …); an unknown channel as stored."""
    known = {c.value: c for c in Channel}
    return known[channel].label(lang) if channel in known else channel


def _progress_text(report: m.ProgressReport, unit: str | None, lang: Lang) -> str:
    parts = []
    if report.value is not None:
        parts.append(quantity(report.value, unit, lang))
    if report.status is not None:
        parts.append(MilestoneStatus(report.status).label(lang))
    if report.executed_amount is not None:
        parts.append(t("report.executed_amount", lang, amount=money(report.executed_amount, lang)))
    if report.secured_amount is not None:
        parts.append(t("report.secured_amount", lang, amount=money(report.secured_amount, lang)))
    return " · ".join(parts)
