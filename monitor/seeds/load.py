"""Write a validated `SeedBundle` into the database, idempotently, in the caller's transaction.

Records are matched by their stable codes: a reload updates commitments and milestones in place (so
every progress report stays attached), retires records that disappeared from the seeds instead of
deleting them, and appends — never rewrites — seeded history. Loading the same seeds twice changes
nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.db import models as m
from monitor.evaluation.facts import rolled_up_last_reports
from monitor.seeds.changes import LoadSummary, assign
from monitor.seeds.consistency import Finding
from monitor.seeds.expand import all_milestones, budget_total, resolve_inherited
from monitor.seeds.history import append_progress, append_status
from monitor.seeds.pledgers import load_pledgers
from monitor.seeds.published import load_findings, load_references, load_totals
from monitor.seeds.schema import CommitmentRecord, MilestoneRecord
from monitor.seeds.validate import SeedBundle, SeedDocument, display_path
from monitor.timeutil import due_instant, start_of_day

SEED_REPORTER = "seed"
# A change to any of these is a change of target or deadline, kept as a MilestoneRevision. (due_at
# is left out: it also moves when the configured time zone changes, which changes no pledge.)
REVISED_FIELDS = (
    "due_date",
    "target_value",
    "target_max",
    "unit",
    "baseline",
    "planned_amount",
    "fiscal_year_start",
    "fiscal_year_end",
    "starts_at",
    "ends_at",
    "cadence",
)


def load_bundle(
    session: Session, bundle: SeedBundle, findings: list[Finding], tz: ZoneInfo, now: datetime
) -> LoadSummary:
    """Load everything in `bundle`; the caller commits (or rolls back on error)."""
    loader = _Loader(session, bundle, tz, now)
    loader.load_jurisdictions()
    for document in bundle.documents:
        loader.load_document(document)
    loader.link_parents()
    session.flush()
    load_pledgers(session, loader.summary, bundle, tz, now)
    loader.set_stale_references()
    load_findings(session, loader.summary, {display_path(d.path) for d in bundle.documents}, findings)
    loader.set_meta("timezone", str(tz))
    session.flush()
    return loader.summary


class _Loader:
    def __init__(self, session: Session, bundle: SeedBundle, tz: ZoneInfo, now: datetime) -> None:
        self.session, self.bundle, self.tz, self.now = session, bundle, tz, now
        self.summary = LoadSummary()
        self.created: set[int] = set()  # id() of objects created by this load; linking them is not an update
        self.inherited = resolve_inherited(bundle)
        self.jurisdictions: dict[str, m.Jurisdiction] = {}
        self.commitments = {c.code: c for c in session.scalars(select(m.Commitment))}

    def _upsert(self, kind: str, obj: Any, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
        created = obj not in self.session
        changes = assign(obj, values)
        if created:
            self.session.add(obj)
            self.created.add(id(obj))
            self.summary.created[kind] += 1
        elif changes and id(obj) not in self.created:
            self.summary.updated[kind] += 1
        if hasattr(obj, "updated_at") and (created or changes):
            obj.updated_at = self.now
            if created:
                obj.created_at = self.now
        return changes

    def load_jurisdictions(self) -> None:
        by_slug = {j.slug: j for j in self.session.scalars(select(m.Jurisdiction))}
        for record in self.bundle.jurisdictions:
            obj = by_slug.setdefault(record.slug, m.Jurisdiction())
            self._upsert(
                "jurisdiction",
                obj,
                {
                    "slug": record.slug,
                    "name_ko": record.name_ko,
                    "name_en": record.name_en,
                    "level": record.level,
                },
            )
        for record in self.bundle.jurisdictions:
            parent = by_slug[record.parent] if record.parent else None
            self._upsert("jurisdiction", by_slug[record.slug], {"parent": parent})
        self.session.flush()
        self.jurisdictions = by_slug

    def load_document(self, document: SeedDocument) -> None:
        info = document.model.document
        source = self.session.scalar(select(m.SourceDocument).where(m.SourceDocument.file == info.file))
        source = source or m.SourceDocument()
        self._upsert(
            "document",
            source,
            {
                "file": info.file,
                "title": info.title,
                "publisher": info.publisher,
                "published_on": info.published_on,
                "as_of": info.as_of,
                "url": info.url,
                "sha256": document.source.sha256,
                "text": "\n".join(document.source.lines),
                "seed_file": display_path(document.path),
            },
        )
        self.session.flush()
        codes = set()
        for position, record in enumerate(document.model.commitments):
            codes.add(record.code)
            self._load_commitment(document, source, record, position)
        for code, obj in self.commitments.items():
            if obj.source is source and code not in codes and obj.retired_at is None:
                obj.retired_at = self.now
                self.summary.retired["commitment"] += 1
        jurisdiction = self.jurisdictions[document.model.jurisdiction]
        load_totals(self.session, self.summary, document, source, jurisdiction)
        load_references(self.session, self.summary, document, source, jurisdiction)

    def _load_commitment(
        self, document: SeedDocument, source: m.SourceDocument, record: CommitmentRecord, position: int
    ) -> None:
        model = document.model
        inherited = self.inherited[record.code]
        period = inherited.period
        obj = self.commitments.setdefault(record.code, m.Commitment(attributes={}))
        self._upsert(
            "commitment",
            obj,
            {
                "code": record.code,
                "kind": record.kind.value,
                "title": record.title,
                "description": record.description,
                "category": inherited.category,
                "department": record.department or model.department,
                "jurisdiction": self.jurisdictions[record.jurisdiction or model.jurisdiction],
                "period_start": period.start if period else None,
                "period_end": period.end if period else None,
                "budget_total": budget_total(record),
                "non_budget": record.budget == "비예산",
                "source": source,
                "source_line": record.line[0],
                "source_end_line": record.line[1],
                "position": position,
                "attributes": _commitment_attributes(record),
                "retired_at": None,
            },
        )
        parties = [self.jurisdictions[slug] for slug in inherited.parties]
        if {j.slug for j in obj.parties} != {j.slug for j in parties}:
            if obj.parties and id(obj) not in self.created:
                self.summary.updated["commitment_parties"] += 1
            obj.parties = parties
        self._load_milestones(document, obj, record)
        for entry in record.status:
            append_status(self.session, self.summary, self.tz, obj, entry)

    def _load_milestones(
        self, document: SeedDocument, commitment: m.Commitment, record: CommitmentRecord
    ) -> None:
        existing = {ms.key: ms for ms in commitment.milestones}
        keys = set()
        for position, milestone in enumerate(all_milestones(record, document.model.budget_columns)):
            keys.add(milestone.key)
            obj = existing.get(milestone.key) or m.Milestone(commitment=commitment, attributes={})
            is_new = milestone.key not in existing
            changes = self._upsert("milestone", obj, self._milestone_values(record, milestone, position))
            revised = {
                k: [_text(old), _text(new)] for k, (old, new) in changes.items() if k in REVISED_FIELDS
            }
            if revised and not is_new:
                self.session.add(
                    m.MilestoneRevision(
                        milestone=obj,
                        changed_at=self.now,
                        changes=revised,
                        seed_file=display_path(document.path),
                    )
                )
                self.summary.revisions += 1
            for entry in milestone.progress:
                append_progress(self.session, self.summary, self.tz, commitment, obj, entry)
        for key, obj in existing.items():
            if key not in keys and obj.retired_at is None:
                obj.retired_at = self.now
                self.summary.retired["milestone"] += 1

    def _milestone_values(
        self, record: CommitmentRecord, milestone: MilestoneRecord, position: int
    ) -> dict[str, Any]:
        lines = milestone.line or record.line
        if milestone.due is not None:
            due_at = due_instant(milestone.due, self.tz)
        else:
            assert milestone.end is not None  # guaranteed by the schema for events
            due_at = milestone.end
        years = milestone.fiscal_years or (None, None)
        attributes = dict(milestone.attributes)
        if milestone.also_published:
            attributes["also_published"] = [
                {"line": f"{s.line[0]}", "start": _text(s.start), "end": _text(s.end)}
                for s in milestone.also_published
            ]
        return {
            "code": f"{record.code}.{milestone.key}",
            "key": milestone.key,
            "kind": milestone.kind.value,
            "title": milestone.title,
            "due_date": milestone.due,
            "due_at": due_at,
            "target_value": milestone.target,
            "target_max": milestone.target_max,
            "unit": milestone.unit,
            "cumulative": milestone.cumulative,
            "baseline": milestone.baseline,
            "planned_amount": milestone.planned_amount,
            "fiscal_year_start": years[0],
            "fiscal_year_end": years[1],
            "funding_source": milestone.funding_source.value if milestone.funding_source else None,
            "starts_at": milestone.start,
            "ends_at": milestone.end,
            "cadence": milestone.cadence.value if milestone.cadence else None,
            "source_line": lines[0],
            "source_end_line": lines[1],
            "position": position,
            "attributes": attributes,
            "retired_at": None,
        }

    def link_parents(self) -> None:
        for _document, record in self.bundle.commitments():
            parent = self.commitments[record.parent] if record.parent else None
            self._upsert("commitment", self.commitments[record.code], {"parent": parent})

    def set_stale_references(self) -> None:
        """Start each stale clock at the later of its period start and its last report (planner cache)."""
        parent_of = {c.id: c.parent_id for c in self.commitments.values()}
        reported = rolled_up_last_reports(self.session, self.now, parent_of)
        for commitment in self.commitments.values():
            candidates = [reported.get(commitment.id)]
            if commitment.period_start is not None:
                candidates.append(start_of_day(commitment.period_start, self.tz))
            found = [c for c in candidates if c is not None]
            wanted = max(found) if found else None
            if commitment.stale_ref_at != wanted:
                commitment.stale_ref_at = wanted

    def set_meta(self, key: str, value: str) -> None:
        obj = self.session.get(m.Meta, key) or m.Meta(key=key)
        self._upsert("meta", obj, {"value": value})


def _commitment_attributes(record: CommitmentRecord) -> dict[str, Any]:
    attributes = dict(record.attributes)
    if record.description_line is not None:
        attributes["description_line"] = "-".join(dict.fromkeys(map(str, record.description_line)))
    return attributes


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
