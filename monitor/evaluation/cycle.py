"""The detect step: evaluate (everything, or a scope) and advance the alert lifecycle.

A full pass goes through the registry in chunks of whole subtrees (about `CHUNK_SIZE` commitments each),
one transaction per chunk: memory stays bounded at national scale, and every alert change is committed
together with its outbox rows.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.alerts.lifecycle import Notification
from monitor.alerts.store import LifecycleConfig, apply_pass, record_errors, retire_missing, skipped_subjects
from monitor.db import models as m
from monitor.evaluation.run import PassResult, evaluate
from monitor.rules import RuleConfig

log = logging.getLogger(__name__)
CHUNK_SIZE = 2000


@dataclass
class CycleResult:
    milestones: int = 0
    subjects: int = 0
    conditions: int = 0
    errors: dict[str, str] = field(default_factory=dict)
    notified: int = 0
    notifications: list[Notification] = field(default_factory=list)  # kept only when asked (tests, CLI)


def chunks(session: Session, size: int = CHUNK_SIZE) -> list[list[int]]:
    """Top-level commitments grouped so that each group's subtrees hold about `size` commitments."""
    rows = list(
        session.execute(
            select(m.Commitment.id, m.Commitment.parent_id).where(m.Commitment.retired_at.is_(None))
        )
    )
    parent = dict(rows)
    sizes: dict[int, int] = {}
    for cid in parent:
        root = cid
        while parent.get(root) is not None:
            root = parent[root]  # type: ignore[assignment]
        sizes[root] = sizes.get(root, 0) + 1
    groups: list[list[int]] = [[]]
    filled = 0
    for root in sorted(sizes):
        if filled and filled + sizes[root] > size:
            groups.append([])
            filled = 0
        groups[-1].append(root)
        filled += sizes[root]
    return [g for g in groups if g]


def evaluate_all(sessions: sessionmaker[Session], rules: RuleConfig, now: datetime) -> Iterator[PassResult]:
    """A read-only full pass, one chunk at a time (what `check` prints), in bounded memory."""
    with sessions() as session:
        groups = chunks(session)
    for group in groups:
        with sessions() as session:
            yield evaluate(session, rules, now, scope=group)


def detect(
    sessions: sessionmaker[Session],
    rules: RuleConfig,
    lifecycle: LifecycleConfig,
    now: datetime,
    scope: Collection[int] | None = None,
    keep: bool = True,
) -> CycleResult:
    """Evaluate and write alert changes plus their outbox rows (detect; sending is the sender's job)."""
    cycle = CycleResult()
    with sessions() as session:
        groups = [list(scope)] if scope is not None else chunks(session)
    for group in groups:
        with sessions.begin() as session:
            skipped = skipped_subjects(session, now)
            result = evaluate(session, rules, now, scope=group, skip=skipped)
            notifications = apply_pass(session, result, lifecycle)
            record_errors(session, result)
        _count(
            cycle,
            result.milestones,
            len(result.subjects),
            len(result.evaluations),
            result.errors,
            notifications,
            keep,
        )
    if scope is None:
        with sessions.begin() as session:
            notifications = retire_missing(session, now, lifecycle)
        _count(cycle, 0, 0, 0, {}, notifications, keep)
    log.info(
        "evaluated %d milestones (%d items%s): %d conditions, %d notifications, %d errors",
        cycle.milestones,
        cycle.subjects,
        "" if scope is None else f" in {len(scope)} scope(s)",
        cycle.conditions,
        cycle.notified,
        len(cycle.errors),
    )
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
