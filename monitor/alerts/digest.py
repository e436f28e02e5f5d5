"""The periodic digest: what is firing now, per jurisdiction, through the same outbox as alerts."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.alerts.store import LifecycleConfig
from monitor.db import models as m

SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}


def enqueue_digest(
    session: Session, job_id: str, now: datetime, config: LifecycleConfig, params: dict[str, Any]
) -> int:
    """One digest per jurisdiction with firing alerts; returns how many outbox rows were written."""
    top = int(params.get("top", 10))
    firing = list(
        session.scalars(select(m.Alert).where(m.Alert.state == "firing", m.Alert.muted_by.is_(None)))
    )
    by_place: dict[str, list[m.Alert]] = defaultdict(list)
    for alert in firing:
        by_place[alert.jurisdiction].append(alert)
    names = {j.slug: (j.name_ko, j.name_en) for j in session.scalars(select(m.Jurisdiction))}
    written = 0
    for slug, alerts in sorted(by_place.items()):
        alerts.sort(key=lambda a: (SEVERITY_ORDER.get(a.severity, 9), a.since or now, a.subject))
        ko, en = names.get(slug, (slug, slug))
        payload = {
            "event": "digest",
            "key": f"digest:{job_id}",
            "subject": f"digest:{job_id}",
            "condition": "digest",
            "severity": "info",
            "jurisdiction": slug,
            "jurisdiction_ko": ko,
            "jurisdiction_en": en,
            "counts": dict(Counter(a.condition for a in alerts)),
            "total": len(alerts),
            "at": now.isoformat(),
            "items": [
                {
                    "subject": a.subject,
                    "title": a.title,
                    "condition": a.condition,
                    "reason_ko": a.reason_ko,
                    "reason_en": a.reason_en,
                }
                for a in alerts[:top]
            ],
        }
        for destination in config.destinations:
            session.add(
                m.OutboxEntry(
                    dedup_key=f"digest:{job_id}:{now.isoformat()}:{slug}@{destination}",
                    alert_key=f"digest:{job_id}",
                    event="digest",
                    destination=destination,
                    group_key=slug,
                    payload=payload,
                    created_at=now,
                    not_before=now,
                    state="pending",
                    attempts=0,
                    delivery={},
                )
            )
            written += 1
    return written
