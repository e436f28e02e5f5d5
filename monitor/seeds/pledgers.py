"""Who made a document's commitments (`pledgers:`): checked against the source, loaded, and linked.

A commitment is the promise of its document's pledgers whose office's jurisdiction is one of its parties
(an agreement: both signatories). A reload updates who they are but never overwrites an outcome recorded
since (`monitor pledger elect/lose`) unless the seed itself records one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.db import models as m
from monitor.seeds.bundle import Problems, SeedBundle, SeedDocument
from monitor.seeds.changes import LoadSummary, assign
from monitor.seeds.schema import PledgerEntry
from monitor.timeutil import start_of_day


def check_pledgers(documents: list[SeedDocument], slugs: Collection[str], problems: Problems) -> None:
    """Unique keys, known jurisdictions, and the name on the line that names them."""
    keys = Counter(p.key for d in documents for p in d.model.pledgers)
    for document in documents:
        for pledger in document.model.pledgers:
            line = pledger.yaml_line
            if keys[pledger.key] > 1:
                problems.add(document.path, line, f"duplicate pledger key {pledger.key!r}")
            if pledger.jurisdiction is not None and pledger.jurisdiction not in slugs:
                problems.add(document.path, line, f"unknown jurisdiction {pledger.jurisdiction!r}")
            if pledger.line[1] > len(document.source.lines):
                problems.add(document.path, line, f"line {pledger.line[1]} is past the end of the source")
            elif pledger.name not in document.source.excerpt(pledger.line):
                cited = document.citation(pledger.line)
                problems.add(document.path, line, f"{pledger.name!r} is not on the cited line {cited}")


def load_pledgers(
    session: Session, summary: LoadSummary, bundle: SeedBundle, tz: ZoneInfo, now: datetime
) -> None:
    """Upsert every document's pledgers and link each commitment to those of its parties."""
    by_key = {p.key: p for p in session.scalars(select(m.Pledger))}
    places = {j.slug: j for j in session.scalars(select(m.Jurisdiction))}
    for document in bundle.documents:
        source = session.scalar(
            select(m.SourceDocument).where(m.SourceDocument.file == document.model.document.file)
        )
        assert source is not None  # loaded with the document
        pledgers = []
        for entry in document.model.pledgers:
            obj = by_key.get(entry.key)
            created = obj is None
            obj = obj or m.Pledger(created_at=now)
            place = places[entry.jurisdiction or document.model.jurisdiction]
            if assign(obj, _values(entry, place, source, tz, created)) or created:
                obj.updated_at = now
                (summary.created if created else summary.updated)["pledger"] += 1
                session.add(obj)
            pledgers.append(obj)
        _link(session, summary, source, pledgers)


def _values(
    entry: PledgerEntry, place: m.Jurisdiction, source: m.SourceDocument, tz: ZoneInfo, created: bool
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "key": entry.key,
        "name": entry.name,
        "role": entry.role,
        "office": entry.office,
        "jurisdiction": place,
        "term": entry.term.name,
        "term_start": entry.term.start,
        "term_end": entry.term.end,
        "election_on": entry.election,
        "source": source,
        "source_line": entry.line[0],
    }
    if entry.outcome is not None or created:  # else keep what was recorded since (`monitor pledger`)
        outcome = entry.outcome or ("elected" if entry.role == "officeholder" else "pending")
        decided = (entry.outcome_on or entry.election) if entry.outcome in ("elected", "lost") else None
        at = start_of_day(decided, tz) if decided else None
        values.update(outcome=outcome, outcome_on=decided, outcome_at=at)
    return values


def _link(
    session: Session, summary: LoadSummary, source: m.SourceDocument, pledgers: list[m.Pledger]
) -> None:
    commitments = session.scalars(select(m.Commitment).where(m.Commitment.source_id == source.id))
    for commitment in commitments:
        parties = {j.id for j in commitment.parties} | {commitment.jurisdiction_id}
        wanted = [p for p in pledgers if p.jurisdiction.id in parties]
        if {p.key for p in commitment.pledgers} != {p.key for p in wanted}:
            (summary.updated if commitment.pledgers else summary.created)["commitment_pledgers"] += 1
            commitment.pledgers = wanted
