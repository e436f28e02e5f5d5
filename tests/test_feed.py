"""The Atom feed of status changes, progress reports and alert transitions (`monitor.feed.atom_feed`)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from monitor.errors import NotFoundError
from monitor.feed import atom_feed
from tests.factories import (
    NOW,
    SEOUL,
    detect_at,
    load_shipped_seeds,
    log,
    migrated_engine,
    run_cli,
    sessions_for,
)

ATOM = "{http://www.w3.org/2005/Atom}"
HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    updated: datetime
    content: str
    related: list[str]


def _feed(
    sessions: sessionmaker[Session], as_of: datetime, lang: str = "ko", **options: object
) -> tuple[ET.Element, list[Entry]]:
    with sessions() as session:
        data = atom_feed(session, as_of=as_of, tz=SEOUL, lang=lang, **options)  # type: ignore[arg-type]
    root = ET.fromstring(data)
    assert root.tag == f"{ATOM}feed"
    entries = [
        Entry(
            id=e.findtext(f"{ATOM}id", ""),
            title=e.findtext(f"{ATOM}title", ""),
            updated=datetime.fromisoformat(e.findtext(f"{ATOM}updated", "")),
            content=e.findtext(f"{ATOM}content", ""),
            related=[
                link.get("href", "") for link in e.findall(f"{ATOM}link") if link.get("rel") == "related"
            ],
        )
        for e in root.findall(f"{ATOM}entry")
    ]
    return root, entries


def _feed_updated(root: ET.Element) -> datetime:
    return datetime.fromisoformat(root.findtext(f"{ATOM}updated", ""))


@pytest.fixture
def sqlite_seeded(sqlite_url: str) -> sessionmaker[Session]:
    sessions = sessions_for(migrated_engine(sqlite_url))
    load_shipped_seeds(sessions)
    return sessions


def test_feed_holds_status_changes_reports_and_alerts_newest_first(
    seeded: sessionmaker[Session],
) -> None:
    detect_at(seeded, NOW)
    log(seeded, "DJ-9-3", NOW + HOUR, status="정상추진", evidence=["https://example.org/plan"])
    log(seeded, "DG-2022-01.done", NOW + 2 * HOUR, status="done", note="개시")
    root, entries = _feed(seeded, NOW + 3 * HOUR)
    ids = [e.id for e in entries]
    assert len(ids) == len(set(ids)) == 200  # the default limit; the seeds' alerts alone are more
    assert [e.updated for e in entries] == sorted((e.updated for e in entries), reverse=True)
    assert _feed_updated(root) == entries[0].updated == NOW + 2 * HOUR
    report, head, status, first_alert = entries[:4]  # the chain head as of the newest write, after it
    assert head.id.startswith("tag:pledge-monitor,2026:chain-head/") and head.updated == NOW + 2 * HOUR
    assert head.title.startswith("[이력 체인 헤드] ") and "monitor verify --published" in head.content
    assert report.id.startswith("tag:pledge-monitor,2026:progress-report/")
    assert report.title == "[진행 보고] DG-2022-01.done 2022 의제 실행: 완료"
    assert "비고: 개시" in report.content and "보고자: 담당관 (명령줄)" in report.content
    assert status.id.startswith("tag:pledge-monitor,2026:status-change/")
    assert status.title == "[공식 상태] DJ-9-3 청년주택 5,000호 공급: 정상추진"
    assert status.updated == NOW + HOUR and status.related == ["https://example.org/plan"]
    assert first_alert.id.startswith("tag:pledge-monitor,2026:alert/") and first_alert.updated == NOW
    _, few = _feed(seeded, NOW + 3 * HOUR, limit=3)
    assert [e.id for e in few] == ids[:3]


def test_feed_as_of_shows_only_what_was_entered_by_then(seeded: sessionmaker[Session]) -> None:
    log(seeded, "DJ-9-3", NOW + HOUR, status="정상추진")
    log(seeded, "DJ-9-3", NOW + 2 * HOUR, status="일부추진")
    root, entries = _feed(seeded, NOW + HOUR + timedelta(minutes=30))
    titles = [e.title for e in entries if "DJ-9-3" in e.title]
    assert titles == ["[공식 상태] DJ-9-3 청년주택 5,000호 공급: 정상추진"]
    assert _feed_updated(root) == NOW + HOUR
    assert not [e for e in entries if ":alert/" in e.id]  # nothing was detected yet
    before = datetime(2020, 1, 1, tzinfo=SEOUL)
    empty_root, empty = _feed(seeded, before)
    assert empty == [] and _feed_updated(empty_root) == before


def test_jurisdiction_feed_includes_agreements_of_every_party(seeded: sessionmaker[Session]) -> None:
    log(seeded, "SEOUL-SEJONG-2023", NOW, status="정상추진")
    detect_at(seeded, NOW)
    _, sejong = _feed(seeded, NOW + HOUR, jurisdiction="sejong")
    _, daejeon = _feed(seeded, NOW + HOUR, jurisdiction="daejeon")
    _, seoul = _feed(seeded, NOW + HOUR, jurisdiction="seoul")
    agreement = "[공식 상태] SEOUL-SEJONG-2023 "
    assert any(e.title.startswith(agreement) for e in sejong)
    assert any(e.title.startswith(agreement) for e in seoul)
    assert not any(e.title.startswith(agreement) for e in daejeon)
    sejong_alerts = [e for e in sejong if ":alert/" in e.id]
    assert sejong_alerts and all("지자체: seoul, sejong" in e.content for e in sejong_alerts)
    assert not any("sejong" in e.content for e in daejeon)
    with seeded() as session, pytest.raises(NotFoundError):
        atom_feed(session, as_of=NOW, tz=SEOUL, lang="ko", jurisdiction="atlantis")


def test_city_feed_covers_its_districts_and_names_them(sqlite_seeded: sessionmaker[Session]) -> None:
    log(sqlite_seeded, "SEOGU-1-1.2024", NOW, executed=Decimal(500))
    detect_at(sqlite_seeded, NOW)
    city_root, city = _feed(sqlite_seeded, NOW + HOUR, jurisdiction="gwangju")
    _, district = _feed(sqlite_seeded, NOW + HOUR, jurisdiction="gwangju-seo")
    assert [e.id for e in city] == [e.id for e in district] and len(city) > 1
    assert any(e.title.startswith("[진행 보고] SEOGU-1-1.2024 ") for e in city)
    assert (
        city_root.findtext(f"{ATOM}title")
        == "공약 이행 모니터 — 상태 변경과 경보 (광주광역시, 광주광역시 서구)"
    )
    assert city_root.findtext(f"{ATOM}id") == "tag:pledge-monitor,2026:feed/gwangju/ko"
    _, daegu = _feed(sqlite_seeded, NOW + HOUR, jurisdiction="daegu")
    assert not any("SEOGU" in e.title for e in daegu)


def test_alert_entries_fire_and_resolve_after_detection(seeded: sessionmaker[Session]) -> None:
    _, undetected = _feed(seeded, NOW, jurisdiction="daegu")
    assert not [e for e in undetected if ":alert/" in e.id]
    detect_at(seeded, NOW)
    _, firing = _feed(seeded, NOW, jurisdiction="daegu")
    overdue = [e for e in firing if e.title == "[경보] 기한 초과: DG-2022-01.done 2022 의제 실행"]
    assert len(overdue) == 1 and overdue[0].updated == NOW and "사유: 기한 2022-12-31" in overdue[0].content
    later = NOW + timedelta(days=1)
    log(seeded, "DG-2022-01.done", later, status="done")
    detect_at(seeded, later)
    _, meanwhile = _feed(seeded, NOW + HOUR, jurisdiction="daegu")
    _, resolved = _feed(seeded, later, jurisdiction="daegu")
    assert overdue[0].id in {e.id for e in meanwhile} and overdue[0].id in {e.id for e in resolved}
    assert not any(e.title.startswith("[해결]") for e in meanwhile)
    cleared = [e for e in resolved if e.title.startswith("[해결] 기한 초과: DG-2022-01.done")]
    assert len(cleared) == 1 and cleared[0].updated == later and ":alert/" in cleared[0].id
    assert resolved[0].id == cleared[0].id  # newest, above the report that caused it


def test_feed_escapes_markup_in_notes_and_links(sqlite_seeded: sessionmaker[Session]) -> None:
    note = '<script>alert("x")</script> R&D 5 < 6'
    url = "https://example.org/doc?a=1&b=<2>"
    log(sqlite_seeded, "DJ-9-3", NOW, status="정상추진", note=note, evidence=[url])
    with sqlite_seeded() as session:
        data = atom_feed(session, as_of=NOW, tz=SEOUL, lang="ko", limit=1)
    assert b"<script>" not in data and b"&lt;script&gt;" in data and b"R&amp;D 5 &lt; 6" in data
    _, entries = _feed(sqlite_seeded, NOW, limit=1)
    assert f"비고: {note}" in entries[0].content and entries[0].related == [url]


def test_feed_is_the_same_for_the_same_data_and_instant(sqlite_seeded: sessionmaker[Session]) -> None:
    detect_at(sqlite_seeded, NOW)
    with sqlite_seeded() as session:
        first = atom_feed(session, as_of=NOW + HOUR, tz=SEOUL, lang="ko")
        second = atom_feed(session, as_of=NOW + HOUR, tz=SEOUL, lang="ko")
    assert first == second


def test_feed_titles_follow_the_language(sqlite_seeded: sessionmaker[Session]) -> None:
    log(sqlite_seeded, "DJ-9-3", NOW, status="정상추진")
    detect_at(sqlite_seeded, NOW)
    ko_root, ko = _feed(sqlite_seeded, NOW, jurisdiction="daejeon")
    en_root, en = _feed(sqlite_seeded, NOW, lang="en", jurisdiction="daejeon")
    assert [e.id for e in ko] == [e.id for e in en]
    assert ko_root.findtext(f"{ATOM}title") == "공약 이행 모니터 — 상태 변경과 경보 (대전광역시)"
    assert (
        en_root.findtext(f"{ATOM}title")
        == "Pledge monitor — status changes and alerts (Daejeon Metropolitan City)"
    )
    assert "[공식 상태] DJ-9-3 청년주택 5,000호 공급: 정상추진" in [e.title for e in ko]
    assert "[Official status] DJ-9-3 청년주택 5,000호 공급: on track" in [e.title for e in en]
    assert any(e.title.startswith("[Alert] stale: ") for e in en)


def test_feed_links_itself_when_given_its_address(sqlite_seeded: sessionmaker[Session]) -> None:
    root, _ = _feed(sqlite_seeded, NOW, base_url="https://watch.example.org/feed.atom", limit=1)
    links = [(link.get("rel"), link.get("href")) for link in root.findall(f"{ATOM}link")]
    assert links == [("self", "https://watch.example.org/feed.atom")]


def test_report_feed_command_prints_the_feed(sqlite_url: str, tmp_path: Path) -> None:
    sessions = sessions_for(migrated_engine(sqlite_url))
    load_shipped_seeds(sessions)
    log(sessions, "SEOUL-SEJONG-2023", NOW, status="정상추진", note="R&D <협의>")
    args = ["report", "feed", "--jurisdiction", "sejong", "--as-of", "2026-11-22T13:00+09:00"]
    printed = run_cli(args, db_url=sqlite_url)
    assert printed.exit_code == 0, printed.output
    root = ET.fromstring(printed.stdout_bytes)
    titles = [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
    assert titles[0] == "[공식 상태] SEOUL-SEJONG-2023 서울시-세종시 업무협약: 정상추진"
    assert str(titles[1]).startswith("[이력 체인 헤드] ") and len(titles) == 2  # the head as of that write
    target = tmp_path / "feeds" / "sejong.atom"
    written = run_cli([*args, "--out", str(target)], db_url=sqlite_url)
    assert written.exit_code == 0 and target.read_bytes() == printed.stdout_bytes


def test_feed_shows_control_characters_in_notes_instead_of_failing(seeded: sessionmaker[Session]) -> None:
    note = "bell\a esc\x1b[2J \u202eevil \x7f"
    log(seeded, "DJ-9-3", NOW, status="정상추진", note=note, evidence=["https://example.org/\x1b"])
    _, ko = _feed(seeded, NOW, limit=1)
    assert "비고: bell␇ esc␛[2J \\u202eevil ␡" in ko[0].content
    assert "\x1b" not in ko[0].content and "\a" not in ko[0].content
    assert ko[0].related == ["https://example.org/␛"]
    _, en = _feed(seeded, NOW, lang="en", limit=1)
    assert "Note: bell␇ esc␛[2J \\u202eevil ␡" in en[0].content and "비고" not in en[0].content
