"""Whose promise: the seeds name who made each document's commitments; a pending candidate's stale and
overdue states name the candidate (or stay quiet); an elected candidate's become the officeholder's from
the term start; a lost candidate's are never alerted on — in the oracle, the snapshot and the detection
pass alike, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from monitor import snapshot
from monitor.db import models as m
from monitor.db.engine import make_engine
from monitor.evaluation.run import evaluate
from monitor.rules import Evaluation, Rule, RuleConfig
from monitor.rules.facts import Outcome, PledgerRecord, PledgerRole, pledge_at
from tests.factories import SEOUL, copy_seeds, load_shipped_seeds, rule_config, run_cli

STALE_AT = datetime(2026, 12, 1, 12, tzinfo=SEOUL)  # 153 days into 민선9기: the Daejeon pledges are stale
OVERDUE_AT = datetime(2031, 1, 1, 12, tzinfo=SEOUL)  # after the term: its targets are overdue


def _evaluations(sessions: sessionmaker[Session], config: RuleConfig, now: datetime) -> list[Evaluation]:
    """Every state at `now`, after checking the three passes agree."""
    with sessions() as session:
        oracle = evaluate(session, config, now).evaluations
        full = snapshot.build(session, config, now, snapshot.EVERYTHING).evaluations
        detected = snapshot.detect_build(session, config, now, snapshot.EVERYTHING).evaluations
    keys = [sorted((e.key, e.reason.ko, e.pledge) for e in found) for found in (oracle, full, detected)]
    assert keys[0] == keys[1] == keys[2]
    return oracle


def _daejeon(found: list[Evaluation], *rules: Rule) -> list[Evaluation]:
    return [e for e in found if e.commitment_code.startswith("DJ-") and e.rule in rules]


def test_the_seeds_name_who_made_each_documents_commitments(sessions: sessionmaker[Session]) -> None:
    load_shipped_seeds(sessions)
    with sessions() as session:
        pledgers = {p.key: p for p in session.scalars(select(m.Pledger))}
        assert {k: (p.name, p.role, p.outcome) for k, p in pledgers.items()} == {
            "heo-taejeong-2026": ("허태정", "candidate", "pending"),
            "kim-ikang-2022": ("김이강", "officeholder", "elected"),
            "oh-sehoon-2022": ("오세훈", "officeholder", "elected"),
            "choi-minho-2022": ("최민호", "officeholder", "elected"),
            "lee-jangwoo-2022": ("이장우", "officeholder", "elected"),
        }
        heo = pledgers["heo-taejeong-2026"]
        assert (heo.office, heo.term, str(heo.term_start), str(heo.election_on)) == (
            "대전광역시장", "민선9기", "2026-07-01", "2026-06-03",
        )  # fmt: skip
        assert heo.source.excerpt(heo.source_line, heo.source_line) == "준비된 시장 허태정"
        assert pledgers["kim-ikang-2022"].office == "광주광역시 서구청장"
        commitments = {c.code: c for c in session.scalars(select(m.Commitment))}
        names = {code: {p.name for p in c.pledgers} for code, c in commitments.items()}
    assert all(names[code] == {"허태정"} for code in names if code.startswith("DJ-"))
    assert all(names[code] == {"김이강"} for code in names if code.startswith("SEOGU-"))
    assert names["SEOUL-SEJONG-2023"] == names["SEOUL-SEJONG-2023-1"] == {"오세훈", "최민호"}
    assert names["SEOUL-DAEJEON-2023"] == {"오세훈", "이장우"}
    assert all(not names[code] for code in names if code.startswith("DG-"))  # the platform's agendas


def test_a_pending_candidates_stale_and_overdue_states_name_the_candidate(
    sessions: sessionmaker[Session],
) -> None:
    load_shipped_seeds(sessions)
    stale = _daejeon(_evaluations(sessions, rule_config(), STALE_AT), Rule.STALE)
    overdue = _daejeon(_evaluations(sessions, rule_config(), OVERDUE_AT), Rule.OVERDUE)
    assert stale and overdue
    for e in stale + overdue:
        assert e.reason.ko.startswith("후보 허태정의 공약 — "), e.reason.ko
        assert e.reason.en.startswith("candidate 허태정's pledge — "), e.reason.en
        assert e.pledger_role is PledgerRole.CANDIDATE
    seogu = [e for e in _evaluations(sessions, rule_config(), OVERDUE_AT) if e.jurisdiction == "gwangju-seo"]
    assert seogu and all(
        e.pledger_role is PledgerRole.OFFICEHOLDER and "후보" not in e.reason.ko for e in seogu
    )


def test_quiet_leaves_out_a_pending_candidates_stale_and_overdue_states(
    sessions: sessionmaker[Session],
) -> None:
    load_shipped_seeds(sessions)
    quiet = rule_config(candidate_alerts="quiet")
    assert not _daejeon(_evaluations(sessions, quiet, STALE_AT), Rule.STALE)
    assert not _daejeon(_evaluations(sessions, quiet, OVERDUE_AT), Rule.OVERDUE)
    soon = _daejeon(_evaluations(sessions, quiet, datetime(2030, 6, 1, tzinfo=SEOUL)), Rule.DUE_SOON)
    assert soon and all(e.pledger_role is PledgerRole.CANDIDATE for e in soon)  # the rest still shows


def _early_book(tmp_path: Path, outcome: str = "") -> Path:
    """The shipped seeds with the Daejeon book's period starting 2026-03-01, before the term."""
    seeds = copy_seeds(tmp_path)
    book = seeds / "daejeon-2026-pledges.yaml"
    text = book.read_text(encoding="utf-8").replace(
        "period: {start: 2026-07-01, end: 2030-06-30}", "period: {start: 2026-03-01, end: 2030-06-30}"
    )
    book.write_text(
        text.replace("    election: 2026-06-03\n", f"    election: 2026-06-03\n{outcome}"), "utf-8"
    )
    return seeds


def _stale_dj(sessions: sessionmaker[Session], now: datetime) -> dict[str, Evaluation]:
    return {e.subject: e for e in _daejeon(_evaluations(sessions, rule_config(), now), Rule.STALE)}


@pytest.mark.parametrize("how", ["cli", "seed"])
def test_an_elected_candidates_pledges_are_the_officeholders_from_the_term_start(
    sessions: sessionmaker[Session], db_url: str, tmp_path: Path, how: str
) -> None:
    recorded = "    outcome: elected\n    outcome_on: 2026-06-04\n" if how == "seed" else ""
    load_shipped_seeds(sessions, path=_early_book(tmp_path, recorded))
    august = datetime(2026, 8, 1, tzinfo=SEOUL)  # 153 days after 2026-03-01, 31 after the term start
    if how == "cli":
        before = _stale_dj(sessions, august)  # a candidate's book: its own period, the candidate named
        assert before and all(
            e.reason.ko.startswith("후보 허태정의 공약 — 기간 시작(2026-03-01)") for e in before.values()
        )
        result = run_cli(["pledger", "elect", "heo-taejeong-2026", "--on", "2026-06-04"], db_url=db_url)
        assert result.exit_code == 0, result.output
        assert "허태정" in result.output and "임기 시작(2026-07-01)" in result.output
    assert not _stale_dj(sessions, august)  # the officeholder's from 2026-07-01: not stale yet
    after = _stale_dj(sessions, STALE_AT)
    assert after and all(e.reason.ko.startswith("기간 시작(2026-07-01)") for e in after.values())
    assert all(e.pledger_role is PledgerRole.OFFICEHOLDER for e in after.values())
    with sessions() as session:  # time travel: before the outcome's day, still a candidate's
        early = snapshot.build(
            session, rule_config(), datetime(2026, 6, 3, tzinfo=SEOUL), snapshot.EVERYTHING
        )
        assert early.commitments["DJ-1-1"].pledger_role is PledgerRole.CANDIDATE


def test_losing_silences_the_candidates_pledges_entirely(
    sessions: sessionmaker[Session], db_url: str
) -> None:
    load_shipped_seeds(sessions)
    result = run_cli(["--lang", "en", "pledger", "lose", "heo-taejeong-2026"], db_url=db_url)
    assert result.exit_code == 0, result.output
    assert "lost on 2026-06-03" in result.output  # the election day by default
    for now in (STALE_AT, OVERDUE_AT, datetime(2030, 6, 1, tzinfo=SEOUL)):
        found = _evaluations(sessions, rule_config(), now)
        assert not [e for e in found if e.commitment_code.startswith("DJ-")]
        assert [e for e in found if e.jurisdiction == "gwangju-seo"] or now == STALE_AT
    load_shipped_seeds(sessions, now=datetime(2026, 12, 2, tzinfo=UTC))  # a reload keeps the outcome
    with sessions() as session:
        heo = session.scalars(select(m.Pledger).where(m.Pledger.key == "heo-taejeong-2026")).one()
        assert (heo.outcome, str(heo.outcome_on)) == ("lost", "2026-06-03")


def test_pledger_commands_list_and_refuse_what_cannot_be(
    sessions: sessionmaker[Session], db_url: str
) -> None:
    load_shipped_seeds(sessions)
    table = run_cli(["pledger", "list"], db_url=db_url)
    assert (
        table.exit_code == 0
        and "허태정" in table.output
        and "후보" in table.output
        and "미정" in table.output
    )
    english = run_cli(["--lang", "en", "pledger", "list"], db_url=db_url, env={"COLUMNS": "160"})
    assert "candidate" in english.output and "officeholder" in english.output
    rows: Any = __import__("json").loads(
        run_cli(["pledger", "list", "--format", "json"], db_url=db_url).output
    )
    assert {r["key"]: r["commitments"] for r in rows}["oh-sehoon-2022"] == 16  # both agreements, 7 areas each
    assert run_cli(["pledger", "elect", "kim-ikang-2022"], db_url=db_url).exit_code != 0  # an officeholder
    unknown = run_cli(["--lang", "en", "pledger", "lose", "nobody"], db_url=db_url)
    assert unknown.exit_code != 0 and "no pledger nobody" in unknown.output


def test_whose_promise_follows_the_outcome_and_its_day() -> None:
    day = datetime(2026, 6, 4, tzinfo=UTC)
    elected = PledgerRecord("허태정", PledgerRole.CANDIDATE, Outcome.ELECTED, day)
    sitting = PledgerRecord("이장우", PledgerRole.OFFICEHOLDER, Outcome.ELECTED)
    lost = PledgerRecord("X", PledgerRole.CANDIDATE, Outcome.LOST, day)
    earlier = day - timedelta(seconds=1)
    assert pledge_at([], day) is None
    assert pledge_at([elected], earlier) == pledge_at([elected], earlier)
    assert pledge_at([elected], earlier).candidate  # type: ignore[union-attr]
    assert pledge_at([elected], day).role is PledgerRole.OFFICEHOLDER  # type: ignore[union-attr]
    assert pledge_at([lost], day).lost and not pledge_at([lost], earlier).lost  # type: ignore[union-attr]
    assert pledge_at([lost, sitting], day).role is PledgerRole.OFFICEHOLDER  # type: ignore[union-attr]


def test_views_show_whose_promise_it_is(db_url: str) -> None:
    """show names the pledger; check marks a candidate's pledge in its table and JSON."""
    assert run_cli(["init"], db_url=db_url).exit_code == 0
    shown = run_cli(["show", "DJ-1-1"], db_url=db_url, env={"COLUMNS": "200"}).stdout
    assert "공약 주체: 후보 허태정 (대전광역시장, 민선9기, 2026-06-03 선거: 미정)" in shown
    sitting = run_cli(["show", "SEOGU-1-1"], db_url=db_url, env={"COLUMNS": "200"}).stdout
    assert (
        "공약 주체: 현직 김이강" in sitting and "선거" not in sitting.split("공약 주체", 1)[1].split("\n")[0]
    )
    at = ["--as-of", "2026-12-01T09:00:00+09:00", "--jurisdiction", "daejeon"]
    rows = json.loads(run_cli(["check", "--format", "json", *at], db_url=db_url).stdout)
    stale = next(r for r in rows if r["code"] == "DJ-1-1")
    assert stale["pledge"] == {"role": "candidate", "outcome": "pending", "names": ["허태정"]}
    table = run_cli(["check", *at], db_url=db_url, env={"COLUMNS": "200"}).stdout
    assert "(후보)" in table
    sejong = json.loads(
        run_cli(
            ["check", "--format", "json", "--as-of", "2026-12-01", "--jurisdiction", "sejong"],
            db_url=db_url,
        ).stdout
    )
    assert all(r["pledge"] is None or r["pledge"]["role"] == "officeholder" for r in sejong)


def test_the_status_report_counts_a_candidates_pledges_apart(db_url: str) -> None:
    """Daejeon's 37 pledges are candidate 허태정's until the outcome is recorded; Gwangju Seo-gu's are not."""
    assert run_cli(["init"], db_url=db_url).exit_code == 0
    at = ["--as-of", "2026-12-01T09:00:00+09:00", "--format", "json"]
    daejeon = json.loads(
        run_cli(["report", "status", "--jurisdiction", "daejeon", *at], db_url=db_url).stdout
    )
    total = next(row for row in daejeon["rows"] if row["is_total"])
    assert total["pledges"] == total["candidate_pledges"] > 0
    seogu = json.loads(
        run_cli(["report", "status", "--jurisdiction", "gwangju-seo", *at], db_url=db_url).stdout
    )
    assert all(row["candidate_pledges"] == 0 for row in seogu["rows"])
    markdown = run_cli(
        ["report", "status", "--jurisdiction", "daejeon", "--format", "md"], db_url=db_url
    ).stdout
    assert f"| {total['pledges']} (후보 공약 {total['pledges']}) |" in markdown
    assert (
        run_cli(["pledger", "elect", "heo-taejeong-2026", "--on", "2026-06-04"], db_url=db_url).exit_code == 0
    )
    after = json.loads(run_cli(["report", "status", "--jurisdiction", "daejeon", *at], db_url=db_url).stdout)
    assert next(row for row in after["rows"] if row["is_total"])["candidate_pledges"] == 0
    shown = run_cli(["show", "DJ-1-1"], db_url=db_url, env={"COLUMNS": "200"}).stdout
    assert "공약 주체: 현직 허태정 (대전광역시장, 민선9기, 2026-06-03 선거: 당선)" in shown


def test_every_state_of_a_pending_candidates_pledge_names_the_candidate_once(
    sessions: sessionmaker[Session],
) -> None:
    """Not only stale and overdue: a due-soon notice on a candidate's pledge (a Telegram message, a digest
    line) says whose promise it is too — once."""
    load_shipped_seeds(sessions)
    found = _evaluations(sessions, rule_config(), datetime(2030, 5, 1, 12, tzinfo=SEOUL))
    soon = _daejeon(found, Rule.DUE_SOON)
    assert soon
    for e in _daejeon(found, *Rule):
        assert e.reason.ko.startswith("후보 허태정의 공약 — ") and e.reason.ko.count("후보 허태정") == 1, (
            e.reason.ko
        )


def test_the_card_names_whose_promise_it_was_at_its_instant(db_url: str) -> None:
    """The 공약관리카드 says who made the pledge, and time travels: before the recorded outcome's day the
    candidate's election is still undecided."""
    assert run_cli(["init"], db_url=db_url).exit_code == 0
    elect = run_cli(["pledger", "elect", "heo-taejeong-2026", "--on", "2026-06-04"], db_url=db_url)
    assert elect.exit_code == 0, elect.output
    card = ["report", "card", "DJ-1-1", "--format"]
    before = run_cli([*card, "md", "--as-of", "2026-06-03T12:00+09:00"], db_url=db_url).stdout
    assert "- 공약 주체: 후보 허태정 (대전광역시장, 민선9기, 2026-06-03 선거: 미정)\n" in before
    after = run_cli([*card, "md", "--as-of", "2026-06-04T00:00+09:00"], db_url=db_url).stdout
    assert "- 공약 주체: 현직 허태정 (대전광역시장, 민선9기, 2026-06-03 선거: 당선)\n" in after
    html = run_cli([*card, "html", "--as-of", "2026-12-01"], db_url=db_url).stdout
    assert "<dt>공약 주체</dt><dd>현직 허태정 (대전광역시장, 민선9기, 2026-06-03 선거: 당선)</dd>" in html
    english = run_cli(["--lang", "en", *card, "md", "--as-of", "2026-12-01"], db_url=db_url).stdout
    assert (
        "- Pledged by: officeholder 허태정 (대전광역시장, 민선9기, election 2026-06-03: elected)\n" in english
    )
    sitting = run_cli(["report", "card", "SEOGU-1-1", "--format", "md"], db_url=db_url).stdout
    assert "- 공약 주체: 현직 김이강 (광주광역시 서구청장, 민선8기)\n" in sitting


def test_a_recorded_outcome_is_in_the_hash_chain(db_url: str) -> None:
    """Whose promise it is decides what is alerted: recording an outcome is a chained write, and editing
    it behind the monitor's back is caught by `verify`."""
    assert run_cli(["init"], db_url=db_url).exit_code == 0
    assert run_cli(["pledger", "lose", "heo-taejeong-2026"], db_url=db_url).exit_code == 0
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            last = conn.execute(select(m.ChainEntry).order_by(m.ChainEntry.seq.desc()).limit(1)).one()
            assert (last.kind, last.ref_table) == ("update", "pledgers")
            assert '"outcome":"lost"' in last.content and '"outcome_on":"2026-06-03"' in last.content
        assert run_cli(["verify"], db_url=db_url).exit_code == 0
        with engine.begin() as conn:
            conn.execute(update(m.Pledger).values(outcome="pending"))
    finally:
        engine.dispose()
    forged = run_cli(["--lang", "en", "verify"], db_url=db_url)
    assert forged.exit_code != 0 and "pledgers row" in forged.output and "edited directly" in forged.output
