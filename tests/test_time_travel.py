"""`monitor check --as-of` and `monitor replay` over the seeds."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import enrol, run_cli


@pytest.fixture
def initialised(sqlite_url: str) -> str:
    assert run_cli(["init"], db_url=sqlite_url).exit_code == 0
    return sqlite_url


def _check(db_url: str, *args: str) -> list[dict[str, object]]:
    result = run_cli(["--lang", "en", "check", "--format", "json", *args], db_url=db_url)
    assert result.exit_code == 0, result.output
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


def test_check_json_carries_the_documented_fields(initialised: str) -> None:
    rows = _check(initialised, "--as-of", "2026-11-22T12:00")
    assert {"code", "jurisdiction", "rule", "state", "since", "due", "reason"} <= set(rows[0])
    assert len(rows) == 246
    signing = next(r for r in rows if r["code"] == "SEOUL-SEJONG-2023.signing")
    assert (signing["rule"], signing["state"], signing["since"]) == (
        "event",
        "unconfirmed",
        "2023-04-11T11:40:00+09:00",
    )
    assert signing["reason"] == "ended 2023-04-10 11:40, not confirmed as held (1322 days)"


def test_check_as_of_the_day_before_and_after_a_grace_boundary(initialised: str) -> None:
    before = _check(initialised, "--as-of", "2023-01-07T23:59", "--jurisdiction", "daegu")
    after = _check(initialised, "--as-of", "2023-01-08T00:00", "--jurisdiction", "daegu")
    assert not [r for r in before if r["rule"] == "overdue"]
    overdue = [r for r in after if r["rule"] == "overdue"]
    assert len(overdue) == 14 and overdue[0]["since"] == "2023-01-08T00:00:00+09:00"


def test_check_as_of_ignores_progress_entered_later(initialised: str) -> None:
    enrol(initialised, "대구시", "daegu")
    done = run_cli(
        ["progress", "log", "DG-2022-01.done", "--status", "done", "--by", "대구시"], db_url=initialised
    )
    assert done.exit_code == 0
    now = (datetime.now(UTC) + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    later = [r["code"] for r in _check(initialised, "--jurisdiction", "daegu")]
    past = [r["code"] for r in _check(initialised, "--as-of", "2026-01-01", "--jurisdiction", "daegu")]
    assert "DG-2022-01.done" in past and "DG-2022-01.done" in later  # achieved now, overdue then
    states = {r["code"]: r["state"] for r in _check(initialised, "--as-of", now, "--jurisdiction", "daegu")}
    assert states["DG-2022-01.done"] == "achieved"


def test_check_table_and_unknown_jurisdiction(initialised: str) -> None:
    table = run_cli(
        ["check", "--as-of", "2026-11-22", "--jurisdiction", "sejong"],
        db_url=initialised,
        env={"COLUMNS": "200"},
    )
    assert (
        table.exit_code == 0 and "SEOUL-SEJONG-2023.signing" in table.stdout and "개최 미확인" in table.stdout
    )
    assert "SEOUL-DAEJEON" not in table.stdout
    bad = run_cli(["--lang", "en", "check", "--jurisdiction", "mars"], db_url=initialised)
    assert bad.exit_code == 1 and bad.stderr.startswith("error: unknown jurisdiction 'mars'")
    worse = run_cli(["--lang", "en", "check", "--as-of", "yesterday"], db_url=initialised)
    assert worse.exit_code == 2 and "not an ISO 8601" in worse.stderr


def test_replay_sends_lead_times_then_overdue_then_weekly_repeats(initialised: str) -> None:
    result = run_cli(
        [
            "--lang",
            "en",
            "replay",
            "--from",
            "2022-12-20",
            "--to",
            "2023-01-25",
            "--jurisdiction",
            "daegu",
            "--format",
            "json",
        ],
        db_url=initialised,
    )
    assert result.exit_code == 0, result.output
    messages = json.loads(result.stdout)
    agenda = [
        (m["at"][:10], n["event"], n["rule"], n["stage"])
        for m in messages
        for n in m["notifications"]
        if n["code"] == "DG-2022-01.done"
    ]
    assert agenda == [
        ("2022-12-20", "firing", "due_soon", "30d"),
        ("2022-12-25", "escalated", "due_soon", "7d"),
        ("2022-12-31", "escalated", "due_soon", "1d"),
        ("2023-01-08", "firing", "overdue", None),
        ("2023-01-15", "repeat", "overdue", None),
        ("2023-01-22", "repeat", "overdue", None),
    ]
    stale = [
        (m["at"][:10], n["event"], n["reason"][:17])
        for m in messages
        for n in m["notifications"]
        if n["code"] == "DG-2022-01"
    ]
    assert stale[-1] == ("2023-01-01", "resolved", "the period ended ")
    assert all(len({n["code"] for n in m["notifications"]}) == len(m["notifications"]) for m in messages)


def test_replay_table_summary_and_bad_step(initialised: str) -> None:
    result = run_cli(
        ["replay", "--from", "2023-01-07", "--to", "2023-01-09", "--jurisdiction", "daegu"],
        db_url=initialised,
    )
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "2023-01-08 00:00 대구광역시 — 알림 14건"
    assert result.stdout.strip().endswith("메시지 1건, 알림 14건")
    bad = run_cli(
        ["--lang", "en", "replay", "--from", "2023-01-07", "--to", "2023-01-09", "--step", "often"],
        db_url=initialised,
    )
    assert bad.exit_code == 2 and bad.stderr.startswith("error: --step:")
