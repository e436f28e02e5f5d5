"""The detection pass's snapshot: states decided column-wise (`monitor.snapshot.compact`), built in full
only where a rule needs the whole row (at-risk candidates, the subtrees a contradiction looks into) or
where someone reads them (`Snapshot.full`, `Snapshot.evaluations`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime

from sqlalchemy.orm import Session

from monitor.rules.config import RuleConfig
from monitor.rules.facts import CommitmentFacts
from monitor.rules.outcome import Rule
from monitor.snapshot import compact
from monitor.snapshot.assemble import (
    CONTRADICTABLE,
    Under,
    collection_deferred,
    commitment_states,
    detailed,
    failed,
    frame,
    materialize,
    self_and_ancestors,
)
from monitor.snapshot.model import Snapshot
from monitor.snapshot.scope import ResolvedScope
from monitor.vocab import Status


def detect_build(
    session: Session,
    config: RuleConfig,
    as_of: datetime,
    scope: ResolvedScope,
    skip: Collection[str] = (),
) -> Snapshot:
    """A snapshot whose milestone states are pending (`Found`) until read; valid while `session` is."""
    with collection_deferred():
        snap = frame(session, config, as_of, scope)
        on_track, done = _watched(snap)
        by_id = {c.id: c for c in snap.commitments.values()}
        full: set[int] = set()
        candidates: list[tuple[compact.Row, CommitmentFacts]] = []
        for row in compact.rows(session, config, as_of, scope.commitment_ids):
            snap.milestone_count += 1
            if row.code in skip:
                continue
            if row.commitment_id in done:
                full.add(row.id)  # a contradiction reads the below-target figures
                continue
            try:
                found = compact.decide(row, by_id[row.commitment_id], config)
            except Exception as exc:  # as in a full build: one bad item must not stop the daemon
                failed(snap, row.code, exc)
                continue
            if found is not None and found.rule is Rule.OVERDUE and row.commitment_id in on_track:
                full.add(row.id)  # the contradiction names it, with its since
                continue
            snap.subjects.add(row.code)
            if found is not None:
                snap.pending.append(found)
            if row.risk:
                candidates.append((row, by_id[row.commitment_id]))
        snap.pending += compact.at_risk(config, candidates)
        under: Under = defaultdict(list)
        detailed(session, snap, full, skip, under)
        commitment_states(snap, skip, under)
    snap.builder = lambda pending: materialize(session, snap, pending)
    return snap


def _watched(snap: Snapshot) -> tuple[set[int], set[int]]:
    """Ids of the commitments at or below one officially 정상추진 (on track) / 완료 (done) in scope."""
    watched = {
        code: snap.commitments[code].official_status
        for code in snap.in_scope
        if snap.commitments[code].official_status in CONTRADICTABLE
    }
    on_track: set[int] = set()
    done: set[int] = set()
    if not watched:
        return on_track, done
    for facts in snap.commitments.values():
        for node in self_and_ancestors(snap.commitments, facts.code):
            status = watched.get(node)
            if status == Status.ON_TRACK.value:
                on_track.add(facts.id)
            elif status == Status.DONE.value:
                done.add(facts.id)
    return on_track, done
