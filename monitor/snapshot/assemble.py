"""Build a `Snapshot`: load a scope as of an instant set-wise, then turn the states SQL found into
evaluations with the rules' own builders (so reasons and figures are the rules' by construction).
"""

from __future__ import annotations

import gc
import logging
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from monitor.evaluation.facts import milestone_facts
from monitor.evaluation.summaries import summary_of
from monitor.rules.budget import budget_state, spent_enough
from monitor.rules.commitment import below_target, done_below_target, overdue_on_track, stale
from monitor.rules.config import RuleConfig
from monitor.rules.event import cancelled_state, unconfirmed_state
from monitor.rules.facts import NO_REPORTS, CommitmentFacts, MilestoneFacts, PledgerRecord, ReportSummary
from monitor.rules.milestone import (
    achieved,
    at_risk_state,
    current_value,
    lead_state,
    overdue_state,
    shortfall_projection,
)
from monitor.rules.outcome import Evaluation, Rule, State, alert_key, heard
from monitor.snapshot import commitments as load_commitments
from monitor.snapshot.milestones import BUDGET_DUE, BUDGET_SPENT, query
from monitor.snapshot.model import Snapshot
from monitor.snapshot.scope import ResolvedScope, places
from monitor.vocab import Status

log = logging.getLogger(__name__)


def build(
    session: Session,
    config: RuleConfig,
    as_of: datetime,
    scope: ResolvedScope,
    skip: Collection[str] = (),
) -> Snapshot:
    """Everything true at `as_of` for `scope`: facts, summaries, every state."""
    with collection_deferred():
        return _build(session, config, as_of, scope, skip)


@contextmanager
def collection_deferred() -> Iterator[None]:
    """No cyclic garbage collection while a snapshot is assembled: it allocates hundreds of thousands
    of acyclic objects at national scale, and every full collection would walk them all again (40 % of a
    national pass). Collection resumes afterwards; nothing that is garbage is kept."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build(
    session: Session, config: RuleConfig, as_of: datetime, scope: ResolvedScope, skip: Collection[str]
) -> Snapshot:
    snap = frame(session, config, as_of, scope)
    risky: list[tuple[MilestoneFacts, ReportSummary]] = []
    under: Under = defaultdict(list)
    known = owners(snap)
    # Core execution: the rows need no ORM context (half the cost at national scale)
    for row in session.connection().execute(query(session, config, as_of, scope.commitment_ids)):
        _milestone(snap, known, row, skip, risky, under)
    snap.milestone_count = len(snap.milestones)
    _at_risk(snap, risky)
    commitment_states(snap, skip, under)
    return snap


def frame(session: Session, config: RuleConfig, as_of: datetime, scope: ResolvedScope) -> Snapshot:
    """A snapshot with the scope's commitments (and their ancestors) loaded, no milestone yet."""
    ids = scope.commitment_ids
    loaded = None if ids is None else set(ids) | load_commitments.ancestors(session, ids)
    by_id = load_commitments.load(session, as_of, config.tz, loaded)
    snap = Snapshot(as_of=as_of, config=config, scope=scope, places=places(session))
    snap.commitments = {c.code: c for c in by_id.values()}
    snap.in_scope = frozenset(c.code for c in by_id.values() if ids is None or c.id in ids)
    return snap


def party_map(snap: Snapshot) -> dict[int, tuple[str, ...]]:
    return {c.id: c.parties for c in snap.commitments.values()}


# A commitment's id → (its parties, who made it): what a milestone's facts take from its commitment
Owners = tuple[dict[int, tuple[str, ...]], dict[int, tuple[PledgerRecord, ...]]]


def owners(snap: Snapshot) -> Owners:
    return party_map(snap), {c.id: c.pledgers for c in snap.commitments.values() if c.pledgers}


def facts_of(snap: Snapshot, known: Owners, row: Any) -> MilestoneFacts:
    """A milestone's facts from a full row, with whose promise its commitment is at the snapshot's instant."""
    return milestone_facts(row, known[0], known[1], snap.as_of)


def detailed(
    session: Session, snap: Snapshot, milestone_ids: Collection[int], skip: Collection[str], under: Under
) -> None:
    """Build the given milestones in full (facts, summaries, evaluations), at risk decided."""
    risky: list[tuple[MilestoneFacts, ReportSummary]] = []
    if milestone_ids:
        known = owners(snap)
        for row in session.connection().execute(query(session, snap.config, snap.as_of, None, milestone_ids)):
            _milestone(snap, known, row, skip, risky, under)
    _at_risk(snap, risky)


def materialize(session: Session, snap: Snapshot, pending: Collection[Any]) -> dict[str, Evaluation]:
    """The evaluations of pending states (`monitor.snapshot.compact.Found`), built by the rules' builders
    from the full rows of their milestones; a builder that fails leaves its state out (see `errors`)."""
    wanted = {f.key for f in pending}
    out: dict[str, Evaluation] = {}
    known = owners(snap)
    ids = {f.milestone_id for f in pending}
    # A few states (what one pass moves): their milestones by id. Many (a first pass, every state): the
    # scope's rows as a full build reads them, the others skipped — tens of thousands of ids in one
    # statement made a plan ten times slower on SQLite.
    few = len(ids) * 4 <= snap.milestone_count
    scoped = query(session, snap.config, snap.as_of, *((None, ids) if few else (snap.scope.commitment_ids,)))
    risky: list[tuple[MilestoneFacts, ReportSummary]] = []
    for row in session.connection().execute(scoped):
        if row[0] not in ids:
            continue
        facts = facts_of(snap, known, row)
        summary = summary_of(row[20:37]) if row[20] is not None else NO_REPORTS
        if alert_key(facts.code, Rule.AT_RISK) in wanted:
            risky.append((facts, summary))
        try:
            found = states(facts, summary, row[37], row[38], snap.config, snap.as_of)
        except Exception as exc:  # as in a full build: one bad item must not stop the daemon
            failed(snap, facts.code, exc)
            snap.subjects.discard(facts.code)
            continue
        out.update((e.key, e) for e in found if e.key in wanted)
    out.update((e.key, e) for _, e, _ in at_risk(snap.config, snap.as_of, risky))
    return out


def _at_risk(snap: Snapshot, risky: list[tuple[MilestoneFacts, ReportSummary]]) -> None:
    """Project the trend of the candidates SQL singled out (the rule's own float formula)."""
    snap.built.extend(evaluation for _, evaluation, _ in at_risk(snap.config, snap.as_of, risky))


def at_risk(
    config: RuleConfig, now: datetime, risky: list[tuple[MilestoneFacts, ReportSummary]]
) -> Iterator[tuple[MilestoneFacts, Evaluation, ReportSummary]]:
    """(facts, evaluation, summary) of each candidate whose trend falls short (the rule's own formula)."""
    for facts, summary in risky:
        if summary.trend is None:
            continue
        projected = shortfall_projection(facts, summary.trend, config)
        if projected is not None and heard(facts.pledge, Rule.AT_RISK, config):
            yield facts, at_risk_state(facts, summary, config, now, projected), summary


def _milestone(
    snap: Snapshot,
    known: Owners,
    row: Any,
    skip: Collection[str],
    risky: list[tuple[MilestoneFacts, ReportSummary]],
    under: Under,
) -> None:
    facts = facts_of(snap, known, row)
    summary = summary_of(row[20:37]) if row[20] is not None else NO_REPORTS
    snap.milestones.append(facts)
    if summary is not NO_REPORTS:
        snap.summaries[facts.id] = summary
    if facts.code in skip:
        return
    try:
        found = states(facts, summary, row[37], row[38], snap.config, snap.as_of)
    except Exception as exc:  # one bad item must not stop the pass, nor crash the daemon
        failed(snap, facts.code, exc)
        return
    if row[39]:
        risky.append((facts, summary))
    snap.subjects.add(facts.code)
    snap.built.extend(found)
    under[facts.commitment_code].append((facts, summary, found))


# Commitment code → its milestones with their summaries and states (what contradictions look below at)
Under = dict[str, list[tuple[MilestoneFacts, ReportSummary, list[Evaluation]]]]
Builder = Callable[[MilestoneFacts, ReportSummary, int | None, RuleConfig, datetime], list[Evaluation]]


def _budget(
    facts: MilestoneFacts, summary: ReportSummary, due: bool, config: RuleConfig, now: datetime
) -> list[Evaluation]:
    if spent_enough(facts, summary.max_executed, config):  # exact decimals, the rule's own test
        return [achieved(facts, summary, config, now)]
    return [budget_state(facts, summary, config, now)] if due else []


# SQL's state → the rule builder that makes its evaluation (plain strings: a dict lookup per row)
BUILDERS: dict[str, Builder] = {
    State.ACHIEVED.value: lambda f, s, _, c, now: [achieved(f, s, c, now)],
    BUDGET_DUE: lambda f, s, _, c, now: _budget(f, s, True, c, now),
    BUDGET_SPENT: lambda f, s, _, c, now: _budget(f, s, False, c, now),
    State.CANCELLED.value: lambda f, s, _, c, now: [cancelled_state(f, s, now)],
    State.REMINDER.value: lambda f, s, i, c, now: [lead_state(f, s, c, now, c.event_lead_times[i or 0])],
    State.UNCONFIRMED.value: lambda f, s, _, c, now: [unconfirmed_state(f, c, now)],
    State.OVERDUE.value: lambda f, s, _, c, now: [overdue_state(f, s, c, now)],
    State.DUE_SOON.value: lambda f, s, i, c, now: [lead_state(f, s, c, now, c.lead_times[i or 0])],
}


def states(
    facts: MilestoneFacts,
    summary: ReportSummary,
    state: str | None,
    stage: int | None,
    config: RuleConfig,
    now: datetime,
) -> list[Evaluation]:
    """The evaluations of one milestone whose state SQL has classified (at risk is decided afterwards,
    on the candidates: see `_at_risk`)."""
    build = BUILDERS.get(state) if state is not None else None
    found = [] if build is None else build(facts, summary, stage, config, now)
    return [e for e in found if heard(facts.pledge, e.rule, config)]


def commitment_states(snap: Snapshot, skip: Collection[str], under: Under) -> None:
    """Stale per commitment; contradictions from the subtree's states, gathered in one walk up."""
    config, now = snap.config, snap.as_of
    watched = {code for code in snap.in_scope if snap.commitments[code].official_status in CONTRADICTABLE}
    late: dict[str, list[Evaluation]] = defaultdict(list)
    short: dict[str, list[tuple[MilestoneFacts, Any]]] = defaultdict(list)
    for code, items in under.items():
        for ancestor in self_and_ancestors(snap.commitments, code):
            if ancestor not in watched:
                continue
            for facts, summary, found in items:
                late[ancestor] += [e for e in found if e.rule is Rule.OVERDUE]
                if below_target(facts, summary):
                    short[ancestor].append((facts, current_value(facts, summary)))
    for code in sorted(snap.in_scope - set(skip)):
        commitment = snap.commitments[code]
        found = [
            e for e in (stale(commitment, config, now), _contradiction(commitment, late, short, config)) if e
        ]
        snap.subjects.add(code)
        snap.built.extend(found)


CONTRADICTABLE = frozenset({Status.ON_TRACK.value, Status.DONE.value})


def _contradiction(
    facts: CommitmentFacts,
    late: dict[str, list[Evaluation]],
    short: dict[str, list[tuple[MilestoneFacts, Any]]],
    config: RuleConfig,
) -> Evaluation | None:
    if facts.status_as_of is None or not heard(facts.pledge, Rule.CONTRADICTION, config):
        return None
    if facts.official_status == Status.ON_TRACK.value and late.get(facts.code):
        return overdue_on_track(facts, late[facts.code], config)
    if facts.official_status == Status.DONE.value and short.get(facts.code):
        return done_below_target(facts, short[facts.code], config)
    return None


def self_and_ancestors(commitments: dict[str, CommitmentFacts], code: str) -> Iterator[str]:
    node: str | None = code
    while node is not None and node in commitments:
        yield node
        node = commitments[node].parent_code


def failed(snap: Snapshot, code: str, exc: Exception) -> None:
    """Record an item whose evaluation raised: it is retried next pass, its alerts left as they are."""
    log.exception("evaluating %s failed; it will be checked again later", code)
    snap.errors[code] = f"{type(exc).__name__}: {exc}"
