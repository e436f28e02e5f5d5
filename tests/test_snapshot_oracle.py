"""The set-wise snapshot returns exactly what the readable per-item rules (the oracle) return: the same
states, stages, instants, reasons and figures, on generated registries at random and boundary instants,
with corrections and late entries — on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from monitor import snapshot
from monitor.evaluation.run import evaluate
from monitor.rules import Evaluation, RuleConfig
from tests.registry_strategies import Registry, instants, registries, rule_configs, write

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _key(e: Evaluation) -> tuple[Any, ...]:
    return (
        e.subject, e.rule.value, str(e.condition), e.stage, e.since, e.due, e.reason.ko, e.reason.en,
        repr(e.details), e.parties, e.title, e.commitment_title, e.category, e.jurisdiction,
        e.subject_type, e.commitment_code,
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
