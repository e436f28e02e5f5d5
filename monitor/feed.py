"""An Atom feed of what changed: official status changes, progress reports and alert transitions.

Entries are what was entered or happened at or before `as_of` (so a feed of the past shows only what was
known then), newest first. Entry ids are tag: URIs fixed by the database row (and, for alerts, the
instant of the transition), so feed readers never show an entry twice. Nothing reads the wall clock: the
feed's `updated` is its newest entry's, or `as_of` when it is empty.

Alerts keep only their current firing cycle (one row per subject and rule): an alert that fired again
after resolving shows its latest cycle; readers keep the entries they fetched before.

The feed evaluates nothing: it lists rows as they were entered and alert transitions as detection
recorded them. A jurisdiction's feed covers, like every view, the jurisdictions below it (광주광역시
covers 광주광역시 서구), and its title names them.

The feed also carries the history chain's head as of its instant (`monitor.history.publish`), so its
readers keep heads that prove later that history was not rewritten. The XML is `monitor.feed_atom`'s.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, case, select
from sqlalchemy.orm import Session, joinedload

from monitor.db import models as m
from monitor.display import deadline
from monitor.errors import InputError
from monitor.feed_atom import TAG, Item, pick, render_atom
from monitor.history.publish import current_head
from monitor.notify.labels import CONDITION_LABELS, label
from monitor.rules.outcome import BEHAVIOUR, Rule
from monitor.snapshot import jurisdiction_tree
from monitor.timeutil import isoformat_local, require_aware
from monitor.vocab import UNITS, Channel, Labelled, Lang, MilestoneStatus, Status

# Conditions that clear without a resolved notice (due-soon notices, reminders): no "resolved" entry either.
QUIET_RESOLVED = frozenset(cond for (_, cond), b in BEHAVIOUR.items() if not b.notify_resolved)
Parties = Select[Any] | None  # ids of the commitments of a jurisdiction (and those below it), or all
History = TypeVar("History", m.StatusChange, m.ProgressReport)
SEVERITY_LABELS = {"critical": ("긴급", "critical"), "warning": ("경고", "warning"), "info": ("알림", "info")}
# At one instant an alert transition is the consequence of the report entered then: it reads first; the
# chain head as of the newest write reads after the rows of its instant.
KIND_RANK = {"alert": 3, "status-change": 2, "progress-report": 1, "chain-head": 0}


def atom_feed(
    session: Session,
    *,
    as_of: datetime,
    tz: ZoneInfo,
    lang: str,
    jurisdiction: str | None = None,
    limit: int = 200,
    base_url: str | None = None,
) -> bytes:
    """The feed as UTF-8 Atom XML. `jurisdiction` keeps entries on commitments it, or one below it, is a
    party to (an agreement's entries appear under every party); `base_url` is where the feed is
    published (its `rel="self"` link)."""
    require_aware(as_of)
    if limit < 0:
        raise InputError(f"limit {limit} is negative", ko=f"개수 {limit}은(는) 음수입니다")
    language: Lang = "en" if lang == "en" else "ko"
    places = _places(session, jurisdiction)
    parties = (
        None
        if not places
        else select(m.CommitmentParty.commitment_id)
        .join(m.Jurisdiction, m.Jurisdiction.id == m.CommitmentParty.jurisdiction_id)
        .where(m.Jurisdiction.slug.in_([p.slug for p in places]))
    )
    items = [
        *(_history_item(row, language) for row in _history(session, m.StatusChange, as_of, parties, limit)),
        *(_history_item(row, language) for row in _history(session, m.ProgressReport, as_of, parties, limit)),
        *_alert_items(session, as_of, tz, language, parties, limit),
    ]
    items += _head_item(session, as_of, language)
    items.sort(key=lambda i: (i.updated, KIND_RANK[i.kind], i.number), reverse=True)
    return render_atom(items[:limit], as_of, tz, language, places, base_url)


def _head_item(session: Session, as_of: datetime, lang: Lang) -> list[Item]:
    """The history chain's head as of `as_of`: whoever keeps it can prove later that history up to it
    was not rewritten (`monitor verify --published SEQ:HASH`)."""
    head = current_head(session, as_of)
    if head.at is None:
        return []
    line = pick(
        f"보관해 두면 `monitor verify --published {head.text}`로 이 이전의 이력이 다시 쓰이지 않았음을 "
        "확인할 수 있습니다.",
        f"Keep it: `monitor verify --published {head.text}` shows that history up to it was not rewritten.",
        lang,
    )
    title = f"[{pick('이력 체인 헤드', 'History chain head', lang)}] {head.text}"
    return [Item(f"{TAG}chain-head/{head.seq}", "chain-head", head.seq, head.at, head.at, title, (line,))]


def _places(session: Session, jurisdiction: str | None) -> list[m.Jurisdiction]:
    """The jurisdiction asked for, then every one below it; none asked: [] (everything)."""
    if jurisdiction is None:
        return []
    slugs = jurisdiction_tree(session, jurisdiction)  # an unknown slug raises NotFoundError
    found = {j.slug: j for j in session.scalars(select(m.Jurisdiction).where(m.Jurisdiction.slug.in_(slugs)))}
    return [found[slug] for slug in slugs]


def _field(lang: Lang, ko: str, en: str, value: object) -> str:
    return f"{pick(ko, en, lang)}: {value}"


def _history(
    session: Session, model: type[History], as_of: datetime, parties: Parties, limit: int
) -> Iterator[History]:
    query = select(model).where(model.entered_at <= as_of)
    if model is m.ProgressReport:
        query = query.options(joinedload(m.ProgressReport.milestone))
    if parties is not None:
        query = query.where(model.commitment_id.in_(parties))
    rows = query.options(joinedload(model.commitment)).order_by(model.entered_at.desc(), model.id.desc())
    yield from session.scalars(rows.limit(limit))


def _history_item(row: m.StatusChange | m.ProgressReport, lang: Lang) -> Item:
    """An official status change or a progress report (a correction says which row it corrects)."""
    commitment = row.commitment
    subject: m.Commitment | m.Milestone
    if isinstance(row, m.StatusChange):
        kind, subject, what = "status-change", commitment, _label(Status, row.status, lang)
        head = pick("공식 상태", "Official status", lang)
    else:
        kind, subject, what = "progress-report", row.milestone or commitment, _report_what(row, lang)
        head = pick("진행 보고", "Progress report", lang)
    lines = [_field(lang, "대상", "Subject", f"{subject.code} {subject.title}")]
    if subject is not commitment:
        lines.append(_field(lang, "공약", "Commitment", f"{commitment.code} {commitment.title}"))
    lines += [
        f"{head}: {what}",
        _field(lang, "기준일", "As of", row.as_of.isoformat()),
        _field(lang, "보고자", "Reported by", f"{row.reporter} ({_label(Channel, row.channel, lang)})"),
    ]
    if row.corrects_id is not None:
        lines.append(_field(lang, "정정 대상", "Corrects", f"{head} #{row.corrects_id}"))
        head += pick(" 정정", " correction", lang)
    if row.note:
        lines.append(_field(lang, "비고", "Note", row.note))
    lines += [_field(lang, "근거", "Evidence", url) for url in row.evidence]
    return Item(
        id=f"{TAG}{kind}/{row.id}",
        kind=kind,
        number=row.id,
        updated=row.entered_at,
        published=row.entered_at,
        title=f"[{head}] {subject.code} {subject.title}: {what}",
        lines=tuple(lines),
        author=row.reporter,
        links=tuple(row.evidence),
    )


def _label(vocabulary: type[Labelled], key: str, lang: Lang) -> str:
    try:
        return vocabulary(key).label(lang)
    except ValueError:  # a value written by a newer version: show it as stored
        return key


def _amount(value: Decimal, unit: str | None, lang: Lang) -> str:
    if unit is None:
        return str(value)
    return f"{value}{unit}" if lang == "ko" else f"{value} {UNITS.get(unit, unit)}"


def _report_what(report: m.ProgressReport, lang: Lang) -> str:
    unit = report.milestone.unit if report.milestone else None
    parts = []
    if report.value is not None:
        parts.append(_amount(report.value, unit, lang))
    if report.status is not None:
        parts.append(_label(MilestoneStatus, report.status, lang))
    if report.executed_amount is not None:
        parts.append(f"{pick('집행', 'executed', lang)} {_amount(report.executed_amount, '백만원', lang)}")
    if report.secured_amount is not None:
        parts.append(f"{pick('확보', 'secured', lang)} {_amount(report.secured_amount, '백만원', lang)}")
    return ", ".join(parts)


def _alert_items(
    session: Session, as_of: datetime, tz: ZoneInfo, lang: Lang, parties: Parties, limit: int
) -> Iterator[Item]:
    a = m.Alert
    scope = []
    if parties is not None:
        scope.append(a.commitment_code.in_(select(m.Commitment.code).where(m.Commitment.id.in_(parties))))
    # A firing alert's row is rewritten when its stage, reason or repeat count changes: while that
    # rewrite is known at `as_of`, the entry shows the reason and counts as updated then.
    current = and_(a.state == "firing", a.updated_at <= as_of)
    updated = case((current, a.updated_at), else_=a.started_at)
    firing = select(a, current).where(a.started_at <= as_of, *scope).order_by(updated.desc(), a.id.desc())
    for alert, is_current in session.execute(firing.limit(limit)):
        yield _alert_item(alert, "firing", bool(is_current), tz, lang)
    resolved = (
        select(a)
        .where(a.state == "resolved", a.resolved_at <= as_of, a.condition.not_in(QUIET_RESOLVED), *scope)
        .order_by(a.resolved_at.desc(), a.id.desc())
    )
    for alert in session.scalars(resolved.limit(limit)):
        yield _alert_item(alert, "resolved", True, tz, lang)


def _alert_item(alert: m.Alert, event: str, current: bool, tz: ZoneInfo, lang: Lang) -> Item:
    at = alert.resolved_at if event == "resolved" else alert.started_at
    assert at is not None  # resolved rows carry resolved_at (selected so)
    condition = label(CONDITION_LABELS, alert.condition, lang)
    head = pick("해결", "Resolved", lang) if event == "resolved" else pick("경보", "Alert", lang)
    lines = [_field(lang, "대상", "Subject", f"{alert.subject} {alert.title}")]
    if alert.subject != alert.commitment_code:
        lines.append(_field(lang, "공약", "Commitment", f"{alert.commitment_code} {alert.commitment_title}"))
    lines += [
        _field(lang, "상태", "Condition", condition),
        *([_field(lang, "단계", "Stage", alert.stage)] if alert.stage else []),
        _field(lang, "심각도", "Severity", label(SEVERITY_LABELS, alert.severity, lang)),
        _field(lang, "지자체", "Jurisdictions", ", ".join(alert.parties)),
    ]
    if alert.due is not None:
        due = deadline(alert.due, tz, calendar=alert.rule != Rule.EVENT.value)
        lines.append(_field(lang, "기한", "Due", due))
    lines.append(_field(lang, "경보 시작", "Firing since", isoformat_local(alert.started_at, tz)))
    if event == "resolved":
        lines.append(_field(lang, "해결 시각", "Resolved at", isoformat_local(at, tz)))
    if current:
        lines.append(_field(lang, "사유", "Reason", alert.reason_ko if lang == "ko" else alert.reason_en))
    stamp = at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return Item(
        id=f"{TAG}alert/{alert.id}/{event}/{stamp}",
        kind="alert",
        number=alert.id,
        updated=alert.updated_at if event == "firing" and current else at,
        published=at,
        title=f"[{head}] {condition}: {alert.subject} {alert.title}",
        lines=tuple(lines),
    )
