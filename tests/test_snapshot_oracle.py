"""The set-wise snapshot returns exactly what the readable per-item rules (the oracle) return: the same
states, stages, instants, reasons and figures, on generated registries at random and boundary instants,
with corrections and late entries — on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from monitor import snapshot
from monitor.db import models as m
from monitor.evaluation.run import evaluate
from monitor.rules import Evaluation, Rule, RuleConfig
from monitor.timeutil import due_instant
from tests.factories import SEOUL, load_shipped_seeds, rule_config
from tests.registry_strategies import Registry, instants, registries, rule_configs, write

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _key(e: Evaluation) -> tuple[Any, ...]:
    return (
        e.subject, e.rule.value, str(e.condition), e.stage, e.since, e.due, e.reason.ko, e.reason.en,
        repr(e.details), e.parties, e.title, e.commitment_title, e.category, e.jurisdiction,
        e.subject_type, e.commitment_code, e.pledge,
    )  # fmt: skip


def _stored(
    sessions: sessionmaker[Session], data: st.DataObject, reg: Registry, config: RuleConfig
) -> datetime:
    """Write the generated registry and draw the instant to evaluate it at."""
    with sessions.begin() as session:
        write(session, reg)
    return data.draw(instants(reg, config))


@SETTINGS
@given(data=st.data(), reg=registries(), config=rule_configs)
def test_snapshot_equals_the_per_item_rules(
    sessions: sessionmaker[Session], data: st.DataObject, reg: Registry, config: RuleConfig
) -> None:
    now = _stored(sessions, data, reg, config)
    with sessions() as session:
        oracle = evaluate(session, config, now)
        fast = snapshot.build(session, config, now, snapshot.EVERYTHING)
    assert sorted(map(_key, fast.evaluations)) == sorted(map(_key, oracle.evaluations))
    assert (fast.subjects, fast.errors) == (oracle.subjects, oracle.errors)
    # Summaries are the oracle's; the trend sums are carried only where the at-risk rule reads them
    assert {f.code: replace(fast.summary(f), trend=None) for f in fast.milestones} == {
        code: replace(summary, trend=None) for code, summary in _oracle_summaries(sessions, now).items()
    }


def _oracle_summaries(sessions: sessionmaker[Session], now: Any) -> dict[str, Any]:
    from monitor.evaluation.facts import load_milestone_facts, load_parties
    from monitor.evaluation.summaries import load_summaries
    from monitor.rules import NO_REPORTS

    with sessions() as session:
        facts = load_milestone_facts(session, None, load_parties(session, None))
        summaries = load_summaries(session, now, None)
    return {f.code: summaries.get(f.id, NO_REPORTS) for f in facts}


@SETTINGS
@given(data=st.data(), reg=registries(), config=rule_configs)
def test_a_jurisdictions_snapshot_is_the_whole_snapshot_narrowed_to_it_and_those_below(
    sessions: sessionmaker[Session], data: st.DataObject, reg: Registry, config: RuleConfig
) -> None:
    now = _stored(sessions, data, reg, config)
    place = data.draw(st.sampled_from(["city", "ward", "other"]))
    below = {"city": {"city", "ward"}, "ward": {"ward"}, "other": {"other"}}[place]
    with sessions() as session:
        whole = snapshot.build(session, config, now, snapshot.EVERYTHING)
        narrowed = snapshot.take(session, config, now, jurisdiction=place)
    expected = sorted(_key(e) for e in whole.evaluations if below & set(e.parties))
    assert sorted(_key(e) for e in narrowed.evaluations if below & set(e.parties)) == expected
    assert narrowed.scope.jurisdictions is not None and set(narrowed.scope.jurisdictions) == below
    assert [_key(e) for e in narrowed.problems()] == [_key(e) for e in whole.problems(below)]


def _brief(e: snapshot.Finding) -> tuple[Any, ...]:
    return (
        e.key, e.subject, e.subject_type, e.commitment_code, str(e.rule), str(e.condition), e.stage,
        e.jurisdiction, e.parties, e.behaviour,
    )  # fmt: skip


@SETTINGS
@given(data=st.data(), reg=registries(), config=rule_configs)
def test_the_detection_pass_decides_the_same_states_and_builds_the_same_evaluations(
    sessions: sessionmaker[Session], data: st.DataObject, reg: Registry, config: RuleConfig
) -> None:
    now = _stored(sessions, data, reg, config)
    with sessions() as session:
        oracle = evaluate(session, config, now)
        fast = snapshot.detect_build(session, config, now, snapshot.EVERYTHING)
        brief = sorted(map(_brief, fast.findings))
        subjects = set(fast.subjects)
        built = sorted(map(_key, fast.evaluations))  # pending states built now, in the same session
    assert brief == sorted(map(_brief, oracle.evaluations))
    assert (subjects, fast.errors) == (oracle.subjects, oracle.errors)
    assert built == sorted(map(_key, oracle.evaluations))
    assert not fast.pending


@pytest.mark.parametrize("as_of", ["2026-11-30T12:00:00+09:00", "2031-01-01T00:00:00+09:00"])
def test_the_detection_pass_finds_the_oracles_contradictions_on_the_shipped_seeds(
    sessions: sessionmaker[Session], as_of: str
) -> None:
    """Every pledge made officially 정상추진 or 완료: the detection pass builds in full exactly the subtrees
    a contradiction looks into, and finds the oracle's contradictions (both kinds occur)."""
    load_shipped_seeds(sessions)
    with sessions.begin() as session:
        tops = session.scalars(select(m.Commitment.id).where(m.Commitment.parent_id.is_(None))).all()
        session.execute(
            insert(m.StatusChange), [_official(cid, ("on_track", "done")[cid % 2]) for cid in tops]
        )
        quantities = session.execute(
            select(m.Milestone.id, m.Milestone.commitment_id).where(m.Milestone.kind == "quantity")
        ).all()
        slow = [_report(mid, cid, day, value) for mid, cid in quantities for day, value in _SLOW]
        session.execute(insert(m.ProgressReport), slow)
    now, config = datetime.fromisoformat(as_of), rule_config()
    with sessions() as session:
        oracle = evaluate(session, config, now)
        fast = snapshot.detect_build(session, config, now, snapshot.EVERYTHING)
        brief = sorted(map(_brief, fast.findings))
        built = sorted(map(_key, fast.evaluations))
    assert brief == sorted(map(_brief, oracle.evaluations))
    assert built == sorted(map(_key, oracle.evaluations))
    stages = {e.stage for e in oracle.evaluations if e.rule is Rule.CONTRADICTION}
    assert stages == {"overdue_on_track", "done_below_target"}
    if as_of.startswith("2026"):
        assert sum(e.rule is Rule.AT_RISK for e in oracle.evaluations) > 1


_SLOW = tuple(
    (date(2026, month, 10), Decimal(month)) for month in (1, 2, 3, 4)
)  # a trend far short of any target


def _report(mid: int, cid: int, day: date, value: Decimal) -> dict[str, Any]:
    return {
        "commitment_id": cid, "milestone_id": mid, "value": value, "as_of": day, "evidence": [],
        "reporter": "t", "channel": "cli", "entered_at": due_instant(day, SEOUL),
    }  # fmt: skip


def _official(cid: int, status: str) -> dict[str, Any]:
    day = date(2026, 7, 1)
    return {
        "commitment_id": cid, "status": status, "as_of": day, "note": None, "evidence": [], "reporter": "t",
        "channel": "cli", "entered_at": due_instant(day, SEOUL), "corrects_id": None, "seed_key": None,
    }  # fmt: skip


def test_at_risk_holds_in_every_pass_until_the_grace_after_the_deadline_ends(
    sessions: sessionmaker[Session],
) -> None:
    """The SQL boundary of the at-risk candidates is the rule's: at risk until deadline + grace, a second
    before included, overdue from then on — in the full snapshot and the detection pass alike."""
    load_shipped_seeds(sessions)
    with sessions.begin() as session:
        quantities = session.execute(
            select(m.Milestone.id, m.Milestone.commitment_id).where(m.Milestone.kind == "quantity")
        ).all()
        session.execute(
            insert(m.ProgressReport), [_report(i, c, d, v) for i, c in quantities for d, v in _SLOW]
        )
    config = rule_config()
    with sessions() as session:
        risky = evaluate(session, config, datetime(2026, 11, 30, tzinfo=SEOUL)).evaluations
    due = min(e.due for e in risky if e.rule is Rule.AT_RISK and e.due is not None)
    for now, rule in (
        (due + config.grace - timedelta(seconds=1), Rule.AT_RISK),
        (due + config.grace, Rule.OVERDUE),
    ):
        with sessions() as session:
            oracle = sorted(map(_key, evaluate(session, config, now).evaluations))
            full = sorted(map(_key, snapshot.build(session, config, now, snapshot.EVERYTHING).evaluations))
            detected = sorted(
                map(_key, snapshot.detect_build(session, config, now, snapshot.EVERYTHING).evaluations)
            )
        assert full == oracle and detected == oracle
        assert any(k[1] == rule and k[5] == due for k in oracle)  # what the boundary decides, present
