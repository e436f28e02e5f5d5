"""Hypothesis strategies for whole registries: jurisdictions (one below another), commitments in trees
with parties and official statuses, milestones of every kind, reports with corrections and late entries,
rule configs and instants (boundaries included). Written straight into a real database with Core inserts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from monitor.db import models as m
from monitor.rules import RuleConfig
from monitor.timeutil import due_instant, start_of_day
from tests.factories import SEOUL

T0 = datetime(2026, 1, 1, tzinfo=UTC)
DAY0 = date(2026, 1, 1)
KINDS = ("quantity", "completion", "payment", "budget", "event")
STATUSES = ("정상추진", "완료", "이행후 계속추진", "일부추진", "보류", "폐기")
STATUS_VALUES = ("on_track", "done", "continuing", "partial", "on_hold", "dropped")
REPORT_STATUSES = (None, "done", "held", "cancelled", "started")
# Figures of up to 6 significant digits (the monitor compares up to 15 exactly on SQLite)
figures = st.decimals(min_value=0, max_value=9999, places=2, allow_nan=False, allow_infinity=False)


@dataclass
class Registry:
    rows: dict[Any, list[dict[str, Any]]] = field(default_factory=dict)
    anchors: list[datetime] = field(default_factory=list)  # instants where states change

    def add(self, table: Any, row: dict[str, Any]) -> None:
        self.rows.setdefault(table, []).append(row)


def _common(position: int) -> dict[str, Any]:
    return {
        "source_line": 1,
        "source_end_line": 1,
        "position": position,
        "attributes": {},
        "retired_at": None,
        "created_at": T0,
        "updated_at": T0,
    }


@st.composite
def _report(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    as_of = DAY0 + timedelta(days=draw(st.integers(0, 1500)))
    late = timedelta(hours=draw(st.sampled_from([0, 0, 5, 24 * 40])))
    row: dict[str, Any] = {
        "value": None,
        "status": None,
        "secured_amount": None,
        "executed_amount": None,
        "as_of": as_of,
        "note": None,
        "evidence": [],
        "reporter": "t",
        "channel": "import",
        "entered_at": due_instant(as_of, SEOUL) + late,
        "corrects_id": None,
        "seed_key": None,
    }
    if kind == "quantity":
        row["value"] = draw(st.one_of(st.none(), figures))
    elif kind == "budget":
        row["executed_amount"] = draw(st.one_of(st.none(), figures))
        row["secured_amount"] = draw(st.one_of(st.none(), figures))
    nothing = row["value"] is None and row["executed_amount"] is None and row["secured_amount"] is None
    if nothing or draw(st.booleans()):
        row["status"] = draw(st.sampled_from(REPORT_STATUSES[1:] if nothing else REPORT_STATUSES))
    return row


@st.composite
def _milestone(draw: st.DrawFn, reg: Registry, mid: int, cid: int, code: str) -> None:
    kind = draw(st.sampled_from(KINDS))
    due = DAY0 + timedelta(days=draw(st.integers(0, 1460)))
    due_at = due_instant(due, SEOUL)
    row = {
        "id": mid, "code": f"{code}.m{mid}", "commitment_id": cid, "key": f"m{mid}", "kind": kind,
        "title": f"목표 {mid}", "due_date": due, "due_at": due_at, "target_value": None, "target_max": None,
        "unit": "개", "cumulative": draw(st.booleans()), "baseline": None, "fiscal_year_start": None,
        "fiscal_year_end": None, "planned_amount": None, "funding_source": None, "starts_at": None,
        "ends_at": None, "cadence": None, **_common(mid),
    }  # fmt: skip
    if kind == "quantity":
        row["target_value"] = draw(st.one_of(st.none(), figures))
    elif kind == "budget":
        row.update(fiscal_year_start=due.year, fiscal_year_end=due.year, planned_amount=draw(figures))
    elif kind == "payment":
        row.update(target_value=draw(figures), cadence="yearly")
    elif kind == "event":
        starts = due_at - timedelta(hours=draw(st.integers(1, 200)))
        row.update(due_date=None, starts_at=starts, ends_at=due_at)
    reg.add(m.Milestone, row)
    reg.anchors += [due_at, *([row["starts_at"]] if row["starts_at"] else [])]
    for report in draw(st.lists(_report(kind), max_size=4)):
        report.update(id=len(reg.rows.get(m.ProgressReport, [])) + 1, commitment_id=cid, milestone_id=mid)
        earlier = [r for r in reg.rows.get(m.ProgressReport, []) if r["milestone_id"] == mid]
        if earlier and draw(st.integers(0, 3)) == 0:
            report["corrects_id"] = draw(st.sampled_from(earlier))["id"]
        reg.add(m.ProgressReport, report)


@st.composite
def _statuses(draw: st.DrawFn, reg: Registry, cid: int) -> None:
    for _ in range(draw(st.integers(0, 3))):
        as_of = DAY0 + timedelta(days=draw(st.integers(0, 1500)))
        sid = len(reg.rows.get(m.StatusChange, [])) + 1
        earlier = [r for r in reg.rows.get(m.StatusChange, []) if r["commitment_id"] == cid]
        corrects = None
        if draw(st.booleans()) and earlier:
            corrects = draw(st.sampled_from(earlier))["id"]
        reg.add(
            m.StatusChange,
            {
                "id": sid, "commitment_id": cid, "status": draw(st.sampled_from(STATUS_VALUES)),
                "as_of": as_of, "note": None, "evidence": [], "reporter": "t", "channel": "cli",
                "entered_at": due_instant(as_of, SEOUL) + timedelta(hours=draw(st.integers(0, 900))),
                "corrects_id": corrects, "seed_key": None,
            },
        )  # fmt: skip


@st.composite
def _pledgers(draw: st.DrawFn, reg: Registry) -> None:
    """Three pledgers: candidates or officeholders, outcomes recorded (from a day) or not; their term start
    moves an elected candidate's periods, their outcome day is a boundary."""
    for pid in (1, 2, 3):
        role = draw(st.sampled_from(["candidate", "candidate", "officeholder"]))
        outcome = (
            "elected" if role == "officeholder" else draw(st.sampled_from(["pending", "elected", "lost"]))
        )
        decided = DAY0 + timedelta(days=draw(st.integers(-300, 600))) if outcome != "pending" else None
        term = DAY0 + timedelta(days=draw(st.integers(-200, 600)))
        reg.add(
            m.Pledger,
            {
                "id": pid, "key": f"p{pid}", "name": f"후보{pid}", "role": role, "office": "시장",
                "jurisdiction_id": 1, "term": "민선9기", "term_start": term, "term_end": None,
                "election_on": None, "outcome": outcome, "outcome_on": decided,
                "outcome_at": start_of_day(decided, SEOUL) if decided else None, "source_id": 1,
                "source_line": 1, "created_at": T0, "updated_at": T0,
            },
        )  # fmt: skip
        reg.anchors += [start_of_day(d, SEOUL) for d in (decided, term) if d is not None]


@st.composite
def registries(draw: st.DrawFn) -> Registry:
    reg = Registry()
    for jid, slug, parent in ((1, "city", None), (2, "ward", 1), (3, "other", None)):
        reg.add(
            m.Jurisdiction,
            {"id": jid, "slug": slug, "name_ko": slug, "name_en": slug, "level": "x", "parent_id": parent},
        )
    reg.add(m.SourceDocument, {"id": 1, "file": "s.txt", "title": "s", "publisher": "p", "sha256": "0" * 64, "text": "s", "seed_file": "s"})  # fmt: skip
    draw(_pledgers(reg))
    mid = 0
    for cid in range(1, draw(st.integers(1, 6)) + 1):
        earlier = [r["id"] for r in reg.rows.get(m.Commitment, [])]
        parent = draw(st.sampled_from([None, *earlier])) if earlier else None
        owner = draw(st.sampled_from([1, 2, 3]))
        start = DAY0 + timedelta(days=draw(st.integers(-200, 600)))
        reg.add(
            m.Commitment,
            {
                "id": cid, "code": f"C-{cid}", "parent_id": parent, "jurisdiction_id": owner,
                "kind": draw(st.sampled_from(["pledge", "agenda", "agreement_area", "item", "area"])),
                "category": draw(st.sampled_from(["가", "나", None])), "title": f"공약 {cid}",
                "description": None, "department": None, "period_start": start,
                "period_end": start + timedelta(days=draw(st.integers(30, 1500))), "budget_total": None,
                "non_budget": False, "source_id": 1, "stale_ref_at": start_of_day(start, SEOUL), **_common(cid),
            },
        )  # fmt: skip
        for jid in {owner, *draw(st.lists(st.sampled_from([1, 2, 3]), max_size=2))}:
            reg.add(m.CommitmentParty, {"commitment_id": cid, "jurisdiction_id": jid})
        draw(_statuses(reg, cid))
        for pid in draw(st.sampled_from([(), (1,), (2,), (3,), (1, 2)])):
            reg.add(m.CommitmentPledger, {"commitment_id": cid, "pledger_id": pid})
        for _ in range(draw(st.integers(0, 3))):
            mid += 1
            draw(_milestone(reg, mid, cid, f"C-{cid}"))
    return reg


def write(session: Session, reg: Registry) -> None:
    """Replace everything in the registry tables with `reg` (children first out, parents first in)."""
    order = [m.Jurisdiction, m.SourceDocument, m.Pledger, m.Commitment, m.CommitmentParty, m.CommitmentPledger, m.StatusChange, m.Milestone, m.ProgressReport]  # fmt: skip
    for table in reversed(order):
        session.execute(delete(table))
    for table in order:
        rows = reg.rows.get(table, [])
        if table is m.Commitment:  # parents before children: ids ascend and a parent is always earlier
            rows = sorted(rows, key=lambda r: r["id"])
        if rows:
            session.execute(insert(table), rows)


rule_configs = st.builds(
    lambda grace, leads, threshold, trend, stale, candidates: RuleConfig(
        tz=SEOUL,
        grace=timedelta(days=grace),
        lead_times=tuple(sorted(leads, reverse=True)),
        underspend_threshold=threshold,
        trend_min_reports=trend,
        stale_after=timedelta(days=stale),
        candidate_alerts=candidates,
    ),
    st.integers(0, 10),
    st.sets(st.sampled_from([timedelta(days=d) for d in (90, 30, 7, 1)]), max_size=4),
    st.sampled_from([Decimal("0.9"), Decimal("0.75"), Decimal("1"), Decimal("0.333")]),
    st.integers(1, 3),
    st.sampled_from([30, 120]),
    st.sampled_from(["say", "quiet"]),
)


@st.composite
def instants(draw: st.DrawFn, reg: Registry, config: RuleConfig) -> datetime:
    """Any instant, or one exactly at (or a second before) a state boundary of the registry."""
    if draw(st.booleans()) and reg.anchors:
        anchor = draw(st.sampled_from(reg.anchors))
        offset = draw(st.sampled_from([config.grace, -config.grace, *(-x for x in config.lead_times), timedelta(0), config.budget_grace]))  # fmt: skip
        return anchor + offset - draw(st.sampled_from([timedelta(0), timedelta(seconds=1)]))
    return T0 + timedelta(hours=draw(st.integers(0, 24 * 365 * 5)))
