"""One as-of snapshot behind every view: scope resolution, set-wise loading and evaluation."""

from datetime import datetime

from sqlalchemy.orm import Session

from monitor.rules.config import RuleConfig
from monitor.snapshot.assemble import build
from monitor.snapshot.detection import detect_build
from monitor.snapshot.model import STATE_ORDER, Finding, Snapshot, state_counts
from monitor.snapshot.parts import parts
from monitor.snapshot.scope import (
    EVERYTHING,
    Place,
    ResolvedScope,
    Scope,
    jurisdiction_tree,
    places,
    resolve,
    subtrees,
)


def take(
    session: Session,
    config: RuleConfig,
    as_of: datetime,
    jurisdiction: str | None = None,
    prefix: str | None = None,
) -> Snapshot:
    """The snapshot a view renders: resolve the scope (a jurisdiction with those below it, and/or a
    commitment subtree), then load and evaluate it once."""
    return build(session, config, as_of, resolve(session, Scope(jurisdiction, prefix)))


__all__ = [
    "EVERYTHING",
    "STATE_ORDER",
    "Finding",
    "Place",
    "ResolvedScope",
    "Scope",
    "Snapshot",
    "build",
    "detect_build",
    "jurisdiction_tree",
    "parts",
    "places",
    "resolve",
    "state_counts",
    "subtrees",
    "take",
]
