"""Loading seeds: complete, idempotent, updated in place on edits, history kept."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

from monitor.db import models as m
from monitor.seeds import load_seeds
from tests.factories import NOW, SEOUL, copy_seeds, load_shipped_seeds

LATER = datetime(2026, 12, 1, tzinfo=UTC)


def _snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    tables = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
    with engine.connect() as conn:
        return {t: sorted(map(tuple, conn.execute(text(f"SELECT * FROM {t}"))), key=repr) for t in tables}


def _counts_by_source(session: Session) -> dict[str, tuple[int, int]]:
    rows = session.execute(
        select(m.SourceDocument.file, func.count(func.distinct(m.Commitment.id)), func.count(m.Milestone.id))
        .join(m.Commitment, m.Commitment.source_id == m.SourceDocument.id)
        .outerjoin(m.Milestone, m.Milestone.commitment_id == m.Commitment.id)
        .group_by(m.SourceDocument.file)
    )
    return {file: (commitments, milestones) for file, commitments, milestones in rows}


def _milestone(session: Session, code: str) -> m.Milestone:
    found = session.scalar(select(m.Milestone).where(m.Milestone.code == code))
    assert found is not None
    return found


def test_loading_all_seeds_creates_every_commitment_and_milestone(sessions: sessionmaker[Session]) -> None:
    result = load_shipped_seeds(sessions)
    assert result.summary.created["commitment"] == 259
    assert result.summary.created["milestone"] == 277
    with sessions() as session:
        assert _counts_by_source(session) == {
            "000_5d173ffc9f04f551.txt": (160, 13),
            "001_fc25d9605dcb00c1.txt": (21, 28),
            "002_7fc74de1de420957.txt": (62, 229),
            "003_d86cdf688576ea86.txt": (16, 7),
        }
        assert session.scalar(select(func.count()).select_from(m.ProgressReport)) == 14
        assert session.scalar(select(func.count()).select_from(m.ReferenceItem)) == 53 + 13
        assert session.scalar(select(func.count()).select_from(m.Finding)) == 5


def test_second_load_changes_nothing(engine: Engine, seeded: sessionmaker[Session]) -> None:
    before = _snapshot(engine)
    again = load_shipped_seeds(seeded, now=LATER)
    assert not again.summary.changed
    assert _snapshot(engine) == before


def test_agreement_and_its_areas_belong_to_every_party(seeded: sessionmaker[Session]) -> None:
    with seeded() as session:
        for code, parties in (
            ("SEOUL-SEJONG-2023", ["seoul", "sejong"]),
            ("SEOUL-SEJONG-2023-5", ["seoul", "sejong"]),
            ("SEOUL-DAEJEON-2023-5", ["seoul", "daejeon"]),
            ("DJ-9-3", ["daejeon"]),
        ):
            commitment = session.scalar(select(m.Commitment).where(m.Commitment.code == code))
            assert commitment is not None
            assert sorted(j.slug for j in commitment.parties) == sorted(parties)
            assert commitment.jurisdiction.slug == parties[0]


def test_edited_seed_updates_in_place_and_keeps_progress(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    seeds = copy_seeds(tmp_path)
    load_seeds(sessions, [seeds], SEOUL, NOW)
    with sessions.begin() as session:
        housing = _milestone(session, "DJ-9-3.youth-housing")
        housing_id = housing.id
        session.add(
            m.ProgressReport(
                commitment_id=housing.commitment_id,
                milestone=housing,
                value=Decimal(1200),
                as_of=date(2027, 6, 30),
                evidence=["https://example.org/a"],
                reporter="청년정책과",
                channel="cli",
                entered_at=NOW,
            )
        )
    path = seeds / "daejeon-2026-pledges.yaml"
    edited = path.read_text(encoding="utf-8").replace(
        '{key: youth-housing, kind: quantity, title: "청년주택 공급", target: 5000, unit: 호, due: 2030-06-30}',
        '{key: youth-housing, kind: quantity, title: "청년주택 공급 (조정)", target: 5000, unit: 호, due: 2029-12-31}',
    )
    assert edited != path.read_text(encoding="utf-8")
    path.write_text(edited, encoding="utf-8")
    result = load_seeds(sessions, [seeds], SEOUL, LATER)
    assert result.summary.updated["milestone"] == 1
    assert result.summary.revisions == 1
    with sessions() as session:
        housing = _milestone(session, "DJ-9-3.youth-housing")
        assert housing.id == housing_id
        assert (housing.title, housing.due_date) == ("청년주택 공급 (조정)", date(2029, 12, 31))
        assert housing.due_at == datetime(2029, 12, 31, 15, tzinfo=UTC)
        assert [r.value for r in housing.reports] == [Decimal(1200)]
        [revision] = housing.revisions
        assert revision.changes == {"due_date": ["2030-06-30", "2029-12-31"]}
        assert revision.changed_at == LATER


def test_removed_records_are_retired_and_come_back(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    seeds = copy_seeds(tmp_path)
    load_seeds(sessions, [seeds], SEOUL, NOW)
    path = seeds / "daejeon-2026-pledges.yaml"
    original = path.read_text(encoding="utf-8")
    flagship = '  - {code: DJ-F3, kind: flagship, line: 22, title: "혁신도시 조성 및 공공기관유치 추진"}\n'
    assert flagship in original
    path.write_text(original.replace(flagship, ""), encoding="utf-8")
    result = load_seeds(sessions, [seeds], SEOUL, LATER)
    assert result.summary.retired == {"commitment": 1}
    with sessions() as session:
        retired = session.scalar(select(m.Commitment).where(m.Commitment.code == "DJ-F3"))
        assert retired is not None and retired.retired_at == LATER
    path.write_text(original, encoding="utf-8")
    load_seeds(sessions, [seeds], SEOUL, LATER)
    with sessions() as session:
        assert session.scalar(select(m.Commitment.retired_at).where(m.Commitment.code == "DJ-F3")) is None


def test_edited_seed_progress_is_appended_as_a_correction(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    seeds = copy_seeds(tmp_path)
    load_seeds(sessions, [seeds], SEOUL, NOW)
    path = seeds / "daegu-local-problems.yaml"
    old = "progress: [{as_of: 2021-12-31, value: 656, line: 244}]"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            old, 'progress: [{as_of: 2021-12-31, value: 656, line: 244, note: "회원 수는 연말 기준"}]'
        ),
        encoding="utf-8",
    )
    result = load_seeds(sessions, [seeds], SEOUL, LATER)
    assert result.summary.created["progress_report"] == 1
    with sessions() as session:
        reports = _milestone(session, "DG-2021-1.members").reports
        assert [(r.value, r.note) for r in reports] == [
            (Decimal(656), None),
            (Decimal(656), "회원 수는 연말 기준"),
        ]
        assert reports[1].corrects_id == reports[0].id


def test_seeded_results_count_as_entered_at_the_end_of_their_as_of_day(seeded: sessionmaker[Session]) -> None:
    with seeded() as session:
        report = _milestone(session, "DG-2021-1.members").reports[0]
        assert (report.as_of, report.entered_at, report.channel) == (
            date(2021, 12, 31),
            datetime(2021, 12, 31, 15, tzinfo=UTC),
            "seed",
        )


def test_changing_the_time_zone_moves_deadlines_without_revisions(seeded: sessionmaker[Session]) -> None:
    result = load_seeds(seeded, [Path(__file__).resolve().parent.parent / "seeds"], ZoneInfo("UTC"), LATER)
    assert result.summary.revisions == 0
    with seeded() as session:
        assert _milestone(session, "DJ-9-3.youth-housing").due_at == datetime(2030, 7, 1, tzinfo=UTC)
        assert session.get(m.Meta, "timezone") is not None
