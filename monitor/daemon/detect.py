"""The detect step: evaluate (everything, or a scope) and advance the alert lifecycle.

A pass goes through its scope in parts of whole subtrees (`monitor.snapshot.parts`), one snapshot and one
transaction per part: memory stays bounded at national scale, and every alert change is committed
together with its outbox rows.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from monitor import snapshot
from monitor.alerts.config import LifecycleConfig
from monitor.alerts.lifecycle import Notification
from monitor.alerts.store import apply_pass, record_errors, retire_missing, skipped_subjects
from monitor.daemon.log_texts import evaluated_line
from monitor.rules import RuleConfig
from monitor.vocab import Lang

log = logging.getLogger(__name__)


@dataclass
class CycleResult:
    milestones: int = 0
    subjects: int = 0
    conditions: int = 0
    errors: dict[str, str] = field(default_factory=dict)
    notified: int = 0
    notifications: list[Notification] = field(default_factory=list)  # kept only when asked (tests, CLI)


def evaluate_all(
    sessions: sessionmaker[Session], rules: RuleConfig, now: datetime
) -> Iterator[snapshot.Snapshot]:
    """A read-only full pass (every state of every item decided, texts left unbuilt: see
    `monitor.snapshot.compact`), one part of whole subtrees at a time, in bounded memory."""
    with sessions() as session:
        pieces = snapshot.parts(session, snapshot.EVERYTHING)
    for piece in pieces:
        with sessions() as session:
            yield snapshot.detect_build(session, rules, now, piece)


def detect(
    sessions: sessionmaker[Session],
    rules: RuleConfig,
    lifecycle: LifecycleConfig,
    now: datetime,
    scope: Collection[int] | None = None,
    keep: bool = True,
    lang: Lang = "ko",
) -> CycleResult:
    """Evaluate and write alert changes plus their outbox rows (detect; sending is the sender's job);
    the pass is logged in `lang`."""
    cycle = CycleResult()
    with sessions() as session:
        whole = snapshot.EVERYTHING if scope is None else snapshot.subtrees(session, scope)
        pieces = snapshot.parts(session, whole)
    for piece in pieces:
        with sessions.begin() as session:
            skipped = skipped_subjects(session, now)
            result = snapshot.detect_build(session, rules, now, piece, skipped)
            notifications = apply_pass(session, result, lifecycle)
            record_errors(session, result)
        _count(
            cycle,
            result.milestone_count,
            len(result.subjects),
            len(result.findings),
            result.errors,
            notifications,
            keep,
        )
    if scope is None:
        with sessions.begin() as session:
            notifications = retire_missing(session, now, lifecycle)
        _count(cycle, 0, 0, 0, {}, notifications, keep)
    counts = {"milestones": cycle.milestones, "subjects": cycle.subjects, "conditions": cycle.conditions}
    counts |= {"notified": cycle.notified, "errors": len(cycle.errors)}
    log.info(evaluated_line(counts, None if scope is None else len(scope), lang))
    return cycle


def _count(
    cycle: CycleResult,
    milestones: int,
    subjects: int,
    conditions: int,
    errors: dict[str, str],
    notifications: list[Notification],
    keep: bool,
) -> None:
    cycle.milestones += milestones
    cycle.subjects += subjects
    cycle.conditions += conditions
    cycle.errors.update(errors)
    cycle.notified += len(notifications)
    if keep:
        cycle.notifications.extend(notifications)
