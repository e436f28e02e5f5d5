"""The wake-up planner: the next instant anything changes state, and what crossed a boundary since."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.db import models as m
from monitor.evaluation.planner import boundaries, crossed, next_change
from monitor.evaluation.run import card_scope
from tests.factories import detect_at, lifecycle, log, rule_config

BOUNDS = boundaries(rule_config(), lifecycle())
NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)


def test_next_change_on_the_seeds_is_the_2026_tranche_deadline(seeded: sessionmaker[Session]) -> None:
    with seeded() as session:
        wakeup = next_change(session, BOUNDS, NOW)
    # fiscal 2026 ends 2026-12-31 (KST midnight = 15:00Z), plus 90 days of budget grace
    assert wakeup is not None and (wakeup.at, wakeup.reason) == (
        datetime(2027, 3, 31, 15, tzinfo=UTC),
        "budget",
    )


def test_next_change_before_the_2022_agendas_is_their_first_lead_time(seeded: sessionmaker[Session]) -> None:
    with seeded() as session:
        wakeup = next_change(session, BOUNDS, datetime(2022, 6, 1, tzinfo=UTC))
    assert wakeup is not None and (wakeup.at, wakeup.reason) == (
        datetime(2022, 10, 2, 15, tzinfo=UTC),
        "due_soon 90d",
    )


def test_event_reminders_plan_to_the_minute(seeded: sessionmaker[Session]) -> None:
    with seeded() as session:
        wakeup = next_change(session, BOUNDS, datetime(2023, 4, 9, 1, 0, tzinfo=UTC))
    # the Sejong arrival is at 10:55 KST on the 10th: one day before is 01:55Z on the 9th
    assert wakeup is not None and (wakeup.at, wakeup.reason) == (
        datetime(2023, 4, 9, 1, 55, tzinfo=UTC),
        "event reminder 1d",
    )


def test_firing_alerts_plan_their_repeat(seeded: sessionmaker[Session]) -> None:
    detect_at(seeded, NOW)
    with seeded() as session:
        wakeup = next_change(session, BOUNDS, NOW)
    assert wakeup is not None and (wakeup.at, wakeup.reason) == (NOW + timedelta(days=7), "repeat")


def test_logged_progress_moves_the_stale_boundary(seeded: sessionmaker[Session]) -> None:
    detect_at(seeded, NOW)
    log(seeded, "DJ-1-1", NOW + timedelta(hours=1), status="정상추진")
    with seeded() as session:
        after = next_change(session, BOUNDS, NOW + timedelta(days=119, hours=2))
    assert after is not None and after.at == NOW + timedelta(days=120, hours=1) and after.reason == "stale"


def test_crossed_finds_what_changed_in_a_window(seeded: sessionmaker[Session]) -> None:
    with seeded() as session:
        # 2023-01-08 00:00 KST: the 2022 Daegu agendas become overdue (2022-12-31 + 7 days of grace)
        codes, silence_ended = crossed(
            session, BOUNDS, datetime(2023, 1, 7, 14, 59, tzinfo=UTC), datetime(2023, 1, 7, 15, 0, tzinfo=UTC)
        )
        scope = card_scope(session, codes)
        nothing, _ = crossed(
            session, BOUNDS, datetime(2023, 1, 7, 15, 0, tzinfo=UTC), datetime(2023, 1, 7, 16, 0, tzinfo=UTC)
        )
    assert codes == {f"DG-2022-{n:02d}" for n in range(1, 15)} and not silence_ended
    assert len(scope) == 14
    assert nothing == set()


def test_incremental_pass_over_the_crossed_scope_equals_the_full_pass(seeded: sessionmaker[Session]) -> None:
    before, at = datetime(2023, 1, 7, 14, 0, tzinfo=UTC), datetime(2023, 1, 7, 15, 0, tzinfo=UTC)
    detect_at(seeded, before)
    with seeded() as session:
        codes, _ = crossed(session, BOUNDS, before, at)
        scope = card_scope(session, codes)
    from monitor.daemon.detect import detect

    partial = detect(seeded, rule_config(), lifecycle(), at, scope)
    assert sorted(n.alert_key for n in partial.notifications) == [
        f"DG-2022-{n:02d}.done:overdue" for n in range(1, 15)
    ]
    assert (
        detect_at(seeded, at + timedelta(seconds=1)).notifications == []
    )  # the full pass agrees: nothing left


def _record_loss(sessions: sessionmaker[Session], at: datetime) -> None:
    """Candidate 허태정 recorded as having lost, holding from `at` (as `monitor pledger lose --on` does)."""
    with sessions.begin() as session:
        heo = session.scalars(select(m.Pledger).where(m.Pledger.key == "heo-taejeong-2026")).one()
        heo.outcome, heo.outcome_on, heo.outcome_at = "lost", at.date(), at
        heo.updated_at = NOW


def test_a_recorded_outcome_wakes_the_planner_on_its_day(seeded: sessionmaker[Session]) -> None:
    """Recorded ahead of time, an outcome changes whose promise a pledge is on its day: the daemon must
    wake then (not at the next unrelated boundary), and re-evaluate exactly that candidate's pledges."""
    takes_effect = datetime(2026, 12, 3, 15, tzinfo=UTC)  # 2026-12-04 00:00 KST
    firing = detect_at(seeded, NOW)
    assert any(n.alert_key.startswith("DJ-") for n in firing.notifications)  # the candidate's stale pledges
    _record_loss(seeded, takes_effect)
    with seeded() as session:
        wakeup = next_change(session, BOUNDS, NOW + timedelta(days=7))  # past the alerts' repeat
        codes, _ = crossed(session, BOUNDS, takes_effect - timedelta(seconds=1), takes_effect)
        scope = card_scope(session, codes)
    assert wakeup is not None and (wakeup.at, wakeup.reason) == (takes_effect, "election outcome")
    assert codes and all(code.startswith("DJ-") for code in codes)
    from monitor.daemon.detect import detect

    partial = detect(seeded, rule_config(), lifecycle(), takes_effect, scope)
    resolved = [n for n in partial.notifications if n.alert_key.startswith("DJ-")]
    assert resolved and all(n.event == "resolved" for n in resolved)  # a lost candidate's: never alerted
    after = detect_at(seeded, takes_effect + timedelta(seconds=1)).notifications
    assert not [n for n in after if n.alert_key.startswith("DJ-")]  # the full pass agrees: nothing left
