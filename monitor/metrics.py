"""Evaluation metrics per jurisdiction (and category), as Korean evaluators define them.

- 완료율 (completion rate) = (완료 + 이행후 계속추진) / all pledges, from official statuses;
- 목표달성도 (target achievement) = share of the targets due in a year that were met;
- 재정확보율 (funding secured) = secured / planned, also against the in-term plan alone;
- 집행률 (execution) = executed / planned.
Pure functions of facts; a pledge of an agreement counts for every party.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from monitor.rules.commitment import CARD_KINDS
from monitor.rules.facts import CommitmentFacts, MilestoneFacts, ReportSummary
from monitor.rules.milestone import HELD, is_met
from monitor.rules.outcome import Evaluation
from monitor.snapshot import Snapshot, state_counts
from monitor.vocab import Status

DONE_STATUSES = (Status.DONE.value, Status.CONTINUING.value)


# Document kinds are counted apart and never added together as "공약".
KIND_FAMILIES = {
    "pledge": "pledges",
    "flagship": "pledges",
    "agenda": "agendas",
    "agreement_area": "agreements",
}
FAMILIES = ("pledges", "agendas", "agreements")


@dataclass
class Metrics:
    jurisdiction: str
    category: str | None
    items: int = 0  # every 공약관리카드-level item (pledges, agendas and agreement areas together)
    kinds: Counter[str] = field(default_factory=Counter)  # "pledges" / "agendas" / "agreements" → count
    states: dict[str, int] = field(default_factory=dict)  # check state → count (see Snapshot.counted_for)
    statuses: Counter[str] = field(default_factory=Counter)  # official status → count ("unreported" too)
    targets_due: int = 0
    targets_met: int = 0
    planned: Decimal = Decimal(0)
    planned_in_term: Decimal = Decimal(0)
    secured: Decimal = Decimal(0)
    secured_in_term: Decimal = Decimal(0)
    executed: Decimal = Decimal(0)

    @property
    def completion_rate(self) -> Decimal | None:
        return _ratio(Decimal(sum(self.statuses[s] for s in DONE_STATUSES)), Decimal(self.items))

    @property
    def pledges(self) -> int:
        return self.kinds["pledges"]

    @property
    def achievement_rate(self) -> Decimal | None:
        return _ratio(Decimal(self.targets_met), Decimal(self.targets_due))

    @property
    def securing_rate(self) -> Decimal | None:
        return _ratio(self.secured, self.planned)

    @property
    def securing_rate_in_term(self) -> Decimal | None:
        return _ratio(self.secured_in_term, self.planned_in_term)

    @property
    def execution_rate(self) -> Decimal | None:
        return _ratio(self.executed, self.planned)


def _ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    return None if whole == 0 else (part / whole).quantize(Decimal("0.0001"))


def compute(
    commitments: Iterable[CommitmentFacts],
    categories: dict[str, str | None],
    milestones: Iterable[tuple[MilestoneFacts, ReportSummary]],
    year: int,
    by_category: bool = False,
) -> list[Metrics]:
    """Metrics per jurisdiction (and per category with `by_category`) for the target `year`."""
    table: dict[tuple[str, str | None], Metrics] = {}

    def cell(place: str, code: str) -> Metrics:
        category = categories.get(code) if by_category else None
        return table.setdefault((place, category), Metrics(place, category))

    by_code = {c.code: c for c in commitments}
    for commitment in by_code.values():
        if commitment.kind in CARD_KINDS:
            for place in commitment.parties:
                metrics = cell(place, commitment.code)
                metrics.items += 1
                family = KIND_FAMILIES.get(commitment.kind, "pledges")
                metrics.kinds[family] += 1
                if family == "pledges" and commitment.pledge is not None and commitment.pledge.candidate:
                    metrics.kinds["candidate_pledges"] += 1  # a candidate's, before the outcome
                metrics.statuses[commitment.official_status or "unreported"] += 1
    pairs = list(milestones)
    for facts, _summary, executed, secured in _top_level_tranches(pairs, by_code):
        for place in facts.parties:
            _count_tranche(cell(place, facts.commitment_code), facts, executed, secured, by_code)
    for facts, summary in pairs:
        due_year = facts.due_date.year if facts.due_date is not None else facts.due_at.year
        tracked_only = facts.kind == "quantity" and facts.target is None  # a tracked figure is not a target
        if facts.kind != "budget" and due_year == year and not tracked_only:
            met = HELD in summary.statuses if facts.kind == "event" else is_met(facts, summary)
            for place in facts.parties:
                metrics = cell(place, facts.commitment_code)
                metrics.targets_due += 1
                metrics.targets_met += int(met)
    return [table[key] for key in sorted(table, key=lambda k: (k[0], k[1] or ""))]


def _top_level_tranches(
    pairs: list[tuple[MilestoneFacts, ReportSummary]], by_code: dict[str, CommitmentFacts]
) -> Iterable[tuple[MilestoneFacts, ReportSummary, Decimal, Decimal]]:
    """Budget tables nest (a line's items add up to it), so only top-level lines count. A line without a
    report of its own takes the sum of what its items reported for the same year."""
    tranches = {
        (f.commitment_code, f.code.rsplit(".", 1)[-1]): (f, s) for f, s in pairs if f.kind == "budget"
    }
    children: dict[tuple[str, str], list[ReportSummary]] = {}
    for (code, key), (_, summary) in tranches.items():
        parent = by_code[code].parent_code if code in by_code else None
        if parent is not None and (parent, key) in tranches:
            children.setdefault((parent, key), []).append(summary)
    for (code, key), (facts, summary) in tranches.items():
        parent = by_code[code].parent_code if code in by_code else None
        if parent is not None and (parent, key) in tranches:
            continue
        below = children.get((code, key), [])
        executed = summary.max_executed
        if executed is None:
            executed = sum((s.max_executed or Decimal(0) for s in below), Decimal(0))
        secured = summary.max_secured
        if secured is None:
            secured = sum((s.max_secured or Decimal(0) for s in below), Decimal(0))
        yield facts, summary, executed, secured


def _count_tranche(
    metrics: Metrics,
    facts: MilestoneFacts,
    executed: Decimal,
    secured: Decimal,
    by_code: dict[str, CommitmentFacts],
) -> None:
    planned = facts.planned_amount or Decimal(0)
    metrics.planned += planned
    metrics.secured += secured
    metrics.executed += executed
    commitment = by_code.get(facts.commitment_code)
    term_end = commitment.period_end_at if commitment is not None else None
    if term_end is not None and facts.due_at <= term_end:
        metrics.planned_in_term += planned
        metrics.secured_in_term += secured


def from_snapshot(snap: Snapshot, year: int, by_category: bool) -> list[Metrics]:
    """The metrics of a snapshot: one row per jurisdiction in its scope (and 분야 with `by_category`),
    the scope's own jurisdiction always included; `states` counts what `check` lists for the row."""
    categories = {c.code: c.category for c in snap.commitments.values()}
    in_scope = [snap.commitments[code] for code in snap.in_scope]
    pairs = [(f, snap.summary(f)) for f in snap.milestones]
    rows = compute(in_scope, categories, pairs, year, by_category)
    wanted = snap.scope.jurisdictions
    if wanted is not None:
        present = {r.jurisdiction for r in rows}
        rows += [Metrics(place, None) for place in wanted[:1] if not by_category and place not in present]
        rows = sorted(
            (r for r in rows if r.jurisdiction in wanted), key=lambda r: (r.jurisdiction, r.category or "")
        )
    counts: dict[tuple[str, str | None], list[Evaluation]] = {}
    for evaluation in snap.problems():
        for place in snap.counted_for(evaluation):
            key = (place, evaluation.category if by_category else None)
            counts.setdefault(key, []).append(evaluation)
    for row in rows:
        row.states = state_counts(counts.get((row.jurisdiction, row.category), []))
    return rows
