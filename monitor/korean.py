"""Korean particles chosen from the final sound of the word before them.

Messages are written with the fallback forms (`{code}을(를)`, `{name}이(가)`, `(으)로` …) because the
word is only known when the message is formatted. `particles` replaces each fallback with the one form
the preceding word takes: 을/이/은/과/으로 after a final consonant (받침), 를/가/는/와/로 after a vowel,
and 로 after ㄹ. A word that ends in a digit or in Latin letters is read aloud the Korean way (1 일 →
을, 2 이 → 를; an acronym by its letters, DJ 디제이 → 를; a word as a word, housing 하우징 → 을);
closing brackets and quotes are looked through.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# fallback → (after a final consonant, after a vowel); 으로/로 also depends on ㄹ (see `_choose`)
FALLBACKS = {
    "을(를)": ("을", "를"),
    "를(을)": ("을", "를"),
    "이(가)": ("이", "가"),
    "가(이)": ("이", "가"),
    "은(는)": ("은", "는"),
    "는(은)": ("은", "는"),
    "과(와)": ("과", "와"),
    "와(과)": ("과", "와"),
    "(으)로": ("으로", "로"),
    "이(라)": ("이라", "라"),
    "이었(였)": ("이었", "였"),
}
_PATTERN = re.compile("|".join(re.escape(f) for f in sorted(FALLBACKS, key=len, reverse=True)))
_SEEN_THROUGH = set(")]}>\"'’”」』》〉 ")
# the final consonant of a digit / Latin letter as read aloud: None = a vowel, "ㄹ", or another consonant
_DIGITS = {
    "0": "ㅇ",
    "1": "ㄹ",
    "2": None,
    "3": "ㅁ",
    "4": None,
    "5": None,
    "6": "ㄱ",
    "7": "ㄹ",
    "8": "ㄹ",
    "9": None,
}
_LETTERS = {"l": "ㄹ", "m": "ㅁ", "n": "ㄴ", "r": "ㄹ"}  # 엘, 엠, 엔, 알; every other letter ends in a vowel
_RIEUL = 8  # index of ㄹ among the final consonants of a Hangul syllable


def final_sound(word: str) -> str | None:
    """The final consonant of the last sound of `word` ("ㄹ", another consonant as "C", or None for a
    vowel / nothing readable)."""
    for char in reversed(word):
        if char in _SEEN_THROUGH:
            continue
        if "가" <= char <= "힣":
            final = (ord(char) - ord("가")) % 28
            return None if final == 0 else "ㄹ" if final == _RIEUL else "C"
        if char in _DIGITS:
            sound = _DIGITS[char]
            return None if sound is None else "ㄹ" if sound == "ㄹ" else "C"
        if char.isascii() and char.isalpha():
            return _latin(word[: word.rindex(char) + 1])
        return None
    return None


def _latin(text: str) -> str | None:
    """An acronym (capitals, or no vowel letter) is read letter by letter (L 엘, M 엠, fr 에프알); a word
    as a word: -ng (하우징),
    -m, -n (and -me, -ne: a silent e) end in a consonant, -l and -le in ㄹ, anything else in a vowel
    (-k 크, -t 트, -s 스, code 코드)."""
    run = len(text) - len(text.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))
    word = text[-run:]
    if word.isupper() or not any(vowel in word.lower() for vowel in "aeiouy"):  # CSV, fr: letter by letter
        sound = _LETTERS.get(word[-1].lower())
        return None if sound is None else "ㄹ" if sound == "ㄹ" else "C"
    lower = word.lower()
    if lower.endswith(("ng", "m", "n", "me", "ne")):  # a silent e: done 던, time 타임
        return "C"
    return "ㄹ" if lower.endswith(("l", "le")) else None  # table 테이블, file 파일


def particles(text: str) -> str:
    """`text` with every fallback particle replaced by the form its preceding word takes."""
    if "(" not in text:
        return text
    return _PATTERN.sub(lambda match: _choose(text[: match.start()], match.group()), text)


def _choose(before: str, fallback: str) -> str:
    consonant, vowel = FALLBACKS[fallback]
    sound = final_sound(before)
    if fallback == "(으)로":
        return "로" if sound in (None, "ㄹ") else "으로"
    return vowel if sound is None else consonant


def say_in(table: Mapping[str, tuple[str, str]], key: str, lang: str, **values: object) -> str:
    """`table[key]` (Korean, English) in `lang`, its values filled in; Korean with its particles chosen.
    The one body of every module's `say` (log lines, operator texts, import messages)."""
    ko, en = table[key]
    return particles(ko.format(**values)) if lang == "ko" else en.format(**values)
