"""Korean particles follow the final sound of the word before them; no `을(를)` reaches a reader."""

from __future__ import annotations

import string

import pytest

from monitor.i18n import MESSAGES, t
from monitor.korean import particles
from monitor.rules.outcome import Reason


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("책을(를) 읽음", "책을 읽음"),  # final consonant
        ("사과을(를) 먹음", "사과를 먹음"),  # vowel
        ("사과이(가) 있음", "사과가 있음"),
        ("책은(는) 있음", "책은 있음"),
        ("사과와(과) 배", "사과와 배"),
        ("책와(과) 펜", "책과 펜"),
        ("서울(으)로", "서울로"),  # ㄹ takes 로
        ("부산(으)로", "부산으로"),
        ("대구(으)로", "대구로"),
        ("기한 2022-12-31을(를) 넘김", "기한 2022-12-31을 넘김"),  # 1 일
        ("값 2을(를)", "값 2를"),  # 2 이
        ("값 3을(를)", "값 3을"),  # 3 삼
        ("값 10을(를)", "값 10을"),  # 0 영
        ("값 6이(가)", "값 6이"),  # 6 육
        ("값 9이(가)", "값 9가"),  # 9 구
        ("7(으)로", "7로"),  # 7 칠: ㄹ
        ("3(으)로", "3으로"),
        ("'daegu'이(가) 없음", "'daegu'가 없음"),  # quotes are looked through; u is a vowel
        ("SEOUL이(가)", "SEOUL이"),  # L 엘
        ("html은(는)", "html은"),  # L
        ("DJ(으)로", "DJ로"),  # J 제이
        ("DJ-9-3.youth-housing은(는)", "DJ-9-3.youth-housing은"),  # a word: 하우징
        ("CSV을(를)", "CSV를"),  # an acronym: 브이
        ("'fr'은(는)", "'fr'은"),  # no vowel letter: 에프알
        ("'x'은(는)", "'x'는"),  # 엑스
        ("BOM을(를)", "BOM을"),  # M 엠
        ("report을(를)", "report를"),  # 리포트
        ("DG-2022-01.done은(는)", "DG-2022-01.done은"),  # a silent e: 던
        ("time이(가)", "time이"),  # 타임
        ("table(으)로", "table로"),  # 테이블: ㄹ
        ("code을(를)", "code를"),  # 코드
        ("목표(3)을(를)", "목표(3)을"),  # a closing bracket is looked through
        ("괄호 없음", "괄호 없음"),
        ("300이었(였)습니다", "300이었습니다"),  # 0 영
        ("1,200이었(였)습니다", "1,200이었습니다"),
        ("5이었(였)습니다", "5였습니다"),  # 5 오
        ("(으)로 시작", "로 시작"),  # nothing before: the vowel form
    ],
)
def test_a_fallback_particle_becomes_the_one_the_word_takes(text: str, shown: str) -> None:
    assert particles(text) == shown


def test_reasons_and_messages_carry_no_fallback_particles() -> None:
    assert Reason("기한 2030-06-30을(를) 7일 넘김", "7 days past").ko == "기한 2030-06-30을 7일 넘김"
    lazy = Reason.lazy(lambda: ("SEOGU-1-1은(는) 공약", "a pledge"))
    assert lazy.ko == "SEOGU-1-1은 공약" and lazy.en == "a pledge"
    fallbacks = ("을(를)", "이(가)", "은(는)", "(으)로", "와(과)")
    for key, (ko, _en) in MESSAGES.items():
        if "{" in ko and any(f in ko for f in fallbacks):
            shown = t(key, "ko", **dict.fromkeys(_fields(ko), "서울"))
            assert not any(f in shown for f in fallbacks), key


def _fields(template: str) -> list[str]:
    return [
        name.split("!")[0] for _, name, spec, _ in string.Formatter().parse(template) if name and not spec
    ]
