"""The status report: the Korean evaluation table per jurisdiction and 분야 as of an instant.

Official statuses (완료 … 폐기, unreported), 완료율 and 목표달성도 come from `monitor.metrics` of one
snapshot; beside them, the monitor's own view from the same snapshot: how many pledges have an overdue
or an at-risk target, and the count of every check state (what `monitor check --jurisdiction` lists).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from monitor import snapshot
from monitor.i18n import t
from monitor.metrics import Metrics, from_snapshot
from monitor.reports.common import ReportHeader, card_of, make_header
from monitor.rules import Rule, RuleConfig
from monitor.timeutil import local_date
from monitor.vocab import Lang, Status

UNREPORTED = "unreported"
STATUS_KEYS = (*(s.value for s in Status), UNREPORTED)
FLAGGED = {Rule.OVERDUE: "overdue", Rule.AT_RISK: "at_risk"}
TOTAL = "\0total"  # the key of a jurisdiction's whole row (no 분야 is spelt like this)
# (party, 분야 or TOTAL, "overdue"/"at_risk") → codes of the pledges flagged so
Flagged = dict[tuple[str, str, str], set[str]]


@dataclass(frozen=True)
class StatusRow:
    jurisdiction: str
    jurisdiction_name: str
    category: str | None  # None: the whole jurisdiction (is_total) or pledges without a 분야
    is_total: bool
    pledges: int  # 공약 only: agendas (의제) and agreements (협약) are counted apart, never added in
    candidate_pledges: int  # of those, a candidate's before the election outcome is recorded (공약 — 후보)
    agendas: int
    agreements: int
    statuses: dict[str, int]  # every key of STATUS_KEYS, zero included
    completion_rate: Decimal | None
    targets_due: int
    targets_met: int
    achievement_rate: Decimal | None
    overdue: int  # pledges with at least one overdue target (the monitor's own view)
    at_risk: int  # pledges with at least one target projected to fall short
    states: dict[str, int]  # check state → count: what `monitor check --jurisdiction` lists for the row


@dataclass(frozen=True)
class StatusReport:
    header: ReportHeader
    year: int  # the year whose targets count for 목표달성도
    status_labels: dict[str, str]  # STATUS_KEYS → label in the report's language
    rows: list[StatusRow]


def status_labels(lang: Lang) -> dict[str, str]:
    labels = {s.value: s.label(lang) for s in Status}
    labels[UNREPORTED] = t("status.unreported", lang)
    return labels


def build_status(
    session: Session,
    *,
    as_of: datetime,
    tz: ZoneInfo,
    lang: Lang,
    config: RuleConfig,
    jurisdiction: str | None = None,
) -> StatusReport:
    header = make_header(session, "status", as_of, tz, jurisdiction, lang)
    year = local_date(as_of, tz).year
    snap = snapshot.take(session, config, as_of, jurisdiction)
    flagged = _flagged_pledges(snap)
    by_category = from_snapshot(snap, year, by_category=True)
    rows: list[StatusRow] = []
    for total in from_snapshot(snap, year, by_category=False):
        rows.append(_row(total, True, flagged, header.names))
        rows.extend(
            _row(cell, False, flagged, header.names)
            for cell in by_category
            if cell.jurisdiction == total.jurisdiction and cell.items
        )
    return StatusReport(header=header, year=year, status_labels=status_labels(lang), rows=rows)


def _row(metrics: Metrics, is_total: bool, flagged: Flagged, names: dict[str, str]) -> StatusRow:
    place = metrics.jurisdiction
    key = TOTAL if is_total else (metrics.category or "")
    return StatusRow(
        jurisdiction=place,
        jurisdiction_name=names.get(place, place),
        category=None if is_total else metrics.category,
        is_total=is_total,
        pledges=metrics.kinds["pledges"],
        candidate_pledges=metrics.kinds["candidate_pledges"],
        agendas=metrics.kinds["agendas"],
        agreements=metrics.kinds["agreements"],
        statuses={k: metrics.statuses.get(k, 0) for k in STATUS_KEYS},
        completion_rate=metrics.completion_rate,
        targets_due=metrics.targets_due,
        targets_met=metrics.targets_met,
        achievement_rate=metrics.achievement_rate,
        overdue=len(flagged[(place, key, "overdue")]),
        at_risk=len(flagged[(place, key, "at_risk")]),
        states=metrics.states,
    )


def _flagged_pledges(snap: snapshot.Snapshot) -> Flagged:
    """(party, 분야 or TOTAL, "overdue"/"at_risk") → codes of the pledges with such a target under them."""
    flagged: Flagged = defaultdict(set)
    for evaluation in snap.evaluations:
        flag = FLAGGED.get(evaluation.rule)
        card = card_of(evaluation.commitment_code, snap.commitments) if flag else None
        if flag is None or card is None:
            continue
        for place in card.parties:
            flagged[(place, card.category or "", flag)].add(card.code)
            flagged[(place, TOTAL, flag)].add(card.code)
    return flagged
