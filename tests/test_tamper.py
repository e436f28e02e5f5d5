"""Forged history: entries appended with a recomputed hash, a rewritten chain, and the keyed MAC.

The attacker here has the database (raw SQL, and the chain's format — it is public), not the monitor's
chain key and not a head someone kept. Each forgery is made the way such an attacker would: change the
rows, then append (or rewrite) entries with valid hashes and fix the stored head.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from monitor.db import models as m
from monitor.db.chain import Change, append, row_values, use_key
from monitor.history.verify import verify
from tests.factories import NOW, log, run_cli
from tests.test_history_chain import _write_history

KEY = b"k" * 32


@pytest.fixture
def history(seeded: sessionmaker[Session]) -> sessionmaker[Session]:
    """One row of every chained table at least: the shared history, a target revision (a seed reload
    writes those) and a refused write (as the write check records it)."""
    _write_history(seeded)
    with seeded.begin() as session:
        milestone = session.scalars(
            select(m.Milestone).where(m.Milestone.code == "DJ-9-3.youth-housing")
        ).one()
        changes = {"target_value": ["5000", "6000"]}
        session.add(
            m.MilestoneRevision(milestone=milestone, changed_at=NOW, changes=changes, seed_file="x.yaml")
        )
        session.add(
            m.AccessAttempt(
                at=NOW,
                channel="cli",
                actor="외부인",
                command="log",
                detail="DJ-9-3 1",
                allowed=False,
                reason="not on the officials roster",
            )
        )
    return seeded


def _forge(engine: Engine, kind: str, table: str, values: dict[str, Any]) -> None:
    """Append an entry with a valid hash and move the recorded head to it, as an insider can."""
    with engine.begin() as conn:
        append(conn, [Change(kind, table, values)])


def _row(sessions: sessionmaker[Session], model: type[Any], **where: Any) -> dict[str, Any]:
    with sessions() as session:
        obj = session.scalars(select(model).filter_by(**where)).first()
        assert obj is not None
        return row_values(obj)


def _first(sessions: sessionmaker[Session], key: bytes | None = None) -> tuple[str, str]:
    with sessions() as session:
        breaches = verify(session, key).breaches
    assert breaches, "the forgery went unnoticed"
    return breaches[0].text("en"), breaches[0].text("ko")


def test_an_edited_report_with_a_matching_update_entry_is_refused(
    history: sessionmaker[Session], engine: Engine, db_url: str
) -> None:
    report = _row(history, m.ProgressReport, value=Decimal(1200))
    published = run_cli(["verify", "--head"], db_url=db_url).output.strip()
    with engine.begin() as conn:
        conn.execute(text("UPDATE progress_reports SET value = '9999' WHERE id = :id"), {"id": report["id"]})
    _forge(engine, "update", "progress_reports", report | {"value": Decimal(9999)})
    en, ko = _first(history)
    assert re.fullmatch(
        rf"entry #\d+ \(update progress_reports {report['id']}\): progress_reports is append-only, the "
        "monitor never updates its rows: a forged entry",
        en,
    ), en
    assert "추가만 되는 테이블입니다 (모니터는 행을 변경하지 않음): 위조된 항목입니다" in ko
    assert "(" not in ko.split("progress_reports")[-1].split("추가")[0]  # no leftover 은(는)
    for lang in ([], ["--lang", "en"]):
        result = run_cli([*lang, "verify", "--published", published], db_url=db_url)
        assert result.exit_code == 4, result.output


def test_a_deleted_report_with_a_delete_entry_is_refused(
    history: sessionmaker[Session], engine: Engine, db_url: str
) -> None:
    report = _row(history, m.ProgressReport, value=Decimal(1200))
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM progress_reports WHERE id = :id"), {"id": report["id"]})
    _forge(engine, "delete", "progress_reports", report)
    en, ko = _first(history)
    assert en.endswith(f"(delete progress_reports {report['id']}): the monitor never deletes "
                       "progress_reports rows: a forged entry")  # fmt: skip
    assert ko.endswith(f"(삭제: progress_reports {report['id']}): 모니터는 progress_reports 행을 삭제하지 "
                       "않습니다: 위조된 항목입니다")  # fmt: skip
    result = run_cli(["verify"], db_url=db_url)
    assert result.exit_code == 4
    assert result.stderr.startswith("첫 위반: 항목 #") and "위조된 항목입니다" in result.stderr
    assert "forged" not in result.stderr


@pytest.mark.parametrize(
    ("table", "model"),
    [
        ("status_changes", m.StatusChange),
        ("milestone_revisions", m.MilestoneRevision),
        ("access_attempts", m.AccessAttempt),
        ("pledgers", m.Pledger),
        ("silences", m.Silence),
        ("officials", m.Official),
    ],
)
def test_every_kind_of_forged_entry_of_every_table_is_refused(
    history: sessionmaker[Session], engine: Engine, table: str, model: type[Any]
) -> None:
    """Deletes never happen; updates only of the columns the monitor changes; a row is inserted once;
    no other kind exists. Each forgery is checked alone, in a transaction rolled back afterwards."""
    with history() as session:
        obj = session.scalars(select(model).order_by(model.id)).first()
        assert obj is not None, f"the history fixture has no {table} row"
        values = row_values(obj)
    # An update of a column the monitor never changes (a silence's reason, a pledger's key …).
    column = {"pledgers": "key", "silences": "reason", "officials": "jurisdiction"}.get(table, "id")
    for kind in ("delete", "update", "insert", "rename"):
        forged = values | ({column: "forged"} if kind == "update" and column != "id" else {})
        with engine.connect() as conn:
            forgery = conn.begin()
            append(conn, [Change(kind, table, forged)])
            with Session(bind=conn) as session:
                messages = [breach.message for breach in verify(session).breaches]
            forgery.rollback()
        assert any("a forged entry" in message for message in messages), (kind, messages)
    with history() as session:
        assert verify(session).intact  # every forgery was rolled back: the checks above stood alone


def test_a_roster_removal_reverted_by_a_forged_update_is_refused(
    history: sessionmaker[Session], engine: Engine
) -> None:
    """Re-opening a removed official would give back their write rights: the monitor ends a row once."""
    official = _row(history, m.Official, name="기획조정실")
    assert official["removed_at"] is not None
    with engine.begin() as conn:
        conn.execute(text("UPDATE officials SET removed_at = NULL, removed_by = NULL"))
    _forge(engine, "update", "officials", official | {"removed_at": None, "removed_by": None})
    en, ko = _first(history)
    assert en.endswith("reopens or re-ends a row the monitor ends only once: a forged entry")
    assert ko.endswith("한 번만 끝나는 행을 되살리거나 다시 끝냅니다: 위조된 항목입니다")


def test_the_monitors_own_updates_pass(history: sessionmaker[Session], db_url: str) -> None:
    """Ending a silence, removing an official and recording an outcome are what the monitor does."""
    assert run_cli(["verify"], db_url=db_url).exit_code == 0


def test_an_entry_naming_an_unchained_table_is_refused(
    history: sessionmaker[Session], engine: Engine
) -> None:
    _forge(engine, "insert", "history_chain", {"id": 1, "at": NOW})
    en, ko = _first(history)
    assert en.endswith("names a table the chain never records: a forged entry")
    assert ko.endswith("체인이 기록하지 않는 테이블을 가리킵니다: 위조된 항목입니다")


def _rewrite_chain(engine: Engine) -> None:
    """Rewrite the whole chain from scratch over edited rows: every hash and the head are valid."""
    with engine.begin() as conn:
        conn.execute(text("UPDATE progress_reports SET value = '7777' WHERE value = '1200'"))
        conn.execute(text("DELETE FROM history_chain"))
        conn.execute(text("DELETE FROM meta WHERE key = 'history.head'"))
        from monitor.history.chain import adopt

        adopt(conn)


def test_a_rewritten_chain_passes_plain_verify_but_not_a_published_head(
    history: sessionmaker[Session], engine: Engine, db_url: str
) -> None:
    published = run_cli(["verify", "--head"], db_url=db_url).output.strip()
    seq = published.partition(":")[0]
    _rewrite_chain(engine)
    assert run_cli(["verify"], db_url=db_url).exit_code == 0  # nothing inside the database can tell
    result = run_cli(["verify", "--published", published], db_url=db_url)
    assert result.exit_code == 4
    line = result.stderr.splitlines()[-1]
    assert re.fullmatch(
        rf"오류: 공표된 헤드 {published}: 항목 #{seq}(의 해시가 지금은 [0-9a-f]{{64}}(으로|로) 공표된 것과 "
        "다릅니다: |(이|가) 없습니다 \\(체인이 그보다 앞에서 끝남\\): )그때까지의 이력이 (잘렸거나 )?다시 쓰였습니다",
        line,
    ), line
    english = run_cli(["--lang", "en", "verify", "--published", published], db_url=db_url)
    assert re.fullmatch(
        rf"error: published head {published}: (entry #{seq} now has hash [0-9a-f]{{64}}, not the published "
        rf"one|there is no entry #{seq} any more \(the chain ends at an earlier entry\)): history up to it "
        "was (cut or )?rewritten",
        english.stderr.splitlines()[-1],
    )


def test_the_seq_of_a_published_head_is_checked(history: sessionmaker[Session], db_url: str) -> None:
    """A hash that is in the chain, but at another place than published, is not that head."""
    seq, _, digest = run_cli(["verify", "--head"], db_url=db_url).output.strip().partition(":")
    wrong = f"{int(seq) - 1}:{digest}"
    result = run_cli(["--lang", "en", "verify", "--published", wrong], db_url=db_url)
    assert result.exit_code == 4
    assert f"published head {wrong}: entry #{int(seq) - 1} now has hash" in result.stderr
    malformed = run_cli(["verify", "--published", "x:abc"], db_url=db_url)
    assert malformed.exit_code != 0 and "SEQ:HASH" in malformed.stderr


@pytest.fixture
def keyed(engine: Engine) -> Iterator[None]:
    use_key(engine, KEY)
    yield
    use_key(engine, None)


def test_with_the_key_entries_carry_a_mac_and_older_ones_count_as_unkeyed(
    history: sessionmaker[Session], engine: Engine, keyed: None, db_url: str
) -> None:
    with history() as session:
        before = verify(session, KEY)
    assert before.intact and before.keyed == 0 and before.unkeyed == before.entries
    log(history, "DJ-9-3.youth-housing", NOW + timedelta(days=1), value=Decimal(1300))
    with history() as session:
        after = verify(session, KEY)
    assert after.intact, after.breaches
    assert (after.keyed, after.unkeyed) == (1, before.entries)
    result = run_cli(["verify"], db_url=db_url, env={"MONITOR_CHAIN_KEY": KEY.decode()})
    assert result.exit_code == 0
    assert result.output.strip().endswith(f"; 키로 확인 1개, 키 설정 전 항목 {before.entries}개")
    english = run_cli(["--lang", "en", "verify"], db_url=db_url, env={"MONITOR_CHAIN_KEY": KEY.decode()})
    assert english.output.strip().endswith(
        f"; 1 confirmed by the chain key, {before.entries} written before it was set"
    )


def test_without_the_key_a_forged_entry_cannot_carry_a_valid_mac(
    history: sessionmaker[Session], engine: Engine, keyed: None
) -> None:
    log(history, "DJ-9-3.youth-housing", NOW + timedelta(days=1), value=Decimal(1300))
    status = _row(history, m.StatusChange, reporter="담당관")
    use_key(engine, None)  # the attacker has the database, not the key
    _forge(engine, "insert", "status_changes", status | {"id": status["id"] + 1000})
    with history() as session:
        found = [b for b in verify(session, KEY).breaches if "MAC" in b.message]
    en, ko = found[0].message, found[0].text("ko")
    assert re.fullmatch(
        r"entry #\d+ has no MAC although entries are keyed since #\d+: written without the chain key "
        r"\(forged, or by a monitor not configured with it\)",
        en,
    ), en
    assert "체인 키 없이 쓰였습니다" in ko
    use_key(engine, b"another key of 32 bytes........")
    _forge(engine, "insert", "status_changes", status | {"id": status["id"] + 1001})
    with history() as session:
        messages = [breach.message for breach in verify(session, KEY).breaches]
    assert any("carries a MAC the chain key does not confirm" in message for message in messages)


def test_an_edited_mac_is_named_with_the_key(
    history: sessionmaker[Session], engine: Engine, keyed: None
) -> None:
    log(history, "DJ-9-3.youth-housing", NOW + timedelta(days=1), value=Decimal(1300))
    with engine.begin() as conn:
        conn.execute(text("UPDATE history_chain SET mac = :mac WHERE mac IS NOT NULL"), {"mac": "f" * 64})
    en, ko = _first(history, KEY)
    assert en.endswith("carries a MAC the chain key does not confirm: forged, or written with another key")
    assert ko.endswith("MAC이 체인 키로 확인되지 않습니다: 위조되었거나 다른 키로 쓰였습니다")


def test_the_chain_key_is_never_stored_in_the_database(
    history: sessionmaker[Session], engine: Engine, keyed: None
) -> None:
    log(history, "DJ-9-3.youth-housing", NOW + timedelta(days=1), value=Decimal(1300))
    with engine.connect() as conn:
        for table in ("history_chain", "meta"):
            dump = " ".join(str(row) for row in conn.execute(text(f"SELECT * FROM {table}")))
            assert KEY.decode() not in dump


def test_the_published_head_is_the_last_entry_and_says_whether_it_is_keyed(
    history: sessionmaker[Session], engine: Engine, keyed: None, db_url: str
) -> None:
    from monitor.history.publish import current_head

    with history() as session:
        before = current_head(session)
    assert before.text == run_cli(["verify", "--head"], db_url=db_url).output.strip()
    assert not before.keyed
    log(history, "DJ-9-3.youth-housing", NOW + timedelta(days=1), value=Decimal(1300))
    with history() as session:
        after = current_head(session)
    assert after.seq == before.seq + 1 and after.keyed and after.at is not None


def test_the_cli_macs_what_it_writes_when_the_chain_key_is_set(db_url: str) -> None:
    """The key comes from settings (MONITOR_CHAIN_KEY) and reaches every write of the command line and the
    daemon (`AppContext.sessions`); it never appears in their output."""
    keyed = {"MONITOR_CHAIN_KEY": KEY.decode()}
    assert run_cli(["init"], db_url=db_url).exit_code == 0
    added = run_cli(
        ["officials", "add", "--name", "담당", "--jurisdiction", "daejeon"], db_url=db_url, env=keyed
    )
    logged = run_cli(
        ["progress", "log", "DJ-9-3.youth-housing", "--value", "1300", "--by", "담당"],
        db_url=db_url,
        env=keyed,
    )
    assert added.exit_code == logged.exit_code == 0, logged.output
    result = run_cli(["--lang", "en", "verify"], db_url=db_url, env=keyed)
    assert result.exit_code == 0 and "; 2 confirmed by the chain key" in result.output, result.output
    assert KEY.decode() not in added.output + logged.output + result.output
    unkeyed = run_cli(["officials", "add", "--name", "다른", "--jurisdiction", "daejeon"], db_url=db_url)
    assert unkeyed.exit_code == 0
    caught = run_cli(["--lang", "en", "verify"], db_url=db_url, env=keyed)
    assert caught.exit_code != 0 and "has no MAC although entries are keyed" in caught.output + caught.stderr
