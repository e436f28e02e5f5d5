"""At-risk (least-squares trend), budget tranche and event rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from monitor.rules import NO_REPORTS, Rule, evaluate_milestone
from monitor.rules.budget import budget
from monitor.rules.details import AtRiskDetails
from monitor.rules.event import event
from monitor.rules.milestone import at_risk
from tests.rule_factories import CONFIG, kst, milestone, reports, tranche
from tests.rule_factories import event as event_facts

# --- at risk -------------------------------------------------------------------------------------------


def test_trend_projecting_short_of_target_is_at_risk_with_projection_and_shortfall() -> None:
    # +500 a year from 2027-06-30: the straight line reaches about 1,500 by 2030-06-30, 3,500 short.
    summary = reports((date(2027, 6, 30), 0), (date(2028, 6, 30), 500), (date(2029, 6, 30), 1000))
    found = at_risk(milestone(), summary, CONFIG, kst(2029, 7, 1))
    assert found is not None
    assert isinstance(found.details, AtRiskDetails)
    projected = float(found.details.projected)
    assert projected == pytest.approx(1500, abs=2)
    assert float(found.details.shortfall) == pytest.approx(3500, abs=2)
    assert (
        "예상" in found.reason.ko
        and "부족" in found.reason.ko
        and "short of 5,000 dwellings" in found.reason.en
    )


def test_trend_on_course_is_not_at_risk() -> None:
    summary = reports((date(2027, 6, 30), 1000), (date(2028, 6, 30), 2500), (date(2029, 6, 30), 4000))
    assert at_risk(milestone(), summary, CONFIG, kst(2029, 7, 1)) is None


def test_one_report_or_same_day_reports_make_no_trend() -> None:
    assert at_risk(milestone(), reports((date(2028, 6, 30), 10)), CONFIG, kst(2029, 1, 1)) is None
    same_day = reports((date(2028, 6, 30), 10), (date(2028, 6, 30), 20))
    assert at_risk(milestone(), same_day, CONFIG, kst(2029, 1, 1)) is None


def test_at_risk_gives_way_to_overdue_after_the_deadline() -> None:
    summary = reports((date(2027, 6, 30), 0), (date(2028, 6, 30), 500))
    found = evaluate_milestone(milestone(), summary, CONFIG, kst(2030, 8, 1))
    assert [e.rule for e in found] == [Rule.OVERDUE]


def test_at_risk_holds_after_the_deadline_until_the_grace_period_ends() -> None:
    # No silent gap: between the deadline and deadline + grace a shortfall is still at risk, then overdue.
    summary = reports((date(2027, 6, 30), 0), (date(2028, 6, 30), 500))
    due = milestone().due_at
    inside = evaluate_milestone(milestone(), summary, CONFIG, due + CONFIG.grace - timedelta(seconds=1))
    assert [e.rule for e in inside] == [Rule.AT_RISK]
    after = evaluate_milestone(milestone(), summary, CONFIG, due + CONFIG.grace)
    assert [e.rule for e in after] == [Rule.OVERDUE]


# --- budget tranche -------------------------------------------------------------------------------------


def test_tranche_unreported_after_fiscal_year_plus_budget_grace() -> None:
    facts = tranche(2024, "515")
    boundary = kst(2025, 1, 1) + CONFIG.budget_grace
    assert budget(facts, NO_REPORTS, CONFIG, boundary - timedelta(microseconds=1)) == []
    [found] = budget(facts, NO_REPORTS, CONFIG, boundary)
    assert (found.rule, found.condition, found.since) == (Rule.BUDGET, "unreported", boundary)
    assert found.reason.ko == "2024 회계연도 종료 후 90일, 집행 실적 미보고 (계획 515백만원)"


def test_tranche_underspent_below_threshold_with_amounts() -> None:
    [found] = budget(tranche(2024, "515"), reports(executed="400"), CONFIG, kst(2025, 6, 1))
    assert found.condition == "underspent"
    assert found.reason.ko == "2024 집행 400백만원 / 계획 515백만원 (77.7%, 기준 90.0%)"


def test_tranche_executed_at_threshold_is_achieved() -> None:
    [found] = budget(tranche(2024, "500"), reports(executed="450"), CONFIG, kst(2025, 6, 1))
    assert found.rule is Rule.ACHIEVED


def test_range_tranche_names_its_years() -> None:
    facts = milestone(
        "budget",
        date(2023, 12, 31),
        planned_amount=tranche().planned_amount,
        fiscal_years=(2022, 2023),
        target=None,
        unit="백만원",
    )
    [found] = budget(facts, NO_REPORTS, CONFIG, kst(2024, 6, 1))
    assert found.reason.ko.startswith("2022~2023 회계연도 종료 후")


# --- events ---------------------------------------------------------------------------------------------

START = kst(2027, 4, 10, 11, 10)


@pytest.mark.parametrize(
    ("before", "stage"),
    [
        (timedelta(days=90), "90d"),
        (timedelta(days=2), "7d"),
        (timedelta(hours=23), "1d"),
        (timedelta(minutes=59), "1h"),
    ],
)
def test_event_reminders_at_each_lead_including_one_hour(before: timedelta, stage: str) -> None:
    [found] = event(event_facts(START), NO_REPORTS, CONFIG, START - before)
    assert (found.rule, found.condition, found.stage) == (Rule.EVENT, "reminder", stage)


def test_event_not_confirmed_after_end_plus_grace() -> None:
    facts = event_facts(START, minutes=30)
    boundary = START + timedelta(minutes=30) + CONFIG.event_grace
    assert event(facts, NO_REPORTS, CONFIG, boundary - timedelta(microseconds=1)) == []
    [found] = event(facts, NO_REPORTS, CONFIG, boundary)
    assert found.condition == "unconfirmed" and found.reason.ko.startswith(
        "2027-04-10 11:40 종료 후 개최 확인 없음"
    )


def test_held_event_is_achieved_and_cancelled_event_is_reported() -> None:
    late = START + timedelta(days=3)
    [held] = event(event_facts(START), reports(statuses=frozenset({"held"})), CONFIG, late)
    [cancelled] = event(
        event_facts(START), reports(statuses=frozenset({"cancelled"}), entered=late), CONFIG, late
    )
    assert held.rule is Rule.ACHIEVED and cancelled.condition == "cancelled"
