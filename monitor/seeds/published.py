"""Published extras of a source document: total rows, reference lists, and the consistency findings."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from monitor.db import models as m
from monitor.seeds.changes import LoadSummary, assign
from monitor.seeds.consistency import Finding
from monitor.seeds.validate import SeedDocument


def load_totals(
    session: Session,
    summary: LoadSummary,
    document: SeedDocument,
    source: m.SourceDocument,
    jurisdiction: m.Jurisdiction,
) -> None:
    """A published table's total rows, kept exactly as published (they may not add up)."""
    wanted = {
        (row.label, label): (amount, row.line[0])
        for row in document.model.published_totals
        for label, amount in row.cells.items()
    }
    existing: dict[tuple[str, str], m.PublishedTotal] = {}
    if source.id is not None:
        query = select(m.PublishedTotal).where(m.PublishedTotal.source_id == source.id)
        existing = {(t.label, t.column_label): t for t in session.scalars(query)}
    for (label, column), (amount, line) in wanted.items():
        obj = existing.pop((label, column), None)
        created = obj is None
        if obj is None:
            obj = m.PublishedTotal(source=source)
            session.add(obj)
        changes = assign(
            obj,
            {
                "label": label,
                "column_label": column,
                "amount": amount,
                "source_line": line,
                "jurisdiction_id": jurisdiction.id,
            },
        )
        if created:
            summary.created["published_total"] += 1
        elif changes:
            summary.updated["published_total"] += 1
    for stale in existing.values():
        session.delete(stale)


def load_references(
    session: Session,
    summary: LoadSummary,
    document: SeedDocument,
    source: m.SourceDocument,
    jurisdiction: m.Jurisdiction,
) -> None:
    """Reference lists (partner institutions …), replaced as a whole when they changed."""
    for ref in document.model.references:
        wanted = [(g.label, item.name, item.line[0]) for g in ref.groups for item in g.items]
        query = (
            select(m.ReferenceItem)
            .where(m.ReferenceItem.list_key == ref.key)
            .order_by(m.ReferenceItem.position)
        )
        have = list(session.scalars(query))
        unchanged = [(i.group_label, i.name, i.source_line) for i in have] == wanted
        if unchanged and all(i.list_title == ref.title for i in have):
            continue
        session.execute(delete(m.ReferenceItem).where(m.ReferenceItem.list_key == ref.key))
        session.add_all(
            m.ReferenceItem(
                list_key=ref.key,
                list_title=ref.title,
                group_label=group,
                name=name,
                jurisdiction=jurisdiction,
                source=source,
                source_line=line,
                position=position,
            )
            for position, (group, name, line) in enumerate(wanted)
        )
        (summary.updated if have else summary.created)["reference_list"] += 1


def load_findings(session: Session, summary: LoadSummary, files: set[str], findings: list[Finding]) -> None:
    """The consistency findings of the loaded seed files (derived data: replaced when they changed)."""
    query = select(m.Finding).where(m.Finding.seed_file.in_(files)).order_by(m.Finding.id)
    have = list(session.scalars(query))
    wanted = [asdict(f) for f in findings if f.seed_file in files]
    if [_finding_dict(f) for f in have] == [{**w, "records": list(w["records"])} for w in wanted]:
        return
    session.execute(delete(m.Finding).where(m.Finding.seed_file.in_(files)))
    session.add_all(
        m.Finding(
            seed_file=w["seed_file"],
            rule=w["rule"],
            records=list(w["records"]),
            column_label=w["column"],
            published=w["published"],
            computed=w["computed"],
            difference=w["difference"],
            source=w["source"],
        )
        for w in wanted
    )
    (summary.updated if have else summary.created)["finding"] += len(wanted)


def _finding_dict(finding: m.Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "records": finding.records,
        "column": finding.column_label,
        "published": finding.published,
        "computed": finding.computed,
        "difference": finding.difference,
        "source": finding.source,
        "seed_file": finding.seed_file,
    }
