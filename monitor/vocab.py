"""Domain vocabulary: official statuses, kinds, units, funding sources — with Korean and English labels.

Stored values are the English keys; people see the labels in their language.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Literal

Lang = Literal["ko", "en"]


class Labelled(StrEnum):
    """A StrEnum whose members are declared as (stored key, Korean label, English label)."""

    _value_: str
    ko: str
    en: str

    def __new__(cls, value: str, ko: str = "", en: str = "") -> Labelled:
        member = str.__new__(cls, value)
        member._value_ = value
        member.ko, member.en = ko, en
        return member

    def label(self, lang: Lang = "ko") -> str:
        return self.ko if lang == "ko" else self.en


class Status(Labelled):
    """Official status, Korea Manifesto Center standard."""

    DONE = "done", "완료", "completed"
    CONTINUING = "continuing", "이행후 계속추진", "delivered, continuing"
    ON_TRACK = "on_track", "정상추진", "on track"
    PARTIAL = "partial", "일부추진", "partly under way"
    ON_HOLD = "on_hold", "보류", "on hold"
    DROPPED = "dropped", "폐기", "abandoned"

    @classmethod
    def parse(cls, text: str) -> Status:
        """Accept a key, a Korean label or another evaluator's variant; spacing is ignored."""
        squeezed = re.sub(r"\s+", "", text).lower()
        for status in cls:
            if squeezed in (status.value, re.sub(r"\s+", "", status.ko), status.en.lower()):
                return status
        if squeezed in STATUS_VARIANTS:
            return STATUS_VARIANTS[squeezed]
        known = ", ".join(s.ko for s in cls)
        raise ValueError(f"unknown status {text!r} (use one of: {known})")


# Other evaluators' vocabularies (keys without spaces). 미이행 has no Manifesto equivalent; it is
# read as 보류 because the pledge stands but nothing is being done, which is what 보류 reports.
STATUS_VARIANTS: dict[str, Status] = {
    "완전이행": Status.DONE,
    "이행완료": Status.DONE,
    "추진중": Status.ON_TRACK,
    "정상": Status.ON_TRACK,
    "부분이행": Status.PARTIAL,
    "후퇴이행": Status.PARTIAL,
    "미이행": Status.ON_HOLD,
}


class MilestoneStatus(Labelled):
    """What an official reports about a single milestone (as opposed to a commitment's official status)."""

    DONE = "done", "완료", "done"
    STARTED = "started", "시행", "started"
    HELD = "held", "개최", "held"
    CANCELLED = "cancelled", "취소", "cancelled"

    @classmethod
    def parse(cls, text: str) -> MilestoneStatus:
        wanted = text.strip().lower()
        for status in cls:
            if wanted in (status.value, status.ko):
                return status
        raise ValueError(f"unknown milestone status {text!r} (use one of: {', '.join(s.value for s in cls)})")


class CommitmentKind(Labelled):
    AREA = "area", "분야", "area"
    STRATEGY = "strategy", "전략", "strategy"
    VISION = "vision", "비전", "vision"
    FLAGSHIP = "flagship", "핵심공약", "flagship pledge"
    PLEDGE = "pledge", "공약", "pledge"
    ITEM = "item", "세부과제", "item"
    AGENDA = "agenda", "의제", "agenda"
    AGREEMENT = "agreement", "협약", "agreement"
    AGREEMENT_AREA = "agreement_area", "협력분야", "cooperation area"

    @property
    def is_grouping(self) -> bool:
        """Groupings organise other commitments and are not themselves expected to report progress."""
        return self in _GROUPINGS


_GROUPINGS = {CommitmentKind.AREA, CommitmentKind.STRATEGY, CommitmentKind.VISION, CommitmentKind.AGREEMENT}


class MilestoneKind(Labelled):
    COMPLETION = "completion", "완료 기한", "completion by date"
    QUANTITY = "quantity", "수량 목표", "quantity target"
    BUDGET = "budget", "예산 연차", "budget tranche"
    EVENT = "event", "일정", "scheduled event"
    PAYMENT = "payment", "정기 지급", "recurring payment"


class FundingSource(Labelled):
    NATIONAL = "national", "국비", "national"
    PROVINCIAL = "provincial", "도비", "provincial"
    CITY = "city", "시비", "city"
    DISTRICT = "district", "구비", "district"
    OTHER = "other", "기타", "other"


class Cadence(Labelled):
    ONCE = "once", "1회", "once"
    MONTHLY = "monthly", "매월", "monthly"
    SEMIANNUAL = "semiannual", "반기별", "every half-year"
    YEARLY = "yearly", "매년", "yearly"


class Channel(Labelled):
    SEED = "seed", "시드 자료", "seed data"
    CLI = "cli", "명령줄", "command line"
    TELEGRAM = "telegram", "텔레그램", "Telegram"
    IMPORT = "import", "일괄 입력", "bulk import"


# Units a quantity or payment may be measured in: Korean unit → English.
UNITS: dict[str, str] = {
    "개": "items",
    "건": "cases",
    "호": "dwellings",
    "곳": "places",
    "개소": "sites",
    "명": "people",
    "회": "times",
    "시간": "hours",
    "%": "percent",
    "km": "km",
    "원": "KRW",
    "만원": "10,000 KRW",
    "백만원": "million KRW",
}
