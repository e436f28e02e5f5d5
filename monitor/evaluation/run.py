"""The reference evaluation pass: facts as of `now` → every rule → evaluations, item by item.

Views and the daemon read `monitor.snapshot`, which computes the same states set-wise; this readable
pass is the oracle the snapshot is proved equal to (tests/test_snapshot_oracle.py).

An item whose evaluation raises is logged, reported in `errors` and left out of `subjects`, so its
alerts are neither changed nor resolved; the caller pushes its next check later (no crash loop).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.db import models as m
from monitor.evaluation.facts import load_commitment_facts, load_milestone_facts, load_parties, related_ids
from monitor.evaluation.summaries import load_summaries
from monitor.rules import (
    NO_REPORTS,
    CommitmentFacts,
    Evaluation,
    MilestoneFacts,
    ReportSummary,
    RuleConfig,
    contradiction,
    evaluate_milestone,
    stale,
)

log = logging.getLogger(__name__)

# Groupings above a reporting commitment; a change below one never needs the whole grouping re-evaluated.
GROUPING_KINDS = frozenset({"area", "strategy", "vision"})


@dataclass
class PassResult:
    now: datetime
    evaluations: list[Evaluation] = field(default_factory=list)
    subjects: set[str] = field(default_factory=set)  # evaluated without error
    errors: dict[str, str] = field(default_factory=dict)
    commitments: dict[str, CommitmentFacts] = field(default_factory=dict)
    milestones: int = 0

    @property
    def findings(self) -> list[Evaluation]:
        return self.evaluations

    def full(self, findings: Sequence[object]) -> dict[str, Evaluation]:
        """Every state of this pass is built already."""
        return {f.key: f for f in findings if isinstance(f, Evaluation)}


def _guarded(
    subject: str, errors: dict[str, str], run: Callable[[], list[Evaluation]]
) -> list[Evaluation] | None:
    try:
        return run()
    except Exception as exc:  # one bad item must not stop the pass, nor crash the daemon
        log.exception("evaluating %s failed; it will be checked again later", subject)
        errors[subject] = f"{type(exc).__name__}: {exc}"
        return None


def _descendants(facts: Iterable[CommitmentFacts], roots: Collection[int]) -> set[int]:
    children: dict[str, list[CommitmentFacts]] = defaultdict(list)
    by_id = {c.id: c for c in facts}
    for commitment in by_id.values():
        if commitment.parent_code is not None:
            children[commitment.parent_code].append(commitment)
    found, todo = set(), [by_id[i] for i in roots if i in by_id]
    while todo:
        node = todo.pop()
        if node.id not in found:
            found.add(node.id)
            todo.extend(children[node.code])
    return found


def evaluate(
    session: Session,
    config: RuleConfig,
    now: datetime,
    scope: Collection[int] | None = None,
    skip: Collection[str] = (),
) -> PassResult:
    """Evaluate everything (scope None) or the subtrees of the given commitment ids, as of `now`."""
    if scope is None:
        ids, loaded = None, None
    else:
        ids, above = related_ids(session, scope)
        loaded = ids | above  # ancestors too: inhibition looks up the chain
    parties = load_parties(session, loaded)
    all_commitments = load_commitment_facts(session, now, config.tz, parties, loaded)
    commitments = [c for c in all_commitments.values() if ids is None or c.id in ids]
    milestones = load_milestone_facts(session, ids, parties)
    levels = any(not f.cumulative for f in milestones)  # per-period targets need the latest report's value
    summaries = load_summaries(session, now, ids, levels)
    result = PassResult(
        now=now, commitments={c.code: c for c in all_commitments.values()}, milestones=len(milestones)
    )
    under: dict[str, list[tuple[MilestoneFacts, ReportSummary, list[Evaluation]]]] = defaultdict(list)
    for facts in milestones:
        if facts.code in skip:
            continue
        summary = summaries.get(facts.id, NO_REPORTS)
        found = _guarded(facts.code, result.errors, partial(evaluate_milestone, facts, summary, config, now))
        if found is not None:
            result.subjects.add(facts.code)
            result.evaluations.extend(found)
            under[facts.commitment_code].append((facts, summary, found))
    by_code = result.commitments
    for commitment in commitments:
        if commitment.code in skip:
            continue
        subtree = _subtree_items(commitment, by_code, under)
        rules = partial(_commitment_rules, commitment, subtree, config, now)
        found = _guarded(commitment.code, result.errors, rules)
        if found is not None:
            result.subjects.add(commitment.code)
            result.evaluations.extend(found)
    return result


def _subtree_items(
    commitment: CommitmentFacts,
    by_code: dict[str, CommitmentFacts],
    under: dict[str, list[tuple[MilestoneFacts, ReportSummary, list[Evaluation]]]],
) -> list[tuple[MilestoneFacts, ReportSummary, list[Evaluation]]]:
    if commitment.official_status is None:
        return []  # only contradiction looks below, and it needs an official status
    codes = {c.code for c in by_code.values() if _is_under(c, commitment.code, by_code)} | {commitment.code}
    return [item for code in codes for item in under.get(code, [])]


def _is_under(node: CommitmentFacts, ancestor: str, by_code: dict[str, CommitmentFacts]) -> bool:
    parent = node.parent_code
    while parent is not None:
        if parent == ancestor:
            return True
        parent = by_code[parent].parent_code if parent in by_code else None
    return False


def _commitment_rules(
    commitment: CommitmentFacts,
    subtree: list[tuple[MilestoneFacts, ReportSummary, list[Evaluation]]],
    config: RuleConfig,
    now: datetime,
) -> list[Evaluation]:
    found = [stale(commitment, config, now)]
    pairs = [(f, s) for f, s, _ in subtree]
    evaluations = [e for _, _, evals in subtree for e in evals]
    found.append(contradiction(commitment, pairs, evaluations, config, now))
    return [e for e in found if e is not None]


def card_scope(session: Session, commitment_codes: Collection[str]) -> set[int]:
    """The commitment ids to re-evaluate when something changed under these codes: each commitment's
    topmost ancestor that is not a mere grouping (its 공약관리카드 level, or the agreement), so roll-ups
    and contradictions stay whole. Walks up with indexed lookups; never scans the table."""
    c = m.Commitment
    nodes: dict[int, tuple[int | None, str]] = {}
    wanted = list(commitment_codes)
    start: set[int] = set()
    for chunk in (wanted[i : i + 500] for i in range(0, len(wanted), 500)):
        for cid, parent, kind in session.execute(select(c.id, c.parent_id, c.kind).where(c.code.in_(chunk))):
            nodes[cid] = (parent, kind)
            start.add(cid)
    frontier = {parent for parent, _ in nodes.values() if parent is not None} - set(nodes)
    while frontier:
        rows = session.execute(select(c.id, c.parent_id, c.kind).where(c.id.in_(list(frontier))))
        for cid, parent, kind in rows:
            nodes[cid] = (parent, kind)
        frontier = {parent for parent, _ in nodes.values() if parent is not None} - set(nodes)
    scope: set[int] = set()
    for node_id in start:
        chosen: int = node_id
        node: int | None = node_id
        while node is not None:
            parent, kind = nodes[node]
            if kind not in GROUPING_KINDS:
                chosen = node
            node = parent
        scope.add(chosen)
    return scope
