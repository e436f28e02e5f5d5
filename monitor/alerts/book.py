"""Advance a set of alerts by one evaluation pass: silences, inhibition, then the lifecycle per key.

Pure over in-memory `AlertState`s, so the database store and `monitor replay` apply exactly the same
dedup, repeat, mute and resolve rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from monitor.alerts.lifecycle import AlertState, Notification, advance
from monitor.alerts.muting import SilenceRule, inhibited_by, inhibitor_keys, silenced_by
from monitor.rules.facts import CommitmentFacts
from monitor.rules.outcome import Behaviour, Evaluation, Reason, Rule, State


@dataclass(frozen=True)
class Step:
    alerts: dict[str, AlertState]  # every alert whose lifecycle state changed, as it is now
    notifications: list[Notification]


class Finding(Protocol):
    """A state as the lifecycle compares it: an `Evaluation`, or one whose texts are built on demand
    (the detection pass's `monitor.snapshot.compact.Found`)."""

    @property
    def key(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def subject_type(self) -> str: ...
    @property
    def commitment_code(self) -> str: ...
    @property
    def rule(self) -> Rule: ...
    @property
    def condition(self) -> State: ...
    @property
    def stage(self) -> str | None: ...
    @property
    def parties(self) -> tuple[str, ...]: ...
    @property
    def behaviour(self) -> Behaviour: ...


Build = Callable[[Sequence[Finding]], Mapping[str, Evaluation]]


def built(findings: Sequence[Finding]) -> dict[str, Evaluation]:
    """The `Build` of findings that are evaluations already."""
    return {f.key: f for f in findings if isinstance(f, Evaluation)}


def step(
    alerts: Mapping[str, AlertState],
    evaluations: Iterable[Finding],
    subjects: set[str],
    commitments: Mapping[str, CommitmentFacts],
    silences: Iterable[SilenceRule],
    now: datetime,
    repeat_interval: timedelta,
    firing_elsewhere: Callable[[set[str]], set[str]] = lambda keys: set(),
    cleared: Reason | None = None,
    complete: Callable[[AlertState], AlertState] = lambda alert: alert,
    build: Build = built,
) -> Step:
    """`alerts` holds the stored alerts for the evaluated subjects (and any evaluated key);
    `firing_elsewhere(keys)` says which of the given keys fire among alerts not in `alerts`; `cleared`
    explains clearings the rules cannot (a subject removed from the registry); `complete(alert)` returns
    the alert with its texts when `alerts` were loaded without them (only clearing needs them);
    `build(findings)` returns their evaluations (a finding it cannot build is left alone this pass).

    An alert that keeps firing with nothing to announce is left out of the result: its stored row (the
    state as last announced) does not change, so a national pass writes only what moved — and only the
    states of what moves are built."""
    findings = list(evaluations)
    found = {f.key: f for f in findings if f.behaviour.notify}
    # 'achieved' is never an alert, but it is the best explanation of why an alert on the subject cleared.
    achieved = {f.subject: f for f in findings if f.rule is Rule.ACHIEVED}
    moving = _moving(
        alerts, found, subjects, commitments, list(silences), now, repeat_interval, firing_elsewhere
    )
    wanted = [f for _, f, _, _ in moving if f is not None]
    wanted += [achieved[c.subject] for _, f, c, _ in moving if f is None and c and c.subject in achieved]
    full = build(wanted)
    touched: dict[str, AlertState] = {}
    notifications = []
    for key, finding, current, muted in moving:
        evaluation = full.get(key) if finding is not None else None
        if finding is not None and evaluation is None:
            continue  # its builder failed (recorded as an error): leave the alert as it is
        if evaluation is None and current is not None and current.state == "firing":
            current = complete(current)
        subject = finding.subject if finding is not None else current.subject  # type: ignore[union-attr]
        why = _achieved(full, achieved.get(subject)) or _why_cleared(current, commitments, now) or cleared
        alert, notification = advance(current, evaluation, muted, now, repeat_interval, why)
        if alert is not None and alert != current:
            touched[key] = alert
        if notification is not None:
            notifications.append(notification)
    return Step(alerts=touched, notifications=notifications)


def _achieved(full: Mapping[str, Evaluation], finding: Finding | None) -> Reason | None:
    evaluation = full.get(finding.key) if finding is not None else None
    return evaluation.reason if evaluation is not None else None


Moving = tuple[str, Finding | None, AlertState | None, str | None]  # key, finding, stored alert, muted by


def _moving(
    alerts: Mapping[str, AlertState],
    found: dict[str, Finding],
    subjects: set[str],
    commitments: Mapping[str, CommitmentFacts],
    silences: list[SilenceRule],
    now: datetime,
    repeat_interval: timedelta,
    firing_elsewhere: Callable[[set[str]], set[str]],
) -> list[Moving]:
    """The keys with something to do (new, changed, due a repeat, muted or unmuted, cleared), in order."""
    inhibitors = {
        key: inhibitor_keys(f.subject, f.subject_type, f.rule.value, f.commitment_code, commitments)
        for key, f in found.items()
    }
    candidates = {k for keys in inhibitors.values() for k in keys}
    firing = {k for k in found if k in candidates}
    firing |= {
        k for k, a in alerts.items() if k in candidates and a.state == "firing" and a.subject not in subjects
    }
    firing |= firing_elsewhere(candidates - set(alerts) - set(found))
    moving: list[Moving] = []
    for key in sorted(set(found) | {k for k, a in alerts.items() if a.subject in subjects}):
        finding, current = found.get(key), alerts.get(key)
        subject = finding.subject if finding else current.subject  # type: ignore[union-attr]
        parties = finding.parties if finding else current.parties  # type: ignore[union-attr]
        muted = silenced_by(subject, parties, silences, now) or inhibited_by(inhibitors.get(key, []), firing)
        if not _quiet(current, finding, muted, now, repeat_interval):
            moving.append((key, finding, current, muted))
    return moving


def _quiet(
    current: AlertState | None,
    evaluation: Finding | None,
    muted: str | None,
    now: datetime,
    repeat_interval: timedelta,
) -> bool:
    """Still firing as announced, nothing due: no need to build a new state (the hot path at scale)."""
    if current is None or evaluation is None or current.state != "firing" or current.muted_by != muted:
        return False
    if not evaluation.behaviour.notify:
        return False
    if muted is not None:
        return current.condition == evaluation.condition and current.stage == evaluation.stage
    if (
        current.notified_at is None
        or current.notified_as != f"{evaluation.condition}/{evaluation.stage or ''}"
    ):
        return False
    return not (evaluation.behaviour.repeats and now - current.notified_at >= repeat_interval)


def _why_cleared(
    alert: AlertState | None, commitments: Mapping[str, CommitmentFacts], now: datetime
) -> Reason | None:
    """Why a commitment-level alert cleared, when the facts say: its period ended, or a report came in."""
    if alert is None or alert.state != "firing" or alert.subject not in commitments:
        return None
    facts = commitments[alert.subject]
    if facts.period_end_at is not None and facts.period_end_at <= now:
        return Reason("기간 종료", "the period ended")
    if (
        facts.last_report_at is not None
        and alert.since is not None
        and facts.last_report_at >= alert.started_at
    ):
        return Reason("새 진행 보고 접수", "a new progress report came in")
    return None
