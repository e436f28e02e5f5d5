"""Commitment rules: stale (no 공약관리카드 update), contradiction (official status vs milestones), roll-up."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from monitor.rules import NO_REPORTS, Rule, contradiction, evaluate_milestone, stale, worst
from tests.rule_factories import CONFIG, commitment, kst, milestone, reports

START = kst(2026, 7, 1)


def test_pledge_without_reports_goes_stale_at_period_start_plus_stale_after() -> None:
    boundary = START + CONFIG.stale_after
    assert stale(commitment(), CONFIG, boundary - timedelta(microseconds=1)) is None
    found = stale(commitment(), CONFIG, boundary)
    assert found is not None and found.since == boundary
    assert found.reason.ko == "기간 시작(2026-07-01) 후 120일 동안 진행 보고 없음 (기준 120일)"


def test_a_report_restarts_the_stale_clock() -> None:
    reported = kst(2026, 10, 1)
    facts = commitment(last_report_at=reported)
    assert stale(facts, CONFIG, START + CONFIG.stale_after + timedelta(days=1)) is None
    found = stale(facts, CONFIG, reported + CONFIG.stale_after)
    assert found is not None and found.reason.ko == "마지막 진행 보고(2026-10-01) 후 120일 경과 (기준 120일)"


def test_a_report_dated_before_the_period_does_not_start_the_stale_clock() -> None:
    facts = commitment(last_report_at=START - timedelta(days=60))
    assert stale(facts, CONFIG, START + CONFIG.stale_after - timedelta(seconds=1)) is None
    found = stale(facts, CONFIG, START + CONFIG.stale_after)
    assert found is not None and found.since == START + CONFIG.stale_after


def test_only_active_reporting_commitments_go_stale() -> None:
    late = START + timedelta(days=400)
    assert stale(commitment("item"), CONFIG, late) is None  # items roll up into their pledge
    assert stale(commitment("area"), CONFIG, late) is None
    assert stale(commitment(end=date(2026, 8, 1)), CONFIG, late) is None  # period over
    assert stale(commitment(official_status="done", status_as_of=date(2026, 9, 1)), CONFIG, late) is None
    assert (
        stale(commitment(start=date(2027, 1, 1)), CONFIG, START + timedelta(days=150)) is None
    )  # not started
    assert stale(commitment("agenda"), CONFIG, late) is not None


def test_overdue_milestone_under_on_track_pledge_is_a_contradiction() -> None:
    facts = commitment(official_status="on_track", status_as_of=date(2030, 12, 31))
    now = kst(2031, 1, 15)
    late = evaluate_milestone(milestone("completion"), NO_REPORTS, CONFIG, now)
    found = contradiction(facts, [], late, CONFIG, now)
    assert found is not None and found.stage == "overdue_on_track"
    assert found.reason.ko == "공식 상태 '정상추진'이나 기한을 넘긴 마일스톤 1건: T-1.target"


def test_done_pledge_with_quantity_below_target_is_a_contradiction() -> None:
    facts = commitment(official_status="done", status_as_of=date(2030, 6, 1))
    pairs = [(milestone(), reports((date(2030, 5, 1), 1200)))]
    found = contradiction(facts, pairs, [], CONFIG, kst(2030, 6, 2))
    assert found is not None and found.stage == "done_below_target"
    assert found.reason.ko == "공식 상태 '완료'이나 T-1.target 목표 5,000호 중 1,200호만 보고됨"
    met = [(milestone(), reports((date(2030, 5, 1), 5000)))]
    assert contradiction(facts, met, [], CONFIG, kst(2030, 6, 2)) is None


def test_roll_up_is_the_worst_state() -> None:
    now = kst(2030, 8, 1)
    overdue = evaluate_milestone(milestone("completion"), NO_REPORTS, CONFIG, now)
    soon = evaluate_milestone(
        milestone("completion", date(2030, 8, 20), code="T-1.b"), NO_REPORTS, CONFIG, now
    )
    achieved = evaluate_milestone(
        milestone(code="T-1.c", target=Decimal(1)), reports((date(2030, 1, 1), 2)), CONFIG, now
    )
    top = worst([*achieved, *soon, *overdue])
    assert top is not None and top.rule is Rule.OVERDUE
    assert worst([]) is None
