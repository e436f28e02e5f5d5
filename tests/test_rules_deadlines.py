"""Overdue and due-soon rules at their boundaries (grace, lead times, leap day, KST vs UTC midnight)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from monitor.rules import NO_REPORTS, Rule, evaluate_milestone
from monitor.rules.details import OverdueDetails
from monitor.rules.milestone import due_soon, overdue
from tests.rule_factories import CONFIG, kst, milestone, reports

MICROSECOND = timedelta(microseconds=1)


def test_overdue_fires_exactly_at_due_plus_grace() -> None:
    facts = milestone("completion", date(2030, 6, 30))
    boundary = kst(2030, 7, 1) + CONFIG.grace  # the 30th ends at KST midnight, then 7 days of grace
    assert overdue(facts, NO_REPORTS, CONFIG, boundary - MICROSECOND) is None
    found = overdue(facts, NO_REPORTS, CONFIG, boundary)
    assert found is not None and found.since == boundary
    assert found.reason.ko == "기한 2030-06-30을 7일 넘김 — 완료 보고 없음"
    assert found.reason.en == "7 days past the 2030-06-30 deadline — completion not reported"


def test_deadline_is_kst_midnight_not_utc_midnight() -> None:
    facts = milestone("completion", date(2026, 12, 31))
    config = CONFIG.__class__(tz=CONFIG.tz, grace=timedelta(0))
    # 2026-12-31T16:00Z is already 2027-01-01 01:00 in Seoul: overdue; at 14:59Z it is still the 31st.
    assert overdue(facts, NO_REPORTS, config, kst(2027, 1, 1, 0, 0)) is not None
    assert overdue(facts, NO_REPORTS, config, kst(2026, 12, 31, 23, 59)) is None


def test_leap_day_deadline() -> None:
    facts = milestone("completion", date(2028, 2, 29))
    boundary = kst(2028, 3, 1) + CONFIG.grace
    assert overdue(facts, NO_REPORTS, CONFIG, boundary - MICROSECOND) is None
    assert overdue(facts, NO_REPORTS, CONFIG, boundary) is not None


def test_quantity_below_target_is_overdue_with_figures() -> None:
    found = overdue(milestone(), reports((date(2030, 5, 1), 1200)), CONFIG, kst(2030, 8, 1))
    assert found is not None
    assert found.reason.ko == "기한 2030-06-30을 31일 넘김 — 목표 5,000호 중 1,200호 보고 (24.0%)"
    assert found.details == OverdueDetails(
        31, date(2030, 6, 30), target=Decimal(5000), reported=Decimal(1200)
    )


def test_met_target_is_achieved_not_overdue() -> None:
    found = evaluate_milestone(milestone(), reports((date(2030, 5, 1), 5100)), CONFIG, kst(2030, 8, 1))
    assert [(e.rule, e.condition) for e in found] == [(Rule.ACHIEVED, "achieved")]
    assert found[0].reason.ko == "목표 달성: 5,000호 중 5,100호 보고"


def test_completion_done_and_payment_started_are_met() -> None:
    later = kst(2031, 1, 1)
    done = evaluate_milestone(milestone("completion"), reports(statuses=frozenset({"done"})), CONFIG, later)
    started = evaluate_milestone(
        milestone("payment", target=Decimal(10), unit="만원"),
        reports(statuses=frozenset({"started"})),
        CONFIG,
        later,
    )
    assert [e.rule for e in done] == [Rule.ACHIEVED] and [e.rule for e in started] == [Rule.ACHIEVED]


def test_tracked_figure_without_target_is_never_overdue() -> None:
    facts = milestone(target=None, unit="회")
    assert evaluate_milestone(facts, reports((date(2021, 12, 31), 17)), CONFIG, kst(2026, 1, 1)) == []


def test_non_cumulative_target_uses_the_latest_level() -> None:
    facts = milestone(target=Decimal(60), unit="시간", cumulative=False)
    summary = reports((date(2029, 1, 1), 70), (date(2030, 1, 1), 40))  # 70 once, 40 in the last year
    assert summary.max_value == Decimal(70) and summary.latest_value == Decimal(40)
    assert overdue(facts, summary, CONFIG, kst(2030, 8, 1)) is not None
    # the whole evaluation: a later, lower level is not "achieved", and the reason names the level
    found = evaluate_milestone(facts, summary, CONFIG, kst(2030, 8, 1))
    assert [e.rule for e in found] == [Rule.OVERDUE]
    assert isinstance(found[0].details, OverdueDetails) and found[0].details.reported == Decimal(40)


@pytest.mark.parametrize(
    ("days_left", "stage"),
    [(90, "90d"), (31, "90d"), (30, "30d"), (8, "30d"), (7, "7d"), (2, "7d"), (1, "1d")],
)
def test_due_soon_stage_is_the_smallest_lead_crossed(days_left: int, stage: str) -> None:
    facts = milestone("completion", date(2030, 6, 30))
    found = due_soon(facts, NO_REPORTS, CONFIG, facts.due_at - timedelta(days=days_left))
    assert found is not None and found.stage == stage
    assert found.since == facts.due_at - timedelta(days=int(stage[:-1]))


def test_due_soon_is_silent_before_the_first_lead_and_after_the_deadline() -> None:
    facts = milestone("completion", date(2030, 6, 30))
    assert due_soon(facts, NO_REPORTS, CONFIG, facts.due_at - timedelta(days=90) - MICROSECOND) is None
    assert due_soon(facts, NO_REPORTS, CONFIG, facts.due_at) is None


def test_due_soon_reason_names_time_left_and_progress() -> None:
    facts = milestone()
    found = due_soon(facts, reports((date(2030, 5, 1), 4000)), CONFIG, facts.due_at - timedelta(days=10))
    assert found is not None
    assert found.reason.ko == "기한 2030-06-30까지 10일 남음 — 목표 5,000호 중 4,000호 보고 (80.0%)"
