"""The tamper-evident history: every change is chained, and `monitor verify` names direct edits.

Tampering is done the way an insider would: raw SQL on the database, past the application.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from monitor.alerts.silences import add_silence, remove_silence
from monitor.db import migrate
from monitor.db import models as m
from monitor.db.chain import CHAINED
from monitor.db.engine import make_engine
from monitor.history.verify import Verification, verify
from monitor.telegram import chats
from tests.factories import NOW, load_shipped_seeds, log, run_cli, sessions_for


def _verify(sessions: sessionmaker[Session]) -> Verification:
    with sessions() as session:
        return verify(session)


def _sql(engine: Engine, statement: str, **params: object) -> None:
    with engine.begin() as conn:
        conn.execute(text(statement), params)


def _write_history(sessions: sessionmaker[Session]) -> None:
    """One write of each chained kind: progress, a status, a silence set and lifted, roster in and out."""
    log(sessions, "DJ-9-3.youth-housing", NOW, value=Decimal(1200), evidence=["https://example.org/a"])
    log(sessions, "DJ-9-3", NOW, status="정상추진")
    with sessions.begin() as session:
        silence = add_silence(
            session,
            code_prefix="DJ-9",
            jurisdiction=None,
            until=NOW + timedelta(days=3),
            reason="조정 중",
            by="감시단",
            now=NOW,
        )
        remove_silence(session, silence.id, "감시단", NOW + timedelta(hours=1))
        chats.add_official(session, None, "daejeon", "기획조정실", "admin", NOW)
        chats.remove_official(session, "기획조정실", "admin", NOW + timedelta(hours=2))


@pytest.fixture
def history(seeded: sessionmaker[Session]) -> sessionmaker[Session]:
    _write_history(seeded)
    return seeded


def test_every_change_of_history_is_one_chain_entry_and_the_chain_verifies(
    history: sessionmaker[Session],
) -> None:
    with history() as session:
        rows = sum(session.scalar(select(func.count()).select_from(model)) or 0 for model in CHAINED.values())
        kinds = dict(
            session.execute(select(m.ChainEntry.kind, func.count()).group_by(m.ChainEntry.kind)).all()
        )
    result = _verify(history)
    assert result.intact, result.breaches
    assert kinds == {"insert": rows, "update": 2}  # the lifted silence and the roster removal
    assert result.entries == rows + 2


def test_a_progress_row_edited_in_the_database_is_named(
    history: sessionmaker[Session], engine: Engine
) -> None:
    with history() as session:
        report = session.scalars(select(m.ProgressReport).where(m.ProgressReport.value == 1200)).one()
    _sql(engine, "UPDATE progress_reports SET value = '1500' WHERE id = :id", id=report.id)
    first = _verify(history).breaches[0].message
    assert f"progress_reports row {report.id} was edited directly" in first
    assert "'1200' → '1500'" in first


def test_a_status_row_deleted_in_the_database_is_named(
    history: sessionmaker[Session], engine: Engine
) -> None:
    with history() as session:
        change = session.scalars(select(m.StatusChange).where(m.StatusChange.reporter == "담당관")).one()
    _sql(engine, "DELETE FROM status_changes WHERE id = :id", id=change.id)
    assert f"status_changes row {change.id} was deleted directly" in _verify(history).breaches[0].message


def test_a_deleted_chain_entry_is_named(history: sessionmaker[Session], engine: Engine) -> None:
    _sql(engine, "DELETE FROM history_chain WHERE seq = 3")
    assert _verify(history).breaches[0].message.startswith("entry #3 was deleted: entry #4")


def test_an_edited_chain_entry_is_named(history: sessionmaker[Session], engine: Engine) -> None:
    _sql(
        engine, "UPDATE history_chain SET content = replace(content, '\"as_of\"', '\"as_of \"') WHERE seq = 5"
    )
    assert _verify(history).breaches[0].message.startswith("entry #5 (insert")
    assert "was edited" in _verify(history).breaches[0].message


def test_reordered_chain_entries_are_named(history: sessionmaker[Session], engine: Engine) -> None:
    _sql(engine, "UPDATE history_chain SET seq = -1 WHERE seq = 4")
    _sql(engine, "UPDATE history_chain SET seq = 4 WHERE seq = 5")
    _sql(engine, "UPDATE history_chain SET seq = 5 WHERE seq = -1")
    first = _verify(history).breaches[0].message
    assert first.startswith("entry #4") and "reordered" in first and "belongs after #5" in first


def test_reordered_progress_rows_are_caught(history: sessionmaker[Session], engine: Engine) -> None:
    """Swapping the dates of two reports (rewriting which came first) is an edit of both rows."""
    with history() as session:
        reports = session.scalars(select(m.ProgressReport).order_by(m.ProgressReport.as_of)).all()
    first, second = sorted((reports[0], reports[-1]), key=lambda report: report.id)
    assert first.as_of != second.as_of
    _sql(engine, "UPDATE progress_reports SET as_of = :d WHERE id = :id", d=second.as_of, id=first.id)
    _sql(engine, "UPDATE progress_reports SET as_of = :d WHERE id = :id", d=first.as_of, id=second.id)
    breaches = _verify(history).breaches
    assert [b.message.split(" was ")[0] for b in breaches] == [
        f"progress_reports row {first.id}",
        f"progress_reports row {second.id}",
    ]


def test_a_row_inserted_past_the_chain_is_named(history: sessionmaker[Session], engine: Engine) -> None:
    with history() as session:
        commitment_id = session.scalar(select(m.Commitment.id).where(m.Commitment.code == "DJ-9-3"))
    _sql(
        engine,
        "INSERT INTO status_changes (commitment_id, status, as_of, evidence, reporter, channel, entered_at)"
        " VALUES (:c, 'done', '2026-11-01', '[]', '누군가', 'cli', '2026-11-01 00:00:00')",
        c=commitment_id,
    )
    assert "is not in the chain" in _verify(history).breaches[0].message


def test_cutting_the_end_of_the_chain_is_caught_and_a_published_head_proves_it(
    history: sessionmaker[Session], engine: Engine, db_url: str
) -> None:
    published = run_cli(["verify", "--head"], db_url=db_url).output.strip()
    log(history, "DJ-9-3.youth-housing", NOW, value=Decimal(1300))
    assert run_cli(["verify", "--published", published], db_url=db_url).exit_code == 0
    with history() as session:
        last = session.scalars(select(m.ChainEntry).order_by(m.ChainEntry.seq.desc()).limit(1)).one()
    # An insider removes the last report, its entry, and even rewinds the recorded head …
    _sql(engine, "DELETE FROM progress_reports WHERE id = :id", id=last.ref_id)
    _sql(engine, "DELETE FROM history_chain WHERE seq = :seq", seq=last.seq)
    assert "deleted from the end of the chain" in _verify(history).breaches[0].message
    _sql(engine, "UPDATE meta SET value = :v WHERE key = 'history.head'", v=published)
    assert _verify(history).intact
    # … which a published head cannot hide when the history before it was touched:
    _sql(engine, "DELETE FROM history_chain WHERE seq = :seq", seq=last.seq - 1)
    result = run_cli(["verify", "--published", published], db_url=db_url)
    assert result.exit_code == 4
    seq = published.partition(":")[0]
    assert re.fullmatch(
        rf"오류: 공표된 헤드 {published}: 항목 #{seq}(이|가) 없습니다 \(체인이 그보다 앞에서 끝남\): "
        "그때까지의 이력이 잘렸거나 다시 쓰였습니다",
        result.stderr.splitlines()[-1],
    ), result.output


def test_verify_exits_zero_when_intact_and_four_with_the_first_breach(
    history: sessionmaker[Session], engine: Engine, db_url: str
) -> None:
    intact = run_cli(["--lang", "en", "verify"], db_url=db_url)
    assert intact.exit_code == 0 and intact.output.startswith("history intact:")
    _sql(engine, "UPDATE officials SET jurisdiction = 'seoul'")
    broken = run_cli(["--lang", "en", "verify"], db_url=db_url)
    assert broken.exit_code == 4
    assert broken.stderr.splitlines()[0].startswith("first breach: officials row 1 was edited directly")
    assert broken.stderr.splitlines()[-1] == (
        "error: 1 breach(es) of the history chain; run without --head for details"
    )


def test_verify_names_the_breach_in_korean_by_default(
    history: sessionmaker[Session], engine: Engine, db_url: str
) -> None:
    _sql(engine, "UPDATE officials SET jurisdiction = 'seoul'")
    broken = run_cli(["verify"], db_url=db_url)
    assert broken.exit_code == 4
    lines = broken.stderr.splitlines()
    assert re.fullmatch(
        r"첫 위반: 담당 공무원 명단\(officials\) 1번 행이 직접 수정되었습니다 "
        r"\(jurisdiction: 'daejeon' → 'seoul'(, [a-z_]+: .+)?; 항목 #\d+\)",
        lines[0],
    ), lines
    assert lines[-1] == "오류: 이력 체인 위반 1건 — 자세한 내용은 --head 없이 실행해 보세요"
    assert not any(word in broken.stderr for word in ("breach", "row", "entry", "edited"))


@pytest.mark.parametrize(
    ("statement", "korean", "english"),
    [
        (
            "DELETE FROM history_chain WHERE seq = 3",
            "항목 #3이 삭제되었습니다: #2 다음이 항목 #4(",
            "entry #3 was deleted: entry #4 (",
        ),
        (
            "UPDATE history_chain SET content = replace(content, '\"as_of\"', '\"as_of \"') WHERE seq = 5",
            "항목 #5(추가: ",
            "entry #5 (insert ",
        ),
    ],
)
def test_a_breach_of_the_chain_itself_is_told_in_both_languages(
    history: sessionmaker[Session], engine: Engine, statement: str, korean: str, english: str
) -> None:
    _sql(engine, statement)
    first = _verify(history).breaches[0]
    assert first.text("ko").startswith(korean) and first.text("en").startswith(english)
    assert first.text("en") == first.message and not re.search("[가-힣]", first.message)
    assert not re.search(r"\b(entry|was|deleted|edited)\b", first.text("ko"))


def test_every_breach_of_verify_json_carries_both_languages(
    history: sessionmaker[Session], engine: Engine, db_url: str
) -> None:
    _sql(engine, "DELETE FROM history_chain WHERE seq = 3")
    result = run_cli(["verify", "--json"], db_url=db_url)
    assert result.exit_code == 4
    breach = json.loads(result.stdout)["breaches"][0]
    assert breach["message"] == breach["message_ko"] and breach["message_ko"].startswith(
        "항목 #3이 삭제되었습니다"
    )
    assert breach["message_en"].startswith("entry #3 was deleted")
    english = json.loads(run_cli(["--lang", "en", "verify", "--json"], db_url=db_url).stdout)
    assert english["breaches"][0]["message"] == breach["message_en"]


def test_a_published_head_is_found_or_missed_in_korean(
    history: sessionmaker[Session], engine: Engine, db_url: str
) -> None:
    published = run_cli(["verify", "--head"], db_url=db_url).output.strip()
    seq = published.partition(":")[0]
    found = run_cli(["verify", "--published", published], db_url=db_url)
    assert found.exit_code == 0
    assert found.stderr.splitlines() == [f"공표된 헤드는 항목 #{seq}에 있습니다. 그 뒤로 항목 0개"]
    english = run_cli(["--lang", "en", "verify", "--published", published], db_url=db_url)
    assert english.stderr.splitlines() == [f"published head found at entry #{seq}; 0 entries since"]
    missing = run_cli(["verify", "--published", "abc"], db_url=db_url)
    assert missing.exit_code == 4
    assert missing.stderr.splitlines()[-1] == (
        "오류: 공표된 헤드 abc가 체인에 없습니다: 그때까지의 이력이 다시 쓰였습니다"
    )
    missing_en = run_cli(["--lang", "en", "verify", "--published", "abc"], db_url=db_url)
    assert missing_en.exit_code == 4
    assert missing_en.stderr.splitlines()[-1] == (
        "error: published head abc is not in the chain: history up to it was rewritten"
    )


def test_upgrading_a_database_chains_the_history_it_already_had(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine, "0003")
        with engine.begin() as conn:  # a history row written before the chain existed
            conn.execute(
                text(
                    "INSERT INTO jurisdictions (slug, name_ko, name_en, level) VALUES ('x', 'x', 'x', 'city')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO access_attempts (at, telegram_user_id, chat_id, command, detail, allowed, reason)"
                    " VALUES ('2026-11-01 00:00:00', 7, 7, 'log', 'X-1 3', false, 'not on the officials roster')"
                )
            )
        migrate.upgrade(engine)
        sessions = sessions_for(engine)
        load_shipped_seeds(sessions)
        result = _verify(sessions)
        assert result.intact, result.breaches
        assert result.entries > 1
    finally:
        engine.dispose()


# Each stored field of an entry, and an edit of it an insider might make.
EDITS: dict[str, Callable[[m.ChainEntry], object]] = {
    "seq": lambda entry: entry.seq + 1000,
    "kind": lambda entry: "update",
    "ref_table": lambda entry: "status_changes",
    "ref_id": lambda entry: entry.ref_id + 1,
    "content": lambda entry: entry.content.replace('"value":"1200"', '"value":"1500"'),
    "entered_at": lambda entry: entry.entered_at + timedelta(seconds=1),
    "prev_hash": lambda entry: "0" * 64,
    "hash": lambda entry: "f" * 64,
}


def test_the_edits_cover_every_stored_field_of_a_chain_entry() -> None:
    """`mac` is checked only with the chain key: its edits are in tests/test_tamper.py."""
    assert sorted([*EDITS, "mac"]) == sorted(column.name for column in m.ChainEntry.__table__.columns)


@pytest.mark.parametrize("column", EDITS)
def test_an_edit_of_any_stored_field_of_a_chain_entry_is_named(
    history: sessionmaker[Session], engine: Engine, column: str
) -> None:
    """The hash covers what an entry stores (its time included); its place is held by sequence and link."""
    with history() as session:
        report = session.scalars(select(m.ProgressReport).where(m.ProgressReport.value == 1200)).one()
        entry = session.scalars(
            select(m.ChainEntry).where(
                m.ChainEntry.ref_table == "progress_reports", m.ChainEntry.ref_id == report.id
            )
        ).one()
    with engine.begin() as conn:
        changed = EDITS[column](entry)
        conn.execute(update(m.ChainEntry).where(m.ChainEntry.seq == entry.seq).values({column: changed}))
    breaches = _verify(history).breaches
    assert breaches, f"an edit of {column} went unnoticed"
    assert re.search(rf"entr(y|ies) #{entry.seq}\b", breaches[0].message), breaches[0].message
