"""Subscriptions route each alert to every matching Telegram chat — by jurisdiction (any party of an
agreement), category, code prefix and minimum severity — once per chat however many of its subscriptions
match; a chat's own mute and a disabled chat hold back only that chat."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.alerts.silences import add_silence
from monitor.db import models as m
from monitor.telegram import chats
from tests.factories import NOW, detect_at, run_cli
from tests.telegram_factories import subscribe

WATCHDOG, DAEGU_WATCH, HEALTH, CRITICAL_ONLY, TWICE = -1001, -1002, -1003, 1004, -1005


def rows_by_chat(sessions: sessionmaker[Session]) -> dict[str, list[m.OutboxEntry]]:
    found: dict[str, list[m.OutboxEntry]] = {}
    with sessions() as session:
        for row in session.scalars(select(m.OutboxEntry).order_by(m.OutboxEntry.id)):
            found.setdefault(row.destination, []).append(row)
    return found


def detect_for_telegram(sessions: sessionmaker[Session]) -> dict[str, list[m.OutboxEntry]]:
    detect_at(sessions, NOW, destinations=(), telegram=True)
    return rows_by_chat(sessions)


def test_each_alert_reaches_every_matching_subscription_once_per_chat(seeded: sessionmaker[Session]) -> None:
    subscribe(seeded, WATCHDOG, jurisdiction="daejeon")
    subscribe(seeded, DAEGU_WATCH, code_prefix="DG-2022")
    subscribe(seeded, HEALTH, jurisdiction="daejeon", category="돌봄·의료")
    subscribe(seeded, CRITICAL_ONLY, min_severity="critical")
    subscribe(seeded, TWICE, jurisdiction="daegu")
    subscribe(seeded, TWICE, code_prefix="DG")
    rows = detect_for_telegram(seeded)
    # Daejeon's 37 stale pledges, and the Seoul–Daejeon agreement (Daejeon is a party): its 7 stale
    # areas and its 2 unconfirmed events of the signing day.
    daejeon = rows[f"telegram:{WATCHDOG}"]
    assert Counter(r.group_key for r in daejeon) == {"daejeon": 37, "seoul": 9}
    assert {r.payload["subject"] for r in rows[f"telegram:{DAEGU_WATCH}"]} == {
        f"DG-2022-{n:02d}.done" for n in range(1, 15)
    }
    assert {r.payload["category"] for r in rows[f"telegram:{HEALTH}"]} == {"돌봄·의료"}
    assert len(rows[f"telegram:{HEALTH}"]) == 7
    assert {r.payload["severity"] for r in rows[f"telegram:{CRITICAL_ONLY}"]} == {"critical"}
    assert len(rows[f"telegram:{CRITICAL_ONLY}"]) == 14 + 2
    assert len(rows[f"telegram:{TWICE}"]) == 14  # two matching subscriptions, one copy
    assert len({r.dedup_key for r in rows[f"telegram:{TWICE}"]}) == 14


def test_an_agreement_alert_reaches_watchdogs_of_each_party(seeded: sessionmaker[Session]) -> None:
    subscribe(seeded, WATCHDOG, jurisdiction="seoul")
    subscribe(seeded, DAEGU_WATCH, jurisdiction="daejeon")
    rows = detect_for_telegram(seeded)
    agreement = {r.payload["subject"] for r in rows[f"telegram:{DAEGU_WATCH}"] if r.group_key == "seoul"}
    assert agreement == {f"SEOUL-DAEJEON-2023-{n}" for n in range(1, 8)} | {
        "SEOUL-DAEJEON-2023.signing",
        "SEOUL-DAEJEON-2023.talk",
    }
    assert agreement <= {r.payload["subject"] for r in rows[f"telegram:{WATCHDOG}"]}


def test_a_chat_mute_holds_back_only_that_chat(seeded: sessionmaker[Session]) -> None:
    subscribe(seeded, WATCHDOG, jurisdiction="daegu")
    subscribe(seeded, DAEGU_WATCH, jurisdiction="daegu")
    with seeded.begin() as session:
        add_silence(
            session,
            code_prefix="DG-2022-01",
            jurisdiction=None,
            until=NOW + timedelta(days=7),
            reason="심의 중",
            by="test",
            now=NOW - timedelta(hours=1),
            chat_id=WATCHDOG,
        )
    rows = detect_for_telegram(seeded)
    muted = {r.payload["subject"] for r in rows[f"telegram:{WATCHDOG}"]}
    assert "DG-2022-01.done" not in muted and len(muted) == 13
    assert "DG-2022-01.done" in {r.payload["subject"] for r in rows[f"telegram:{DAEGU_WATCH}"]}
    with seeded() as session:  # the alert itself fires, unmuted, for everyone else
        alert = session.scalar(select(m.Alert).where(m.Alert.subject == "DG-2022-01.done"))
        assert alert is not None and alert.muted_by is None


def test_a_disabled_chat_gets_nothing_until_it_subscribes_again(seeded: sessionmaker[Session]) -> None:
    subscribe(seeded, WATCHDOG, jurisdiction="daegu")
    with seeded.begin() as session:
        chats.disable_chat(session, WATCHDOG, "forbidden: bot was blocked by the user", NOW)
    assert f"telegram:{WATCHDOG}" not in detect_for_telegram(seeded)
    subscribe(seeded, WATCHDOG, jurisdiction="daegu")
    with seeded() as session:
        chat = session.get(m.TelegramChat, WATCHDOG)
        assert chat is not None and chat.disabled_at is None


def test_cli_subscribes_lists_and_unsubscribes(db_url: str) -> None:
    assert run_cli(["init"], db_url).exit_code == 0
    added = run_cli(
        ["subscribe", str(WATCHDOG), "--jurisdiction", "daegu", "--prefix", "DG-2022", "--lang", "en"], db_url
    )
    assert added.exit_code == 0, added.output
    listed = run_cli(["subscriptions", "--format", "json"], db_url)
    assert '"jurisdiction": "daegu"' in listed.output and '"code_prefix": "DG-2022"' in listed.output
    assert '"language": "en"' in listed.output
    ended = run_cli(["unsubscribe", str(WATCHDOG)], db_url)
    assert ended.exit_code == 0 and ended.output == f"채팅 {WATCHDOG}의 구독 1건 해지\n"
    assert run_cli(["subscriptions", "--format", "json"], db_url).output.strip() == "[]"


def test_cli_subscribe_with_unknown_filters_fails_in_one_line(db_url: str) -> None:
    assert run_cli(["--lang", "en", "init"], db_url).exit_code == 0
    wrong_place = run_cli(["--lang", "en", "subscribe", "42", "--jurisdiction", "busan"], db_url)
    assert wrong_place.exit_code != 0
    assert wrong_place.output.strip().startswith("error: unknown jurisdiction 'busan'")
    assert len(wrong_place.output.strip().splitlines()) == 1
    wrong_code = run_cli(["--lang", "en", "subscribe", "42", "--prefix", "XX-9"], db_url)
    assert wrong_code.exit_code != 0 and "matches no commitment" in wrong_code.output
    assert run_cli(["--lang", "en", "subscriptions", "--format", "json"], db_url).output.strip() == "[]"


def test_cli_subscription_lines_and_table_name_places_and_label_severities(db_url: str) -> None:
    assert run_cli(["init"], db_url).exit_code == 0
    args = ["subscribe", str(WATCHDOG), "--jurisdiction", "gwangju-seo", "--prefix", "SEOGU-1"]
    added = run_cli([*args, "--severity", "warning"], db_url)
    assert added.output == f"구독 #1 (채팅 {WATCHDOG}): 광주광역시 서구 · 코드 SEOGU-1 · 경고 이상\n"
    english = run_cli(["--lang", "en", "subscribe", str(HEALTH), "--category", "돌봄·의료"], db_url)
    assert english.output == f"Subscription #2 (chat {HEALTH}): category 돌봄·의료\n"
    everything = run_cli(["subscribe", str(CRITICAL_ONLY), "--severity", "critical"], db_url)
    assert everything.output == f"구독 #3 (채팅 {CRITICAL_ONLY}): 긴급 이상\n"
    table = run_cli(["subscriptions"], db_url, env={"COLUMNS": "80"}).stdout
    lines = [
        [c.strip() for c in line.strip("│").split("│")] for line in table.splitlines() if line.startswith("│")
    ]
    assert lines == [
        ["1", str(WATCHDOG), "광주광역시 서구", "", "SEOGU-1", "경고"],
        ["2", str(HEALTH), "", "돌봄·의료", "", "알림"],
        ["3", str(CRITICAL_ONLY), "", "", "", "긴급"],
    ]
    assert "gwangju-seo" not in table and "warning" not in table and "중지 사유" not in table
    english_table = run_cli(["--lang", "en", "subscriptions"], db_url, env={"COLUMNS": "80"}).stdout
    assert "Seo-gu (Gwangju)" in english_table and "│ warning " in english_table
    assert "Minimum severity" in english_table and "경고" not in english_table


def test_no_subscriptions_is_said_in_one_line(db_url: str) -> None:
    assert run_cli(["init"], db_url).exit_code == 0
    assert run_cli(["subscriptions"], db_url).output == "구독이 없습니다.\n"
    assert run_cli(["--lang", "en", "subscriptions"], db_url).output == "No subscriptions.\n"
