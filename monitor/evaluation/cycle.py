"""The detect step: evaluate (all, or a scope) and advance the alert lifecycle, in one transaction."""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from monitor.alerts.lifecycle import Notification
from monitor.alerts.store import LifecycleConfig, apply_pass, record_errors, skipped_subjects
from monitor.evaluation.run import PassResult, evaluate
from monitor.rules import RuleConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CycleResult:
    result: PassResult
    notifications: list[Notification]


def detect(
    sessions: sessionmaker[Session],
    rules: RuleConfig,
    lifecycle: LifecycleConfig,
    now: datetime,
    scope: Collection[int] | None = None,
) -> CycleResult:
    """Evaluate and write alert changes plus their outbox rows atomically (detect, never send)."""
    with sessions.begin() as session:
        result = evaluate(session, rules, now, scope=scope, skip=skipped_subjects(session, now))
        notifications = apply_pass(session, result, lifecycle, full=scope is None)
        record_errors(session, result)
    log.info(
        "evaluated %d milestones and %d commitments%s: %d conditions, %d notifications, %d errors",
        result.milestones,
        len(result.commitments) if scope is None else len(result.subjects) - result.milestones,
        "" if scope is None else f" in {len(scope)} scope(s)",
        len(result.evaluations),
        len(notifications),
        len(result.errors),
    )
    return CycleResult(result=result, notifications=notifications)
