"""Bot commands, answered by the handlers themselves (the Telegram round trip is tested against the fake
Bot API server elsewhere): Korean by default, English after /lang en, settings for group admins only,
a usage line for a malformed command, one line for a mistake, every piece of data escaped."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from monitor.db import models as m
from monitor.telegram import dispatch
from monitor.telegram.protocol import Env
from monitor.telegram.texts import COMMANDS
from tests.factories import NOW, SEOUL, detect_at, log
from tests.telegram_factories import ADMIN, GROUP, MEMBER, ask, request


@pytest.fixture
def watched(seeded: sessionmaker[Session]) -> sessionmaker[Session]:
    """The shipped seeds with the alerts of a first pass."""
    detect_at(seeded, NOW)
    return seeded


def count(sessions: sessionmaker[Session], model: Any, *where: Any) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def test_help_lists_every_command_in_korean_then_english_after_lang(sessions: sessionmaker[Session]) -> None:
    korean = ask(sessions, "/help").html
    assert all(f"/{name} — " in korean for name in COMMANDS)
    assert "공약 이행 모니터" in korean
    assert ask(sessions, "/lang en").html == "Language: English"
    english = ask(sessions, "/help").html
    assert "Pledge implementation monitor" in english and "Subscribe to alerts" in english


def test_group_settings_are_for_admins_only_and_refusals_are_recorded(seeded: sessionmaker[Session]) -> None:
    refused = ask(seeded, "/subscribe daegu", user=MEMBER, admin=False)
    assert refused.html == "이 그룹의 설정은 그룹 관리자만 바꿀 수 있습니다."
    assert count(seeded, m.Subscription) == 0
    assert (
        count(
            seeded,
            m.AccessAttempt,
            m.AccessAttempt.allowed.is_(False),
            m.AccessAttempt.telegram_user_id == MEMBER,
        )
        == 1
    )
    accepted = ask(seeded, "/subscribe daegu prefix=DG-2022 severity=critical", user=ADMIN)
    assert accepted.html == "구독 #1: 대구광역시 · 코드 DG-2022 · 긴급 이상"  # the place by name
    listed = ask(seeded, "/subscriptions", user=MEMBER, admin=False)  # reading is for everyone
    assert "#1 대구광역시 · 코드 DG-2022" in listed.html


def test_subscribe_reads_quoted_korean_filters(seeded: sessionmaker[Session]) -> None:
    reply = ask(seeded, '/subscribe 지자체=daejeon 분야="돌봄·의료" lang=en')
    assert reply.html == "Subscription #1: Daejeon Metropolitan City · category 돌봄·의료"
    with seeded() as session:
        chat = session.get(m.TelegramChat, GROUP)
        assert chat is not None and chat.language == "en" and chat.title == "감시단"


def test_private_chat_owner_may_change_its_own_settings(seeded: sessionmaker[Session]) -> None:
    reply = ask(seeded, "/subscribe daegu", chat=ADMIN, chat_type="private", admin=False)
    assert reply.html.startswith("구독 #1")


def test_status_counts_official_statuses_and_completion_rate(watched: sessionmaker[Session]) -> None:
    before = ask(watched, "/status daegu").html
    assert "<b>대구광역시: 공약 19건 · 완료율 0.0%</b>" in before
    assert "미보고 19" in before
    log(watched, "DG-2022-01", NOW, status="완료")
    after = ask(watched, "/status DG-2022").html
    assert "공약 14건 · 완료율 7.1%" in after
    assert "완료 1" in after and "미보고 13" in after


def test_status_without_argument_follows_the_chats_subscriptions(watched: sessionmaker[Session]) -> None:
    ask(watched, "/subscribe seoul")
    reply = ask(watched, "/status").html
    assert "서울특별시" in reply and "대구광역시" not in reply
    assert "대전광역시" not in reply  # an agreement counts for each party, but only Seoul was asked


def test_overdue_lists_items_past_their_deadline_capped(watched: sessionmaker[Session]) -> None:
    reply = ask(watched, "/overdue daegu").html
    lines = reply.splitlines()
    assert lines[0] == "<b>기한이 지난 항목 14건</b>"
    assert reply.count("• <b>DG-2022-") == 14
    seoul = ask(watched, "/overdue seoul").html
    assert seoul.startswith("<b>기한이 지난 항목 7건</b>")  # 2 expo targets, 5 schedule items unconfirmed
    assert ask(watched, "/overdue DJ-1").html == "기한이 지난 항목이 없습니다."


def test_upcoming_lists_targets_due_within_the_window(watched: sessionmaker[Session]) -> None:
    reply = ask(watched, "/upcoming 60 gwangju-seo").html
    assert reply.startswith("<b>60일 안에 기한")
    assert "2026-12-31" in reply
    assert ask(watched, "/upcoming 7 daegu").html == "7일 안에 기한이 오는 목표가 없습니다."


def test_a_city_covers_its_districts(watched: sessionmaker[Session]) -> None:
    city = ask(watched, "/status gwangju").html
    assert city.splitlines()[0] == "<b>광주광역시: 공약 0건 · 완료율 –</b>"
    assert "<b>광주광역시 서구: 공약 21건 · 완료율 0.0%</b>" in city
    overdue = ask(watched, "/overdue gwangju").html
    assert overdue.startswith("<b>기한이 지난 항목 174건</b>")
    assert overdue == ask(watched, "/overdue gwangju-seo").html
    upcoming = ask(watched, "/upcoming 60 gwangju").html
    assert (
        upcoming.startswith("<b>60일 안에 기한") and upcoming == ask(watched, "/upcoming 60 gwangju-seo").html
    )
    ask(watched, "/subscribe gwangju")
    ask(watched, "/subscribe sejong")
    followed = ask(watched, "/status").html  # several subscriptions: each with those below it
    assert "광주광역시 서구" in followed and "세종특별자치시" in followed and "대구광역시" not in followed


def test_overdue_says_what_detection_found(watched: sessionmaker[Session]) -> None:
    """The bot's snapshot and the daemon's pass agree: every past-due alert, and nothing else."""
    with watched() as session:
        alerts = session.scalars(
            select(m.Alert.subject).where(
                m.Alert.state == "firing", m.Alert.condition.in_(["overdue", "unreported", "unconfirmed"])
            )
        ).all()
    reply = dispatch.handle(watched, request("/overdue"), Env(tz=SEOUL, lang="ko", list_limit=1000))
    listed = re.findall(r"• <b>([^<]+)</b>", reply.html)
    assert sorted(listed) == sorted(alerts) and len(listed) > 100


def test_show_escapes_seed_text_and_links_evidence(watched: sessionmaker[Session]) -> None:
    log(
        watched,
        "DG-2022-01.done",
        NOW,
        status="done",
        note="<완료> R&D",
        evidence=["https://example.org/r?a=1&b=2"],
    )
    reply = ask(watched, "/show DG-2022-01").html
    assert "<b>DG-2022-01 디지털 기술을 활용한 차량공유</b>" in reply
    assert "&lt;완료&gt; R&amp;D" in reply
    assert '<a href="https://example.org/r?a=1&amp;b=2">근거</a>' in reply
    source = ask(watched, "/show DG-2021-1.tables").html  # its source line is raw HTML from the brochure
    assert "&lt;p&gt;협업 테이블&lt;/p&gt;" in source
    assert set(re.findall(r"</?([a-z]+)", source)) <= {"b", "i", "a"}


def test_show_of_a_milestone_lists_its_alert(watched: sessionmaker[Session]) -> None:
    reply = ask(watched, "/show DG-2022-02.done").html
    assert "DG-2022-02.done" in reply and "기한 초과" in reply and "DG-2022-01" not in reply


def test_mute_holds_back_this_chat_only_until_unmute(watched: sessionmaker[Session]) -> None:
    assert ask(watched, "/mute DG-2022 7d", admin=True).html.startswith("사용법: /mute")
    muted = ask(watched, "/mute DG-2022 7d 예산 심의 중").html
    assert muted.startswith("#1 DG-2022: ") and "예산 심의 중" in muted
    with watched() as session:
        silence = session.get(m.Silence, 1)
        assert silence is not None and silence.chat_id == GROUP
        assert silence.ends_at - NOW == timedelta(days=7)
    assert ask(watched, "/unmute", user=MEMBER, admin=False).html.startswith("이 그룹의 설정은")
    assert ask(watched, "/unmute DG-2022").html == "알림 끄기 1건 해제"
    assert ask(watched, "/unmute").html == "이 채팅에 설정된 알림 끄기가 없습니다."


def test_malformed_commands_get_a_usage_line_and_mistakes_one_line(watched: sessionmaker[Session]) -> None:
    assert ask(watched, "/show").html == "사용법: /show CODE"
    assert ask(watched, "/upcoming 0").html.startswith("사용법: /upcoming")
    assert ask(watched, "/unsubscribe everything").html == "사용법: /unsubscribe [id|all]"
    assert ask(watched, "/lang fr").html == "사용법: /lang ko|en"
    assert ask(watched, "/subscribe severity=loud").html.startswith("오류: 등급 'loud'는 쓸 수 없습니다")
    english = ask(watched, "/subscribe severity=loud", lang="en", chat=ADMIN, chat_type="private").html
    assert english == "Error: severity 'loud': use info, warning or critical"
    assert ask(watched, "/frobnicate").html == "알 수 없는 명령입니다. /help 를 보세요."
    missing = ask(watched, "/show NOPE-1").html
    assert missing.startswith("오류: 코드 'NOPE-1'에 해당하는 공약·목표가 없습니다") and "\n" not in missing
    assert ask(watched, "/show DG-2022-01", lang="en", chat=ADMIN, chat_type="private").html.count("\n") > 2


def test_report_queues_a_digest_for_this_chat_only(watched: sessionmaker[Session]) -> None:
    ask(watched, "/subscribe daegu")
    reply = ask(watched, "/report chart", user=MEMBER, admin=False)
    assert reply.html == "요약을 보냅니다." and reply.deliver
    with watched() as session:
        rows = session.scalars(select(m.OutboxEntry).where(m.OutboxEntry.event == "digest")).all()
    assert [(r.destination, r.group_key) for r in rows] == [(f"telegram:{GROUP}", "daegu")]
    assert rows[0].payload["total"] == 14
    assert rows[0].payload["chart"]["kind"] == "status"
    assert rows[0].payload["chart"]["rows"]


def test_report_for_a_city_covers_its_districts(watched: sessionmaker[Session]) -> None:
    ask(watched, "/subscribe gwangju")
    assert ask(watched, "/report budget").html == "요약을 보냅니다."
    with watched() as session:
        rows = session.scalars(select(m.OutboxEntry).where(m.OutboxEntry.event == "digest")).all()
    # 광주광역시 has nothing of its own: the digest is its district's, with the district's budget chart
    assert [(r.destination, r.group_key) for r in rows] == [(f"telegram:{GROUP}", "gwangju-seo")]
    assert rows[0].payload["jurisdiction_ko"] == "광주광역시 서구" and rows[0].payload["total"] > 0
    chart = rows[0].payload["chart"]
    assert chart["kind"] == "budget" and chart["rows"]
    assert {"label", "planned", "executed"} <= set(chart["rows"][0])
