"""Typed payloads and details keep their JSON: what the outbox, the alert rows and `check --format json`
carried as dicts is what the typed values write and read back, key for key and in the same order."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.alerts.lifecycle import advance
from monitor.alerts.outbox import (
    BudgetRow,
    Chart,
    DigestItem,
    DigestPayload,
    NoticePayload,
    OutboxPayload,
    ReportPayload,
    StatusRow,
    payload_from_json,
)
from monitor.alerts.payload import AlertPayload, Event
from monitor.daemon.digest import enqueue_digest
from monitor.db import models as m
from monitor.db.alerting import pending_entry
from monitor.rules import NO_REPORTS
from monitor.rules.details import (
    AchievedDetails,
    AtRiskDetails,
    BudgetDetails,
    Details,
    DoneBelowTargetDetails,
    LeadDetails,
    NoDetails,
    OverdueDetails,
    OverdueOnTrackDetails,
    StaleDetails,
    UnconfirmedDetails,
    details_from_json,
)
from monitor.rules.milestone import overdue
from monitor.rules.outcome import State
from monitor.telegram.chats import admin_notice
from monitor.vocab import Status
from tests.factories import NOW, RecordingNotifier, deliver, detect_at, lifecycle, rule_config
from tests.rule_factories import CONFIG, milestone

# The keys the outbox rows carried when payloads were dicts, in their order.
ALERT_KEYS = [
    "event", "key", "subject", "subject_type", "commitment_code", "title", "commitment_title", "rule",
    "condition", "stage", "severity", "jurisdiction", "parties", "category", "since", "due", "reason_ko",
    "reason_en", "details", "firing_for_days", "at", "jurisdiction_ko", "jurisdiction_en",
]  # fmt: skip
DIGEST_KEYS = [
    "event", "key", "subject", "condition", "severity", "jurisdiction", "parties", "jurisdiction_ko",
    "jurisdiction_en", "counts", "total", "at", "items", "chart",
]  # fmt: skip
NOTICE_KEYS = [
    "event", "subject", "condition", "severity", "jurisdiction", "jurisdiction_ko", "jurisdiction_en",
    "text_ko", "text_en", "at",
]  # fmt: skip
REPORT_KEYS = [
    "event", "subject", "condition", "severity", "jurisdiction", "report", "format", "send_as", "filename",
    "content_b64", "at",
]  # fmt: skip

DETAILS: list[tuple[Details, list[str]]] = [
    (NoDetails(), []),
    (
        OverdueDetails(31, date(2030, 6, 30), Decimal("5000"), Decimal("1200.50")),
        ["days_overdue", "due_date", "target", "reported"],
    ),
    (OverdueDetails(3, date(2030, 6, 30), None, None), ["days_overdue", "due_date", "target", "reported"]),
    (LeadDetails("30d"), ["lead"]),
    (
        AtRiskDetails(Decimal("1500.0"), Decimal("3500.0"), Decimal("5000"), 3),
        ["projected", "shortfall", "target", "reports"],
    ),
    (AchievedDetails(Decimal("40")), ["reported"]),
    (AchievedDetails(None), ["reported"]),
    (BudgetDetails(Decimal("873.20"), None, "2024"), ["planned", "executed", "fiscal_years"]),
    (BudgetDetails(Decimal("100"), Decimal("12"), "2023~2024"), ["planned", "executed", "fiscal_years"]),
    (UnconfirmedDetails(datetime(2030, 5, 1, 9, tzinfo=UTC)), ["ended"]),
    (StaleDetails(130, 120), ["days_without_report", "limit_days"]),
    (OverdueOnTrackDetails(Status.ON_TRACK, ("DJ-1-1.a", "DJ-1-2.b")), ["status", "overdue"]),
    (DoneBelowTargetDetails(Status.DONE, ("DJ-1-1.a",)), ["status", "below_target"]),
]


def _through_json(data: dict[str, object]) -> dict[str, object]:
    """What a JSON column hands back."""
    loaded: dict[str, object] = json.loads(json.dumps(data))
    return loaded


@pytest.mark.parametrize(("details", "keys"), DETAILS, ids=lambda v: type(v).__name__)
def test_each_details_type_round_trips_through_its_json(details: Details, keys: list[str]) -> None:
    data = details.to_json()
    assert list(data) == keys
    assert details_from_json(_through_json(data)) == details
    assert details_from_json(_through_json(data)).to_json() == data


def test_details_of_no_known_shape_are_refused() -> None:
    with pytest.raises(ValueError, match="match no rule"):
        details_from_json({"days_overdue": 3})
    with pytest.raises(ValueError, match="days_overdue"):
        details_from_json({"days_overdue": "3", "due_date": "2030-06-30", "target": None, "reported": None})


def _alert_payload() -> AlertPayload:
    facts = milestone("completion", date(2030, 6, 30))
    now = facts.due_at + CONFIG.grace + timedelta(days=3)
    _, notification = advance(None, overdue(facts, NO_REPORTS, CONFIG, now), None, now, timedelta(days=7))
    assert notification is not None and notification.event is Event.FIRING
    return notification.payload


def test_alert_payload_round_trips_through_json() -> None:
    payload = _alert_payload()
    data = payload.to_json()
    assert list(data) == ALERT_KEYS[:-2]  # the names are added by the outbox
    assert AlertPayload.from_json(_through_json(data)) == payload
    named = replace(payload, jurisdiction_ko="대전광역시", jurisdiction_en="Daejeon")
    assert list(named.to_json()) == ALERT_KEYS
    assert payload_from_json(_through_json(named.to_json())) == named
    assert isinstance(payload.details, OverdueDetails) and payload.condition is State.OVERDUE


def test_digest_report_and_notice_payloads_round_trip_through_json() -> None:
    item = DigestItem("DJ-1-1.a", "제목", State.OVERDUE, "기한 초과", "overdue")
    status = Chart("status", (StatusRow("경제", {"done": 2, "unreported": 1}),))
    budget = Chart("budget", (BudgetRow("복지", Decimal("873.20"), Decimal("0")),))
    payloads: list[tuple[OutboxPayload, list[str]]] = [
        (
            DigestPayload("digest:weekly", "daejeon", "대전", "Daejeon", {"overdue": 1}, 1, NOW, (item,)),
            DIGEST_KEYS[:-1],
        ),
        (DigestPayload("digest:w", "daejeon", "대전", "Daejeon", {}, 0, NOW, (), status), DIGEST_KEYS),
        (DigestPayload("digest:w", "daejeon", "대전", "Daejeon", {}, 0, NOW, (), budget), DIGEST_KEYS),
        (
            ReportPayload(
                "weekly", "all", "status", "md", "document", "a.md", "본문".encode(), date(2026, 11, 23)
            ),
            REPORT_KEYS,
        ),
        (NoticePayload("알림", "notice", NOW), NOTICE_KEYS),
    ]
    for payload, keys in payloads:
        assert list(payload.to_json()) == keys
        assert payload_from_json(_through_json(payload.to_json())) == payload


def test_stored_outbox_rows_keep_their_json_keys(seeded: sessionmaker[Session]) -> None:
    detect_at(seeded, NOW)
    with seeded.begin() as session:
        config = lifecycle(destinations=("console",))
        enqueue_digest(session, "weekly", NOW, config, {"chart": "budget"}, rule_config())
        admin_notice(session, 42, NOW, "알림", "notice")
    with seeded() as session:
        rows = list(session.scalars(select(m.OutboxEntry).order_by(m.OutboxEntry.id)))
    expected = {"firing": ALERT_KEYS, "digest": DIGEST_KEYS, "notice": NOTICE_KEYS}
    assert {row.event for row in rows} == set(expected)
    for row in rows:
        assert list(row.payload) == expected[row.event], row.dedup_key
        typed = payload_from_json(row.payload)
        assert typed.to_json() == row.payload and typed.event == row.event
    alert = next(payload_from_json(r.payload) for r in rows if r.dedup_key.startswith("DG-2022-01.done:"))
    assert isinstance(alert, AlertPayload) and alert.jurisdiction_ko == "대구광역시"
    assert isinstance(alert.details, OverdueDetails) and alert.details.days_overdue == 1421


def test_a_row_whose_payload_cannot_be_read_fails_without_reaching_a_notifier(
    sessions: sessionmaker[Session],
) -> None:
    good = NoticePayload("알림", "notice", NOW)
    with sessions.begin() as session:
        session.add(pending_entry("bad@console", "x", "console", "g", good, NOW))
        session.add(pending_entry("good@console", "y", "console", "g", good, NOW))
    with sessions.begin() as session:
        row = session.scalars(select(m.OutboxEntry).where(m.OutboxEntry.dedup_key == "bad@console")).one()
        row.payload = {"event": "firing", "subject": "DJ-1"}
    console = RecordingNotifier("console")
    stats = deliver(sessions, NOW, console)
    assert stats.sent == 1 and [i.dedup_key for b in console.batches for i in b.items] == ["good@console"]
    with sessions() as session:
        bad = session.scalars(select(m.OutboxEntry).where(m.OutboxEntry.dedup_key == "bad@console")).one()
    assert bad.state == "failed" and bad.last_error is not None and "unreadable payload" in bad.last_error
