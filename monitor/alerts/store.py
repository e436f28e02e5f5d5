"""Persist the alert lifecycle: alert rows, silences, inhibition and the outbox, in the caller's transaction.

`apply_pass` runs the shared `book.step` over the alerts of the pass's scope and writes the alerts that
changed, plus one outbox row per destination for each notification, in the same transaction. Reads and
writes are set-based (Core selects, executemany inserts and updates): a national pass touches hundreds of
thousands of alerts and must not build an ORM object for each.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from monitor.alerts.book import Finding, step
from monitor.alerts.config import LifecycleConfig
from monitor.alerts.lifecycle import AlertState, Notification
from monitor.alerts.muting import SilenceRule
from monitor.alerts.routing import active_rules, destinations
from monitor.db import models as m
from monitor.db.alerting import insert_new_only
from monitor.rules.details import NoDetails, details_from_json
from monitor.rules.facts import CommitmentFacts
from monitor.rules.outcome import Evaluation, Reason, Rule, Severity, State

CHUNK = 500
STATE_FIELDS = tuple(f.name for f in fields(AlertState))
COLUMNS = [getattr(m.Alert, name) for name in STATE_FIELDS]


class EvaluatedPass(Protocol):
    """What the lifecycle reads of an evaluation pass (a snapshot, or the reference evaluation): read-only,
    so a pass may compute any of them on demand."""

    @property
    def now(self) -> datetime: ...
    @property
    def findings(self) -> Sequence[Finding]: ...
    def full(self, findings: Sequence[Finding]) -> Mapping[str, Evaluation]: ...
    @property
    def subjects(self) -> set[str]: ...
    @property
    def errors(self) -> dict[str, str]: ...
    @property
    def commitments(self) -> dict[str, CommitmentFacts]: ...


# What the lifecycle decision reads. The texts (title, reason, details …) are only needed when an alert
# clears; a pass loads them for those alerts alone (`complete`).
BRIEF = tuple(
    name
    for name in STATE_FIELDS
    if name not in {"title", "commitment_title", "since", "due", "reason_ko", "reason_en", "details"}
)
BRIEF_COLUMNS = [getattr(m.Alert, name) for name in BRIEF]
BLANK_TEXTS: dict[str, Any] = {
    "title": "",
    "commitment_title": "",
    "since": None,
    "due": None,
    "reason_ko": "",
    "reason_en": "",
    "details": NoDetails(),
}
# Stored text → enum member by plain lookup: a national pass reads hundreds of thousands of rows.
RULES = {rule.value: rule for rule in Rule}
STATES = {state.value: state for state in State}
SEVERITIES = {severity.value: severity for severity in Severity}


def _typed(values: dict[str, Any]) -> dict[str, Any]:
    """Stored columns as the lifecycle's types: enums, a tuple of parties, typed details."""
    values["parties"] = tuple(values["parties"])
    values["rule"] = RULES[values["rule"]]
    values["condition"] = STATES[values["condition"]]
    values["severity"] = SEVERITIES[values["severity"]]
    if "details" in values:
        values["details"] = details_from_json(values["details"])
    return values


def _state(row: Sequence[Any]) -> AlertState:
    return AlertState(**_typed(dict(zip(STATE_FIELDS, row, strict=True))))


def _brief(row: Sequence[Any]) -> AlertState:
    return AlertState(**BLANK_TEXTS, **_typed(dict(zip(BRIEF, row, strict=True))))


def complete(session: Session, alert: AlertState) -> AlertState:
    """The stored alert with its texts (for a resolved notice)."""
    row = session.execute(select(*COLUMNS).where(m.Alert.key == alert.key)).one()
    return _state(row)


def _row(alert: AlertState, now: datetime) -> dict[str, Any]:
    values = {name: getattr(alert, name) for name in STATE_FIELDS}
    values["parties"] = list(alert.parties)
    values["rule"], values["condition"] = alert.rule.value, alert.condition.value
    values["severity"], values["details"] = alert.severity.value, alert.details.to_json()
    values["updated_at"] = now
    return values


def _chunks(items: Sequence[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), CHUNK):
        yield list(items[start : start + CHUNK])


def load_states(
    session: Session, commitment_codes: Iterable[str] | None, brief: bool = False
) -> dict[str, tuple[int, AlertState]]:
    """Stored alerts (all, or those under the given commitments) by key, with their row ids.

    `brief` leaves out the texts (see `complete`): the hot path of a national pass."""
    columns, build = (BRIEF_COLUMNS, _brief) if brief else (COLUMNS, _state)
    query = select(m.Alert.id, *columns)
    if commitment_codes is None:
        return {row[1]: (row[0], build(row[1:])) for row in session.execute(query)}
    found: dict[str, tuple[int, AlertState]] = {}
    for chunk in _chunks(sorted(set(commitment_codes))):
        for row in session.execute(query.where(m.Alert.commitment_code.in_(chunk))):
            found[row[1]] = (row[0], build(row[1:]))
    return found


def active_silences(session: Session, now: datetime) -> list[SilenceRule]:
    query = select(m.Silence).where(
        m.Silence.removed_at.is_(None),
        m.Silence.chat_id.is_(None),
        m.Silence.starts_at <= now,
        m.Silence.ends_at > now,
    )
    return [
        SilenceRule(s.id, s.code_prefix, s.jurisdiction, s.starts_at, s.ends_at, s.reason)
        for s in session.scalars(query.order_by(m.Silence.id))
    ]


def firing_among(session: Session, keys: set[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(sorted(keys)):
        query = select(m.Alert.key).where(m.Alert.key.in_(chunk), m.Alert.state == "firing")
        found |= set(session.scalars(query))
    return found


def apply_pass(session: Session, result: EvaluatedPass, config: LifecycleConfig) -> list[Notification]:
    """Advance the alerts of the pass's commitments; write changed rows and outbox entries."""
    codes = {
        c.code for c in result.commitments.values() if c.code in result.subjects or c.code in result.errors
    }
    findings = result.findings
    codes |= {f.commitment_code for f in findings}
    stored = load_states(session, codes, brief=True)
    moved = step(
        {key: state for key, (_, state) in stored.items()},
        findings,
        result.subjects,
        result.commitments,
        active_silences(session, result.now),
        result.now,
        config.repeat_interval,
        lambda keys: firing_among(session, keys),
        complete=lambda alert: complete(session, alert),
        build=result.full,
    )
    save(session, stored, moved.alerts.values(), result.now)
    enqueue(session, moved.notifications, config)
    return moved.notifications


def save(
    session: Session, stored: dict[str, tuple[int, AlertState]], alerts: Iterable[AlertState], now: datetime
) -> None:
    new, changed = [], []
    for alert in alerts:
        if alert.key in stored:
            changed.append({"id": stored[alert.key][0], **_row(alert, now)})
        else:
            new.append(_row(alert, now))
    if new:
        session.execute(insert(m.Alert), new)
    if changed:
        session.execute(update(m.Alert), changed)  # bulk UPDATE by primary key


def _jurisdiction_names(session: Session) -> dict[str, tuple[str, str]]:
    return {j.slug: (j.name_ko, j.name_en) for j in session.scalars(select(m.Jurisdiction))}


def enqueue(session: Session, notifications: Sequence[Notification], config: LifecycleConfig) -> None:
    """One outbox row per destination; grouped per jurisdiction when delivered."""
    if not notifications:
        return
    names = _jurisdiction_names(session)
    rules = active_rules(session, notifications[0].at) if config.telegram else []
    rows = []
    for notification in notifications:
        ko, en = names.get(notification.jurisdiction, (notification.jurisdiction, notification.jurisdiction))
        payload = replace(notification.payload, jurisdiction_ko=ko, jurisdiction_en=en)
        stored = payload.to_json()
        for destination in destinations(payload, config.destinations, rules):
            rows.append(
                {
                    "dedup_key": f"{notification.alert_key}#{notification.sequence}@{destination}",
                    "alert_key": notification.alert_key,
                    "event": notification.event.value,
                    "destination": destination,
                    "group_key": notification.jurisdiction,
                    "payload": stored,
                    "created_at": notification.at,
                    "not_before": notification.at + config.group_wait,
                    "state": "pending",
                    "attempts": 0,
                    "delivery": {},
                }
            )
    if rows:  # an executemany of nothing would insert one row of defaults
        # A row another daemon queued meanwhile (same alert, same sequence) is skipped, not an error.
        session.execute(insert_new_only(session), rows)


def retire_missing(session: Session, now: datetime, config: LifecycleConfig) -> list[Notification]:
    """After a full pass: firing alerts whose subject is no longer in the registry (removed from the
    seeds) resolve. Found with an anti-join, without loading every alert."""
    ms, c = m.Milestone, m.Commitment
    live_milestones = (
        select(ms.code)
        .join(c, c.id == ms.commitment_id)
        .where(ms.retired_at.is_(None), c.retired_at.is_(None))
    )
    live_commitments = select(c.code).where(c.retired_at.is_(None))
    query = select(m.Alert.id, *COLUMNS).where(
        m.Alert.state == "firing",
        m.Alert.subject.not_in(live_milestones),
        m.Alert.subject.not_in(live_commitments),
    )
    stored = {row[1]: (row[0], _state(row[1:])) for row in session.execute(query)}
    if not stored:
        return []
    subjects = {state.subject for _, state in stored.values()}
    moved = step(
        {k: state for k, (_, state) in stored.items()},
        [],
        subjects,
        {},
        [],
        now,
        config.repeat_interval,
        cleared=Reason("등록부에서 제외됨", "removed from the registry"),
    )
    save(session, stored, moved.alerts.values(), now)
    enqueue(session, moved.notifications, config)
    return moved.notifications


def record_errors(
    session: Session,
    result: EvaluatedPass,
    base_delay: timedelta = timedelta(hours=1),
    longest: timedelta = timedelta(days=1),
) -> None:
    """Push failed items' next check later (doubling, capped); forget the failures of recovered items."""
    now = result.now
    known = {e.subject: e for e in session.scalars(select(m.EvaluationError))}
    for subject, message in result.errors.items():
        row = known.get(subject)
        if row is None:
            row = m.EvaluationError(subject=subject, failures=0, first_failed_at=now)
            session.add(row)
        row.failures += 1
        row.last_error, row.last_failed_at = message, now
        row.next_check_at = now + min(longest, base_delay * 2 ** (row.failures - 1))
    for subject in result.subjects & set(known):
        session.delete(known[subject])


def skipped_subjects(session: Session, now: datetime) -> set[str]:
    """Items still waiting out their back-off after failing."""
    return set(
        session.scalars(select(m.EvaluationError.subject).where(m.EvaluationError.next_check_at > now))
    )
