"""Telegram message text: every piece of data escaped for parse_mode=HTML, long messages split on line
boundaries into numbered parts that fit 4,096 visible characters (UTF-16 code units), captions ≤ 1,024."""

from __future__ import annotations

import re

from monitor.telegram.render import (
    CAPTION_LIMIT,
    MESSAGE_LIMIT,
    caption,
    plain_text,
    render_parts,
    reply_parts,
    visible_length,
)
from monitor.telegram.texts import TEXTS, say, subscription_filters
from tests.telegram_factories import batch, outbox_item

# Straight from the seeds' sources: title quotes in angle brackets, R&D, raw HTML fragments.
SEED_TEXTS = [
    "<대구RE100시민클럽> 은 전국 전략의제",
    "AI 기반 국방 실증센터 구축 R&D 지원",
    "<p>협업 테이블</p> <p>17 회</p>",
]


def test_seed_texts_are_escaped_and_read_verbatim() -> None:
    items = [
        outbox_item(i, subject=f"DG-{i}", title=text, reason_ko=text) for i, text in enumerate(SEED_TEXTS)
    ]
    (part,) = render_parts(batch(items), "ko")
    assert "&lt;대구RE100시민클럽&gt;" in part.html
    assert "R&amp;D" in part.html
    assert "&lt;p&gt;협업 테이블&lt;/p&gt;" in part.html
    assert set(re.findall(r"</?([a-z]+)", part.html)) == {"b"}  # the only markup is ours
    assert plain_text(part.html) == part.plain
    for text in SEED_TEXTS:
        assert text in part.plain


def test_long_message_is_split_into_numbered_parts_in_order_without_cutting_an_item() -> None:
    items = [
        outbox_item(i, subject=f"GJ-{i:03d}", reason_ko="집행 실적이 보고되지 않았습니다 " * 6)
        for i in range(120)
    ]
    parts = render_parts(batch(items), "ko")
    assert len(parts) > 2
    for number, part in enumerate(parts, 1):
        assert visible_length(plain_text(part.html)) <= MESSAGE_LIMIT
        assert part.plain.splitlines()[0].endswith(f"({number}/{len(parts)})")
    carried = [item_id for part in parts for item_id in part.item_ids]
    assert carried == list(range(120))  # each item once, in order
    for item_id in range(120):  # no item is cut in two
        assert sum(f"GJ-{item_id:03d}" in part.plain for part in parts) == 1


def test_length_is_counted_in_utf16_code_units() -> None:
    assert visible_length("공약") == 2
    assert visible_length("📊") == 2  # outside the BMP: a surrogate pair
    emoji_items = [outbox_item(i, subject=f"E-{i}", reason_ko="📊" * 300) for i in range(20)]
    for part in render_parts(batch(emoji_items), "ko"):
        assert visible_length(part.plain) <= MESSAGE_LIMIT


def test_an_item_longer_than_a_message_continues_in_the_next_parts() -> None:
    parts = render_parts(
        batch([outbox_item(1, reason_ko="가" * 10_000), outbox_item(2, subject="DJ-2")]), "ko"
    )
    assert len(parts) == 3
    for part in parts:
        assert visible_length(plain_text(part.html)) <= MESSAGE_LIMIT
    assert [part.item_ids for part in parts] == [(), (), (1, 2)]  # delivered once its last line is
    assert "".join(part.plain for part in parts).count("가") == 10_000


def test_english_parts_use_english_text() -> None:
    (part,) = render_parts(batch([outbox_item(1)]), "en")
    assert "past its deadline" in part.plain
    assert "기한이 지났습니다" not in part.plain


def test_caption_is_cut_on_a_line_to_1024_characters() -> None:
    text = "\n".join(f"C{i} = 분야 이름 {i}" * 3 for i in range(100))
    cut = caption(text)
    assert visible_length(cut) <= CAPTION_LIMIT
    assert cut.endswith("…")
    assert caption("짧은 설명") == "짧은 설명"


def test_a_long_reply_is_cut_between_lines_and_keeps_its_markup_whole() -> None:
    lines = [f"• <b>DJ-{i}</b> {'&lt;청년&gt; ' * 20}" for i in range(200)]
    parts = reply_parts("\n".join(lines))
    assert len(parts) > 1
    assert "\n".join(parts) == "\n".join(lines)
    for part in parts:
        assert visible_length(plain_text(part)) <= MESSAGE_LIMIT
        assert part.count("<b>") == part.count("</b>")


def test_bot_texts_choose_their_korean_particles() -> None:
    refused = say("wrong_jurisdiction", "ko", code="SEOGU-1-1", jurisdiction="대전광역시")
    assert refused == "SEOGU-1-1은 대전광역시 소관이 아닙니다. 이 시도는 기록되었습니다."
    assert say("wrong_jurisdiction", "ko", code="DJ-9", jurisdiction="광주광역시 서구").startswith("DJ-9는 ")
    english = say("wrong_jurisdiction", "en", code="DJ-9", jurisdiction="Daejeon Metropolitan City")
    assert english == "DJ-9 is not under Daejeon Metropolitan City. This attempt was recorded."
    fallbacks = re.compile(r"을\(를\)|이\(가\)|은\(는\)|\(으\)로|과\(와\)")
    assert not any(fallbacks.search(say(key, "ko", **_blanks(key))) for key in TEXTS)


def _blanks(key: str) -> dict[str, str]:
    """Every field of a text filled with a word, to read the text as a chat would."""
    return dict.fromkeys(re.findall(r"{(\w+)}", TEXTS[key][0]), "공약")


def test_a_subscription_is_described_by_place_name_and_labels() -> None:
    korean = subscription_filters("광주광역시 서구", "돌봄·의료", "SEOGU-1", "warning", "ko")
    assert korean == "광주광역시 서구 · 분야 돌봄·의료 · 코드 SEOGU-1 · 경고 이상"
    english = subscription_filters("Seo-gu (Gwangju)", None, "SEOGU-1", "critical", "en")
    assert english == "Seo-gu (Gwangju) · code SEOGU-1 · critical and above"
    assert subscription_filters(None, None, None, "info", "ko") == "모든 알림"
    assert subscription_filters(None, None, None, "info", "en") == "all alerts"
