"""The card (공약관리카드): one commitment's whole history as known at an instant.

Its milestones (and those of the items under it) with targets, deadlines and what was reported; every
progress report and official status change in order, corrections linked; target revisions; the rule
states now. Only what was entered by `as_of` appears. One snapshot of the commitment's subtree holds the
facts, summaries and states; the card renders it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor import snapshot
from monitor.db import models as m
from monitor.display import milestone_deadline, pledger_text
from monitor.i18n import t
from monitor.notify.labels import CONDITION_LABELS, label
from monitor.registry import citation, find_code, pledger_row
from monitor.reports.common import Countdown, ReportHeader, countdown, make_header, party_map
from monitor.reports.entries import Entry, load_entries
from monitor.reports.figures import done_label, money, quantity, revision_text, stage_label
from monitor.rules import Evaluation, MilestoneFacts, ReportSummary, Rule, RuleConfig
from monitor.rules.milestone import current_value
from monitor.rules.outcome import State
from monitor.rules.text import figure
from monitor.snapshot import Snapshot
from monitor.vocab import CommitmentKind, Lang, MilestoneKind, MilestoneStatus, Status


@dataclass(frozen=True)
class CardMilestone:
    code: str
    title: str
    commitment_code: str
    kind: str
    kind_label: str
    target: str  # "5,000호", "565백만원", "10만원", "완료"
    due: datetime
    due_day: str
    countdown: Countdown
    reported: str  # what the effective reports add up to: "1,200호", "완료", "집행 120백만원" ("" if nothing)
    done: bool  # achieved as of the snapshot: nothing left to count down to
    done_label: str | None  # "목표 달성", or "집행 목표 달성" for a budget tranche; None while open
    states: list[str]  # condition labels now ("기한 초과", "미달 위험" …)


@dataclass(frozen=True)
class CardState:
    subject: str
    rule: str
    condition: str
    label: str
    stage: str | None
    stage_label: str | None  # "30일 전", "정상추진이나 기한 초과"
    severity: str
    since: datetime
    due: datetime | None
    reason: str


@dataclass(frozen=True)
class CardRevision:
    milestone: str
    changed_at: datetime
    field: str
    field_label: str
    old: str | None
    new: str | None
    old_text: str  # as people read it: amounts with units, instants to the minute ("—" for none)
    new_text: str
    seed_file: str


@dataclass(frozen=True)
class CardReport:
    header: ReportHeader
    code: str
    title: str
    commitment_kind: str  # pledge, agenda, agreement_area …
    kind_label: str
    description: str | None
    category: str | None
    department: str | None
    jurisdiction: str
    parties: list[str]
    pledgers: list[str]  # whose promise, as known at as_of: "후보 허태정 (대전광역시장, 민선9기, …)"
    period: tuple[str | None, str | None]
    parent: str | None
    children: list[tuple[str, str]]  # (code, title) of the items under it
    official_status: str | None  # as known at as_of
    official_status_label: str
    official_status_as_of: str | None
    budget_total: Decimal | None
    budget_total_text: str  # "1,930백만원" ("—" for none)
    source: str
    source_text: str
    milestones: list[CardMilestone]
    history: list[Entry]
    revisions: list[CardRevision]
    states: list[CardState]


def build_card(
    session: Session, *, code: str, as_of: datetime, tz: ZoneInfo, lang: Lang, config: RuleConfig
) -> CardReport:
    found = find_code(session, code)
    commitment = found if isinstance(found, m.Commitment) else found.commitment
    header = make_header(session, "card", as_of, tz, None, lang)
    snap = snapshot.take(session, config, as_of, prefix=commitment.code)
    ids = snap.scope.commitment_ids or frozenset({commitment.id})
    facts = snap.commitments.get(commitment.code)
    milestones = sorted(snap.milestones, key=lambda f: (f.due_at, f.code))
    done = {e.subject for e in snap.evaluations if e.rule is Rule.ACHIEVED}
    kinds = {f.code: f.kind for f in snap.milestones}
    status = facts.official_status if facts else None
    return CardReport(
        header=header,
        code=commitment.code,
        title=commitment.title,
        commitment_kind=commitment.kind,
        kind_label=CommitmentKind(commitment.kind).label(lang),
        description=commitment.description,
        category=commitment.category,
        department=commitment.department,
        jurisdiction=commitment.jurisdiction.slug,
        parties=[j.slug for j in commitment.parties],
        pledgers=[pledger_text(pledger_row(p, as_of), lang) for p in commitment.pledgers],
        period=(_iso(commitment.period_start), _iso(commitment.period_end)),
        parent=commitment.parent.code if commitment.parent else None,
        children=[(c.code, c.title) for c in commitment.children if c.retired_at is None],
        official_status=status,
        official_status_label=Status(status).label(lang) if status else t("status.unreported", lang),
        official_status_as_of=_iso(facts.status_as_of) if facts else None,
        budget_total=commitment.budget_total,
        budget_total_text=money(commitment.budget_total, lang),
        source=citation(commitment.source, commitment.source_line, commitment.source_end_line),
        source_text=commitment.source.excerpt(commitment.source_line, commitment.source_end_line),
        milestones=[_milestone(f, snap, done, tz, lang) for f in milestones],
        history=load_entries(session, until=as_of, lang=lang, parties=party_map(snap), commitment_ids=ids),
        revisions=_revisions(session, ids, as_of, tz, lang),
        states=[_state(e, kinds, lang) for e in sorted(snap.evaluations, key=_by_subject)],
    )


def _by_subject(e: Evaluation) -> tuple[str, str]:
    return e.subject, e.rule.value


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _milestone(
    facts: MilestoneFacts, snap: Snapshot, done: set[str], tz: ZoneInfo, lang: Lang
) -> CardMilestone:
    met, as_of = facts.code in done, snap.as_of
    return CardMilestone(
        code=facts.code,
        title=facts.title,
        commitment_code=facts.commitment_code,
        kind=facts.kind,
        kind_label=MilestoneKind(facts.kind).label(lang),
        target=target_text(facts, lang, tz),
        due=facts.due_at,
        due_day=milestone_deadline(facts.due_date, facts.due_at, facts.starts_at, tz),
        countdown=countdown(facts.due_at, as_of, tz, lang, met=met),
        reported=reported_text(facts, snap.summary(facts), lang),
        done=met,
        done_label=done_label(facts.kind, lang) if met else None,
        states=[
            label(CONDITION_LABELS, e.condition, lang)
            for e in snap.evaluations
            if e.subject == facts.code and e.condition is not State.ACHIEVED
        ],
    )


def target_text(facts: MilestoneFacts, lang: Lang, tz: ZoneInfo) -> str:
    if facts.kind == "budget":
        return money(facts.planned_amount, lang)
    if facts.kind == "completion":
        return MilestoneStatus.DONE.label(lang)
    if facts.kind == "event" and facts.starts_at and facts.ends_at:
        start, end = facts.starts_at.astimezone(tz), facts.ends_at.astimezone(tz)
        return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"
    if facts.target is None:
        return ""
    if facts.target_max is None:
        return quantity(facts.target, facts.unit, lang)
    return f"{figure(facts.target)}~{quantity(facts.target_max, facts.unit, lang)}"


def reported_text(facts: MilestoneFacts, summary: ReportSummary, lang: Lang) -> str:
    parts = [MilestoneStatus(s).label(lang) for s in sorted(summary.statuses)]
    value = current_value(facts, summary)
    if value is not None:
        parts.insert(0, quantity(value, facts.unit, lang))
    if summary.max_executed is not None:
        parts.append(t("report.executed_amount", lang, amount=money(summary.max_executed, lang)))
    if summary.max_secured is not None:
        parts.append(t("report.secured_amount", lang, amount=money(summary.max_secured, lang)))
    return " · ".join(parts)


def _state(e: Evaluation, kinds: dict[str, str], lang: Lang) -> CardState:
    """A state now; an achieved budget tranche is called 집행 목표 달성, as in its milestone row."""
    if e.condition == State.ACHIEVED:
        name = done_label(kinds.get(e.subject, ""), lang)
    else:
        name = label(CONDITION_LABELS, e.condition, lang)
    return CardState(
        subject=e.subject,
        rule=e.rule.value,
        condition=e.condition,
        label=name,
        stage=e.stage,
        stage_label=stage_label(e.stage, lang),
        severity=e.behaviour.severity.value,
        since=e.since,
        due=e.due,
        reason=e.reason.text(lang),
    )


def _revisions(
    session: Session, ids: Collection[int], as_of: datetime, tz: ZoneInfo, lang: Lang
) -> list[CardRevision]:
    rev, ms = m.MilestoneRevision, m.Milestone
    query = (
        select(rev, ms.code, ms.unit)
        .join(ms, ms.id == rev.milestone_id)
        .where(ms.commitment_id.in_(list(ids)), rev.changed_at <= as_of)
        .order_by(rev.changed_at, rev.id)
    )
    return [
        CardRevision(
            milestone=code,
            changed_at=revision.changed_at,
            field=name,
            field_label=t(f"report.field.{name}", lang),
            old=old,
            new=new,
            old_text=revision_text(name, old, unit, tz, lang),
            new_text=revision_text(name, new, unit, tz, lang),
            seed_file=revision.seed_file,
        )
        for revision, code, unit in session.execute(query)
        for name, (old, new) in sorted(revision.changes.items())
    ]
