"""The periodic digest (a `jobs/*.toml` entry of kind "digest", or /report): per jurisdiction, what is
firing now, worst first — written to the outbox like any notification. With `chart` set, the payload also
carries the figures of a chart (official statuses per 분야, or budget planned vs executed per 분야) that
the Telegram notifier draws and sends as a photo; the figures travel in the payload so a resend draws
the same chart. The figures are `monitor metrics`' own, from one snapshot of the jurisdictions asked.
A jurisdiction asked for covers those below it (광주광역시 covers 광주광역시 서구): each still gets its own
digest."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor import snapshot
from monitor.alerts.config import LifecycleConfig
from monitor.alerts.outbox import BudgetRow, Chart, DigestItem, DigestPayload, StatusRow
from monitor.alerts.routing import active_rules, destinations
from monitor.db import models as m
from monitor.db.alerting import add_pending, pending_entry
from monitor.metrics import Metrics, from_snapshot
from monitor.rules import RuleConfig
from monitor.rules.outcome import State
from monitor.snapshot.scope import places as all_places
from monitor.snapshot.scope import self_and_above

SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2, "good": 3}
CHARTS = ("status", "budget")


def enqueue_digest(
    session: Session,
    job_id: str,
    now: datetime,
    config: LifecycleConfig,
    params: dict[str, Any],
    rule_config: RuleConfig,
) -> int:
    """One digest per jurisdiction with firing alerts; returns how many outbox rows were written.

    `params`: `top` (items listed, default 10), `jurisdictions` (only these), `chart` (status|budget)."""
    top = int(params.get("top", 10))
    wanted = set(params.get("jurisdictions") or [])
    chart = params.get("chart")
    if chart is not None and chart not in CHARTS:
        raise ValueError(f"digest chart {chart!r}: use one of {', '.join(CHARTS)}")
    by_place = _firing_by_place(session, _covered(session, wanted))
    names = {j.slug: (j.name_ko, j.name_en) for j in session.scalars(select(m.Jurisdiction))}
    figures = _chart_figures(session, now, rule_config, str(chart), wanted) if chart and by_place else {}
    # A digest covers a whole jurisdiction: every chat subscribed to it gets one, whatever its other filters.
    rules = [
        replace(rule, category=None, code_prefix=None, min_severity="info", mutes=())
        for rule in (active_rules(session, now) if config.telegram else [])
    ]
    written = 0
    for slug, alerts in sorted(by_place.items()):
        alerts.sort(key=lambda a: (SEVERITY_ORDER.get(a.severity, 9), a.since or now, a.subject))
        payload = _payload(job_id, slug, names.get(slug, (slug, slug)), alerts, now, top)
        if chart:
            payload = replace(payload, chart=Chart(chart, tuple(figures.get(slug, []))))
        for destination in destinations(payload, config.destinations, rules):
            add_pending(session, _row(job_id, slug, destination, payload, now))
            written += 1
    return written


def _covered(session: Session, wanted: set[str]) -> set[str]:
    """The jurisdictions asked for and every one below them (none asked: all)."""
    if not wanted:
        return wanted
    places = all_places(session)
    return {slug for slug in places if not wanted.isdisjoint(self_and_above(places, slug))}


def _firing_by_place(session: Session, wanted: set[str]) -> dict[str, list[m.Alert]]:
    firing = session.scalars(select(m.Alert).where(m.Alert.state == "firing", m.Alert.muted_by.is_(None)))
    by_place: dict[str, list[m.Alert]] = defaultdict(list)
    for alert in firing:
        if not wanted or alert.jurisdiction in wanted:
            by_place[alert.jurisdiction].append(alert)
    return by_place


def _payload(
    job_id: str, slug: str, names: tuple[str, str], alerts: list[m.Alert], now: datetime, top: int
) -> DigestPayload:
    return DigestPayload(
        subject=f"digest:{job_id}",
        jurisdiction=slug,
        jurisdiction_ko=names[0],
        jurisdiction_en=names[1],
        counts=dict(Counter(a.condition for a in alerts)),
        total=len(alerts),
        at=now,
        items=tuple(
            DigestItem(a.subject, a.title, State(a.condition), a.reason_ko, a.reason_en) for a in alerts[:top]
        ),
    )


def _row(job_id: str, slug: str, destination: str, payload: DigestPayload, now: datetime) -> m.OutboxEntry:
    key = f"digest:{job_id}:{now.isoformat()}:{slug}@{destination}"
    return pending_entry(key, f"digest:{job_id}", destination, slug, payload, now)


def _chart_figures(
    session: Session, now: datetime, rules: RuleConfig, chart: str, wanted: set[str]
) -> dict[str, list[StatusRow | BudgetRow]]:
    """Per jurisdiction, one row per 분야: status counts, or planned / executed amounts (백만원). One
    jurisdiction asked: a snapshot of it (and those below it); otherwise of everything."""
    only = next(iter(wanted)) if len(wanted) == 1 else None
    snap = snapshot.take(session, rules, now, jurisdiction=only)
    rows: dict[str, list[StatusRow | BudgetRow]] = defaultdict(list)
    for metrics in from_snapshot(snap, now.astimezone(rules.tz).year, by_category=True):
        row = _figure_row(metrics, chart)
        if row is not None:
            rows[metrics.jurisdiction].append(row)
    return rows


def _figure_row(metrics: Metrics, chart: str) -> StatusRow | BudgetRow | None:
    label = metrics.category or "-"
    if chart == "status":
        if not metrics.items:  # pledges, agendas and agreement areas alike have an official status
            return None
        return StatusRow(label, dict(metrics.statuses))
    if not metrics.planned:
        return None
    return BudgetRow(label, metrics.planned, metrics.executed)
