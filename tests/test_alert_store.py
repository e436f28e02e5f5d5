"""Alerts persisted in the database: grouped first run, restart safety, outbox atomicity, silences,
inhibition, resolution by logged progress, and back-off for items that fail to evaluate."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from monitor.alerts.silences import add_silence, remove_silence
from monitor.alerts.store import apply_pass
from monitor.db import models as m
from monitor.db.engine import make_engine, make_session_factory
from monitor.evaluation.run import evaluate
from monitor.seeds import load_seeds
from monitor.snapshot import assemble as snapshot_build
from tests.factories import (
    SEOUL,
    RecordingNotifier,
    copy_seeds,
    deliver,
    detect_at,
    lifecycle,
    log,
    rule_config,
)

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)


def _count(sessions: sessionmaker[Session], model: Any, *where: Any) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def test_first_run_over_seeds_sends_one_grouped_message_per_jurisdiction(
    seeded: sessionmaker[Session],
) -> None:
    cycle = detect_at(seeded, NOW)
    assert len(cycle.notifications) == 135
    console = RecordingNotifier("console")
    stats = deliver(seeded, NOW, console, RecordingNotifier("file"))
    assert stats.batches == 8 and stats.sent == 270
    assert sorted(b.group_key for b in console.batches) == ["daegu", "daejeon", "gwangju-seo", "seoul"]
    sizes = {b.group_key: len(b.items) for b in console.batches}
    assert sizes == {"daegu": 14, "daejeon": 37, "gwangju-seo": 63, "seoul": 21}


def test_restart_neither_refires_nor_forgets(engine: Any, seeded: sessionmaker[Session], db_url: str) -> None:
    detect_at(seeded, NOW)
    engine.dispose()
    restarted = make_session_factory(make_engine(db_url))
    assert detect_at(restarted, NOW + timedelta(hours=1)).notifications == []
    repeats = detect_at(restarted, NOW + timedelta(days=7)).notifications
    assert Counter(n.event for n in repeats) == {"repeat": 135}
    assert _count(restarted, m.Alert, m.Alert.state == "firing") == 246  # inhibited ones fire silently
    restarted.kw["bind"].dispose()


def test_outbox_rows_share_the_transaction_of_the_state_change(seeded: sessionmaker[Session]) -> None:
    with pytest.raises(RuntimeError), seeded.begin() as session:
        apply_pass(session, evaluate(session, rule_config(), NOW), lifecycle())
        raise RuntimeError("crash before commit")
    assert _count(seeded, m.Alert) == 0 and _count(seeded, m.OutboxEntry) == 0
    detect_at(seeded, NOW)
    with seeded() as session:
        keys = list(session.scalars(select(m.OutboxEntry.dedup_key).order_by(m.OutboxEntry.id)))
    assert len(keys) == len(set(keys)) == 270
    assert "DG-2022-01.done:overdue#1@console" in keys and "DG-2022-01.done:overdue#1@file" in keys


def test_logged_completion_resolves_the_alert_with_a_notice(seeded: sessionmaker[Session]) -> None:
    detect_at(seeded, NOW)
    later = NOW + timedelta(hours=2)
    log(
        seeded,
        "DG-2022-01.done",
        later,
        status="done",
        evidence=["https://example.org/report.pdf"],
        by="대구시",
    )
    [notice] = detect_at(seeded, later + timedelta(minutes=1)).notifications
    assert (notice.alert_key, notice.event, notice.sequence) == ("DG-2022-01.done:overdue", "resolved", 2)
    assert notice.payload.reason_en.startswith("reported as done (was: 1421 days past")


def test_budget_alerts_of_children_are_inhibited_by_the_parent_line(seeded: sessionmaker[Session]) -> None:
    detect_at(seeded, NOW)
    with seeded() as session:
        child = session.scalar(select(m.Alert).where(m.Alert.key == "SEOGU-1-1-1.2024:budget"))
        parent = session.scalar(select(m.Alert).where(m.Alert.key == "SEOGU-1-1.2024:budget"))
    assert child is not None and parent is not None
    assert child.muted_by == "inhibited:SEOGU-1-1.2024:budget" and child.notify_count == 0
    assert parent.muted_by is None and parent.notify_count == 1


def test_silence_mutes_until_removed_then_announces(seeded: sessionmaker[Session]) -> None:
    with seeded.begin() as session:
        silence = add_silence(
            session,
            code_prefix="DG-2022",
            jurisdiction=None,
            until=NOW + timedelta(days=30),
            reason="결과 자료집 발간 대기",
            by="감시단",
            now=NOW,
        )
        silence_id = silence.id
    first = detect_at(seeded, NOW)
    assert not [n for n in first.notifications if n.alert_key.startswith("DG-2022")]
    with seeded.begin() as session:
        remove_silence(session, silence_id, "감시단", NOW + timedelta(days=1))
    again = detect_at(seeded, NOW + timedelta(days=1, minutes=1))
    assert Counter(n.event for n in again.notifications if n.alert_key.startswith("DG-2022")) == {
        "firing": 14
    }


def test_silence_by_jurisdiction_covers_shared_agreements(seeded: sessionmaker[Session]) -> None:
    with seeded.begin() as session:
        add_silence(
            session,
            code_prefix=None,
            jurisdiction="sejong",
            until=NOW + timedelta(days=3),
            reason="휴가",
            by="감시단",
            now=NOW,
        )
    sent = {n.alert_key.split(":")[0] for n in detect_at(seeded, NOW).notifications}
    assert not {code for code in sent if code.startswith("SEOUL-SEJONG")}
    assert "SEOUL-DAEJEON-2023.signing" in sent


def test_failing_item_is_backed_off_and_others_carry_on(
    seeded: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = snapshot_build.states

    def flaky(facts: Any, *args: Any) -> Any:
        if facts.code == "DG-2022-01.done":
            raise ZeroDivisionError("bad data")
        return real(facts, *args)

    # No shipped record fails to evaluate: one is made to, where the snapshot turns a row into states
    monkeypatch.setattr(snapshot_build, "states", flaky)
    cycle = detect_at(seeded, NOW)
    assert cycle.errors == {"DG-2022-01.done": "ZeroDivisionError: bad data"}
    assert len(cycle.notifications) == 134
    with seeded() as session:
        error = session.get(m.EvaluationError, "DG-2022-01.done")
        assert error is not None and error.failures == 1 and error.next_check_at == NOW + timedelta(hours=1)
    detect_at(seeded, NOW + timedelta(minutes=30))  # still backing off: not evaluated, not counted again
    with seeded() as session:
        assert session.get(m.EvaluationError, "DG-2022-01.done").failures == 1  # type: ignore[union-attr]
    detect_at(seeded, NOW + timedelta(hours=1))
    with seeded() as session:
        error = session.get(m.EvaluationError, "DG-2022-01.done")
        assert error is not None and error.failures == 2 and error.next_check_at == NOW + timedelta(hours=3)
    monkeypatch.setattr(snapshot_build, "states", real)
    recovered = detect_at(seeded, NOW + timedelta(hours=3))
    assert [n.alert_key for n in recovered.notifications] == ["DG-2022-01.done:overdue"]
    assert _count(seeded, m.EvaluationError) == 0


def test_alert_on_a_record_removed_from_the_seeds_resolves(
    sessions: sessionmaker[Session], tmp_path: Any
) -> None:
    seeds = copy_seeds(tmp_path)
    load_seeds(sessions, [seeds], SEOUL, NOW)
    detect_at(sessions, NOW)
    path = seeds / "daegu-local-problems.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - code: DG-2022-14\n")
    end = text.index("\nreferences:")
    path.write_text(text[:start] + text[end + 1 :], encoding="utf-8")
    later = NOW + timedelta(hours=1)
    load_seeds(sessions, [seeds], SEOUL, later)
    notices = detect_at(sessions, later).notifications
    assert [(n.alert_key, n.event) for n in notices] == [("DG-2022-14.done:overdue", "resolved")]
    assert notices[0].payload.reason_en.startswith("removed from the registry (was: ")
