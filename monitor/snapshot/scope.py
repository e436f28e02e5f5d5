"""Which part of the registry a question is about, resolved before anything is loaded.

A jurisdiction covers every jurisdiction below it (광주광역시 covers 광주광역시 서구) and every commitment
any of them is party to (a Seoul–Daejeon agreement is Daejeon's too). A code prefix narrows to one
commitment subtree. Resolving the scope first is what makes the cost of a view follow its question.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from monitor.db import models as m
from monitor.registry import require_jurisdiction


@dataclass(frozen=True, slots=True)
class Scope:
    """What a view asks about; both empty means everything."""

    jurisdiction: str | None = None
    prefix: str | None = None


@dataclass(frozen=True, slots=True)
class ResolvedScope:
    scope: Scope
    jurisdictions: tuple[str, ...] | None  # the asked slug first, then those below it; None: all
    commitment_ids: frozenset[int] | None  # active or retired commitments in scope; None: all

    def concerns(self, parties: Iterable[str]) -> bool:
        """Whether an item with these parties belongs to the scope's jurisdictions."""
        return self.jurisdictions is None or not set(parties).isdisjoint(self.jurisdictions)

    @property
    def everything(self) -> bool:
        return self.commitment_ids is None


EVERYTHING = ResolvedScope(Scope(), None, None)


@dataclass(frozen=True, slots=True)
class Place:
    slug: str
    name_ko: str
    name_en: str
    parent: str | None


def places(session: Session) -> dict[str, Place]:
    """Every jurisdiction by slug, with its parent (a handful of rows)."""
    j, parent = m.Jurisdiction, aliased(m.Jurisdiction)
    query = select(j.slug, j.name_ko, j.name_en, parent.slug).outerjoin(parent, parent.id == j.parent_id)
    return {slug: Place(slug, ko, en, up) for slug, ko, en, up in session.execute(query)}


def self_and_above(known: dict[str, Place], slug: str) -> list[str]:
    """`slug` and every jurisdiction above it."""
    found: list[str] = []
    node: str | None = slug
    while node is not None and node not in found:
        found.append(node)
        node = known[node].parent if node in known else None
    return found


def jurisdiction_tree(session: Session, slug: str) -> tuple[str, ...]:
    """`slug` and every jurisdiction below it (children, grandchildren …), parents before children."""
    root = require_jurisdiction(session, slug)
    rows = list(session.execute(select(m.Jurisdiction.id, m.Jurisdiction.parent_id, m.Jurisdiction.slug)))
    children: dict[int, list[tuple[int, str]]] = {}
    for jid, parent, child_slug in rows:
        if parent is not None:
            children.setdefault(parent, []).append((jid, child_slug))
    found, todo = [root.slug], [root.id]
    while todo:
        for jid, child_slug in sorted(children.get(todo.pop(0), []), key=lambda c: c[1]):
            if child_slug not in found:
                found.append(child_slug)
                todo.append(jid)
    return tuple(found)


def resolve(session: Session, scope: Scope) -> ResolvedScope:
    """The jurisdictions and commitment ids a scope covers (a few indexed queries)."""
    if scope.jurisdiction is None and scope.prefix is None:
        return EVERYTHING
    c = m.Commitment
    query = select(c.id)
    slugs: tuple[str, ...] | None = None
    if scope.jurisdiction is not None:
        slugs = jurisdiction_tree(session, scope.jurisdiction)
        places = select(m.Jurisdiction.id).where(m.Jurisdiction.slug.in_(slugs))
        party_of = select(m.CommitmentParty.commitment_id).where(
            m.CommitmentParty.jurisdiction_id.in_(places)
        )
        query = query.where(or_(c.jurisdiction_id.in_(places), c.id.in_(party_of)))
    if scope.prefix is not None:
        prefix = scope.prefix.upper()
        exact = c.code == prefix
        query = query.where(
            c.code.startswith(prefix)
            if prefix.endswith(("-", "."))
            else or_(exact, c.code.startswith(prefix + "-"))
        )
    roots = set(session.scalars(query))
    return ResolvedScope(scope, slugs, frozenset(_with_descendants(session, roots)))


def subtrees(session: Session, ids: Iterable[int]) -> ResolvedScope:
    """The given commitments with every descendant (what an incremental wake-up re-evaluates)."""
    return ResolvedScope(Scope(), None, frozenset(_with_descendants(session, set(ids))))


def _with_descendants(session: Session, roots: set[int]) -> set[int]:
    c = m.Commitment
    found, frontier = set(roots), set(roots)
    while frontier:
        ids = list(frontier)
        children: set[int] = set()
        for chunk in (ids[i : i + 900] for i in range(0, len(ids), 900)):
            children |= set(session.scalars(select(c.id).where(c.parent_id.in_(chunk))))
        frontier = children - found
        found |= frontier
    return found
