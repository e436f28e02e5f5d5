"""Domain vocabulary: official statuses, kinds, units, funding sources — with Korean and English labels.

Stored values are the English keys; people see the labels in their language.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Literal

Lang = Literal["ko", "en"]


class Labelled(StrEnum):
    """A StrEnum whose members carry (Korean, English) labels in `_labels`."""

    @classmethod
    def _label_table(cls) -> dict[str, tuple[str, str]]:
        return {}

    def label(self, lang: Lang = "ko") -> str:
        ko, en = self._label_table()[self.value]
        return ko if lang == "ko" else en


class Status(Labelled):
    """Official status, Korea Manifesto Center standard."""

    DONE = "done"
    CONTINUING = "continuing"
    ON_TRACK = "on_track"
    PARTIAL = "partial"
    ON_HOLD = "on_hold"
    DROPPED = "dropped"

    @classmethod
    def _label_table(cls) -> dict[str, tuple[str, str]]:
        return _STATUS_LABELS

    @classmethod
    def parse(cls, text: str) -> Status:
        """Accept a key, a Korean label or another evaluator's variant; spacing is ignored."""
        squeezed = re.sub(r"\s+", "", text).lower()
        for status in cls:
            if squeezed in (status.value, re.sub(r"\s+", "", status.label("ko")), status.label("en").lower()):
                return status
        if squeezed in STATUS_VARIANTS:
            return STATUS_VARIANTS[squeezed]
        known = ", ".join(s.label("ko") for s in cls)
        raise ValueError(f"unknown status {text!r} (use one of: {known})")


_STATUS_LABELS = {
    "done": ("완료", "completed"),
    "continuing": ("이행후 계속추진", "delivered, continuing"),
    "on_track": ("정상추진", "on track"),
    "partial": ("일부추진", "partly under way"),
    "on_hold": ("보류", "on hold"),
    "dropped": ("폐기", "abandoned"),
}

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


class CommitmentKind(Labelled):
    AREA = "area"
    STRATEGY = "strategy"
    VISION = "vision"
    FLAGSHIP = "flagship"
    PLEDGE = "pledge"
    ITEM = "item"
    AGENDA = "agenda"
    AGREEMENT = "agreement"
    AGREEMENT_AREA = "agreement_area"

    @classmethod
    def _label_table(cls) -> dict[str, tuple[str, str]]:
        return {
            "area": ("분야", "area"),
            "strategy": ("전략", "strategy"),
            "vision": ("비전", "vision"),
            "flagship": ("핵심공약", "flagship pledge"),
            "pledge": ("공약", "pledge"),
            "item": ("세부과제", "item"),
            "agenda": ("의제", "agenda"),
            "agreement": ("협약", "agreement"),
            "agreement_area": ("협력분야", "cooperation area"),
        }

    @property
    def is_grouping(self) -> bool:
        """Groupings organise other commitments and are not themselves expected to report progress."""
        return self in {
            CommitmentKind.AREA,
            CommitmentKind.STRATEGY,
            CommitmentKind.VISION,
            CommitmentKind.AGREEMENT,
        }


class MilestoneKind(Labelled):
    COMPLETION = "completion"
    QUANTITY = "quantity"
    BUDGET = "budget"
    EVENT = "event"
    PAYMENT = "payment"

    @classmethod
    def _label_table(cls) -> dict[str, tuple[str, str]]:
        return {
            "completion": ("완료 기한", "completion by date"),
            "quantity": ("수량 목표", "quantity target"),
            "budget": ("예산 연차", "budget tranche"),
            "event": ("일정", "scheduled event"),
            "payment": ("정기 지급", "recurring payment"),
        }


class FundingSource(Labelled):
    NATIONAL = "national"
    PROVINCIAL = "provincial"
    CITY = "city"
    DISTRICT = "district"
    OTHER = "other"

    @classmethod
    def _label_table(cls) -> dict[str, tuple[str, str]]:
        return {
            "national": ("국비", "national"),
            "provincial": ("도비", "provincial"),
            "city": ("시비", "city"),
            "district": ("구비", "district"),
            "other": ("기타", "other"),
        }


class Cadence(Labelled):
    ONCE = "once"
    MONTHLY = "monthly"
    SEMIANNUAL = "semiannual"
    YEARLY = "yearly"

    @classmethod
    def _label_table(cls) -> dict[str, tuple[str, str]]:
        return {
            "once": ("1회", "once"),
            "monthly": ("매월", "monthly"),
            "semiannual": ("반기별", "every half-year"),
            "yearly": ("매년", "yearly"),
        }


class Channel(Labelled):
    SEED = "seed"
    CLI = "cli"
    TELEGRAM = "telegram"
    IMPORT = "import"

    @classmethod
    def _label_table(cls) -> dict[str, tuple[str, str]]:
        return {
            "seed": ("시드 자료", "seed data"),
            "cli": ("명령줄", "command line"),
            "telegram": ("텔레그램", "Telegram"),
            "import": ("일괄 입력", "bulk import"),
        }


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
