"""The alert lifecycle: fire once, repeat on a rhythm, escalate on a new stage, resolve with a notice."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from monitor.alerts.book import step
from monitor.alerts.lifecycle import AlertState, Notification, advance
from monitor.alerts.muting import SilenceRule, code_matches
from monitor.rules import NO_REPORTS, Evaluation, evaluate_milestone
from monitor.rules.milestone import due_soon, overdue
from tests.rule_factories import CONFIG, commitment, kst, milestone, reports

REPEAT = timedelta(days=7)
FACTS = milestone("completion", date(2030, 6, 30))


def _overdue_at(now_days: int) -> tuple[Evaluation, datetime]:
    now = FACTS.due_at + CONFIG.grace + timedelta(days=now_days)
    found = overdue(FACTS, NO_REPORTS, CONFIG, now)
    assert found is not None
    return found, now


def test_overdue_alert_fires_once_then_repeats_weekly_not_daily() -> None:
    alert: AlertState | None = None
    sent: list[Notification] = []
    for day in range(30):  # evaluated every day for 30 days
        evaluation, now = _overdue_at(day)
        alert, notification = advance(alert, evaluation, None, now, REPEAT)
        sent += [notification] if notification else []
    assert [n.event for n in sent] == ["firing", "repeat", "repeat", "repeat", "repeat"]
    assert [n.sequence for n in sent] == [1, 2, 3, 4, 5]
    assert sent[-1].payload.firing_for_days == 28
    assert "35일 넘김" in sent[-1].payload.reason_ko  # the escalation is in the text: days overdue


def test_new_stage_is_announced_and_due_soon_does_not_repeat_or_resolve() -> None:
    alert: AlertState | None = None
    events = []
    for days_left in (40, 30, 20, 10, 7, 3):
        now = FACTS.due_at - timedelta(days=days_left)
        alert, n = advance(alert, due_soon(FACTS, NO_REPORTS, CONFIG, now), None, now, REPEAT)
        events.append((days_left, n.event if n else None, n.payload.stage if n else None))
    assert events == [
        (40, "firing", "90d"),
        (30, "escalated", "30d"),
        (20, None, None),
        (10, None, None),
        (7, "escalated", "7d"),
        (3, None, None),
    ]
    alert, n = advance(alert, None, None, FACTS.due_at, REPEAT)
    assert alert is not None and alert.state == "resolved" and n is None


def test_resolved_notice_says_why_and_only_for_announced_alerts() -> None:
    evaluation, now = _overdue_at(0)
    alert, _ = advance(None, evaluation, None, now, REPEAT)
    done = evaluate_milestone(FACTS, reports(statuses=frozenset({"done"})), CONFIG, now)
    later = now + timedelta(days=1)
    assert alert is not None
    moved = step({alert.key: alert}, done, {FACTS.code}, {}, [], later, REPEAT)
    [notice] = moved.notifications
    assert notice.event == "resolved"
    assert notice.payload.reason_ko.startswith("완료 보고됨 (이전: 기한 2030-06-30을 7일 넘김")
    muted_alert, _ = advance(None, evaluation, "silence:1", now, REPEAT)
    _, nothing = advance(muted_alert, None, None, later, REPEAT)
    assert nothing is None  # never announced, so no resolved notice


def test_refiring_after_resolution_is_a_new_firing() -> None:
    evaluation, now = _overdue_at(0)
    alert, _ = advance(None, evaluation, None, now, REPEAT)
    alert, _ = advance(alert, None, None, now, REPEAT)
    alert, again = advance(alert, evaluation, None, now + timedelta(days=1), REPEAT)
    assert again is not None and again.event == "firing" and again.sequence == 3


def test_silenced_alert_is_announced_when_the_silence_ends() -> None:
    silence = SilenceRule(1, "T-1", None, kst(2030, 1, 1), kst(2030, 7, 20))
    evaluation, now = _overdue_at(0)  # 2030-07-08
    first = step({}, [evaluation], {FACTS.code}, {}, [silence], now, REPEAT)
    assert first.notifications == [] and first.alerts[evaluation.key].muted_by == "silence:1"
    after = kst(2030, 7, 21)
    evaluation2 = overdue(FACTS, NO_REPORTS, CONFIG, after)
    assert evaluation2 is not None
    second = step(first.alerts, [evaluation2], {FACTS.code}, {}, [silence], after, REPEAT)
    assert [n.event for n in second.notifications] == ["firing"]


def test_parent_alert_inhibits_the_same_rule_on_children() -> None:
    parent = commitment(code="P", parent_code=None)
    child = commitment(code="P-1", parent_code="P")
    commitments = {"P": parent, "P-1": child}
    now = kst(2031, 1, 1)
    parent_tranche = milestone("completion", code="P.2024", commitment_code="P")
    child_tranche = milestone("completion", code="P-1.2024", commitment_code="P-1")
    other_child = milestone("completion", code="P-1.2025", commitment_code="P-1")
    found = [
        e
        for f in (parent_tranche, child_tranche, other_child)
        for e in evaluate_milestone(f, NO_REPORTS, CONFIG, now)
    ]
    moved = step(
        {},
        found,
        {f.code for f in (parent_tranche, child_tranche, other_child)},
        commitments,
        [],
        now,
        REPEAT,
    )
    assert sorted(n.alert_key for n in moved.notifications) == ["P-1.2025:overdue", "P.2024:overdue"]
    assert moved.alerts["P-1.2024:overdue"].muted_by == "inhibited:P.2024:overdue"


def test_code_prefix_matches_on_code_boundaries() -> None:
    assert code_matches("DJ-9-3.youth-housing", "DJ-9") and code_matches("DJ-9", "dj-9")
    assert not code_matches("DJ-90", "DJ-9")
    assert code_matches("SEOGU-1-1.2024", "SEOGU-1-1.")
