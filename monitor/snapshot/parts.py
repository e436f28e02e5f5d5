"""A large scope cut into parts of whole commitment subtrees, in the order of their jurisdictions.

The whole country is ~50k commitments and ~500k milestones: a part at a time keeps memory bounded
(`check --format json` streams, detection commits per part) while each part is still loaded set-wise.
A subtree is never split, so roll-ups and contradictions stay whole.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.db import models as m
from monitor.evaluation.sql import in_or_all
from monitor.snapshot.scope import ResolvedScope

PART_SIZE = 4000  # commitments per part


def parts(session: Session, scope: ResolvedScope, size: int = PART_SIZE) -> list[ResolvedScope]:
    """`scope` as parts of about `size` commitments, ordered by (owning jurisdiction, root id)."""
    c = m.Commitment
    rows = session.execute(
        select(c.id, c.parent_id, m.Jurisdiction.slug)
        .join(m.Jurisdiction, m.Jurisdiction.id == c.jurisdiction_id)
        .where(c.retired_at.is_(None), in_or_all(c.id, scope.commitment_ids))
    )
    parent: dict[int, int | None] = {}
    owner: dict[int, str] = {}
    for cid, up, slug in rows:
        parent[cid], owner[cid] = up, slug
    members: dict[int, list[int]] = {}
    for cid in parent:
        root = cid
        while parent.get(root) is not None:
            root = parent[root]  # type: ignore[assignment]
        members.setdefault(root, []).append(cid)
    groups: list[list[int]] = [[]]
    for root in sorted(members, key=lambda r: (owner.get(r, ""), r)):
        if groups[-1] and len(groups[-1]) + len(members[root]) > size:
            groups.append([])
        groups[-1] += members[root]
    return [ResolvedScope(scope.scope, scope.jurisdictions, frozenset(g)) for g in groups if g]
