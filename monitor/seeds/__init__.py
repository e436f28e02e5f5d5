"""Seed files: read and validate (`validate`), find published inconsistencies (`consistency`), load
into the database idempotently (`load`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from monitor.seeds.changes import LoadSummary
from monitor.seeds.consistency import Finding, find_inconsistencies
from monitor.seeds.load import load_bundle
from monitor.seeds.validate import SeedBundle, read_bundle
from monitor.signals import Topic, touch


@dataclass(frozen=True)
class SeedResult:
    bundle: SeedBundle
    findings: list[Finding]
    summary: LoadSummary


def validate_seeds(paths: list[Path]) -> tuple[SeedBundle, list[Finding]]:
    """Check seed files without touching the database. Raises `SeedsUnreadable` when a path is missing
    or holds no seed file, `SeedError` on schema problems."""
    bundle = read_bundle(paths)
    return bundle, find_inconsistencies(bundle)


def load_seeds(sessions: sessionmaker[Session], paths: list[Path], tz: ZoneInfo, now: datetime) -> SeedResult:
    """Validate, then load in one transaction: on any problem nothing is written."""
    bundle, findings = validate_seeds(paths)
    return store_seeds(sessions, bundle, findings, tz, now)


def store_seeds(
    sessions: sessionmaker[Session], bundle: SeedBundle, findings: list[Finding], tz: ZoneInfo, now: datetime
) -> SeedResult:
    """Load seeds `validate_seeds` has read, in one transaction. Commands that create the database read
    the seeds first, so a seeds problem leaves no database behind."""
    with sessions.begin() as session:
        summary = load_bundle(session, bundle, findings, tz, now)
        if summary.changed:
            touch(session, Topic.SEED, now)
    return SeedResult(bundle=bundle, findings=findings, summary=summary)
