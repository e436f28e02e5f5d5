"""Figures as reports print them: every amount with its unit and thousands separators.

Budget amounts are in 백만원 (million KRW); a milestone's values are in its own unit (호, 명, 만원 …).
Korean puts the unit right after the number (565백만원, 5,000호); English spells it after a space
(565 million KRW, 5,000 dwellings) — the same wording as the rules' reasons (`monitor.rules.text`).
JSON and CSV keep their numbers bare; only the human labels in them carry these texts.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from monitor.display import minute
from monitor.i18n import MESSAGES, t
from monitor.notify.labels import CONDITION_LABELS, label
from monitor.rules.outcome import State
from monitor.rules.text import figure, figure_en
from monitor.vocab import Cadence, Lang

MILLION = "백만원"
LEAD = re.compile(r"(\d+[dhms])+")  # a lead-time stage as the rules write it (90d, 1h, 1d12h)
LEAD_PART = re.compile(r"(\d+)([dhms])")
KO_UNITS = {"d": "일", "h": "시간", "m": "분", "s": "초"}


def quantity(value: Decimal | str | None, unit: str | None, lang: Lang) -> str:
    """ "5,000호" / "5,000 dwellings"; "—" for none; a text that is no number is returned as it is."""
    if value is None:
        return "—"
    try:
        number = Decimal(value)
    except InvalidOperation:
        return str(value)
    return figure(number, unit) if lang == "ko" else figure_en(number, unit)


def money(value: Decimal | str | None, lang: Lang) -> str:
    """A budget amount: "57,421.35백만원" / "57,421.35 million KRW"; "—" for none."""
    return quantity(value, MILLION, lang)


def signed_money(value: Decimal | str | None, lang: Lang) -> str:
    """A difference: "+0.31백만원", "-0.26백만원"; "" for none."""
    if value is None:
        return ""
    text = money(value, lang)
    return text if text.startswith("-") else f"+{text}"


def stage_label(stage: str | None, lang: Lang) -> str | None:
    """A state's stage for people: a lead time ("30d", "1h") as "30일 전" / "30d before", a
    contradiction's kind by its label; None for none."""
    if stage is None:
        return None
    if f"report.stage.{stage}" in MESSAGES:
        return t(f"report.stage.{stage}", lang)
    if not LEAD.fullmatch(stage):
        return stage
    lead = stage if lang == "en" else LEAD_PART.sub(lambda p: p[1] + KO_UNITS[p[2]], stage)
    return t("report.stage.lead", lang, lead=lead)


def done_label(kind: str, lang: Lang) -> str:
    """What an achieved target is called: 집행 목표 달성 for a budget tranche (executed ≥ plan × the
    underspend threshold — not necessarily all of it, so never "집행 완료"), 목표 달성 otherwise."""
    if kind == "budget":
        return t("report.cell.achieved", lang)
    return label(CONDITION_LABELS, State.ACHIEVED, lang)


def revision_text(name: str, text: str | None, unit: str | None, tz: ZoneInfo, lang: Lang) -> str:
    """A revised field's old or new value as people read it: amounts with units, instants to the
    minute in the configured zone, cadences by their label; "—" for none."""
    if text is None:
        return "—"
    if name == "planned_amount":
        return money(text, lang)
    if name in ("target_value", "target_max", "baseline"):
        return quantity(text, unit, lang)
    if name in ("starts_at", "ends_at"):
        instant = datetime.fromisoformat(text)
        return minute(instant if instant.tzinfo else instant.replace(tzinfo=UTC), tz)
    if name == "cadence" and text in {c.value for c in Cadence}:
        return Cadence(text).label(lang)
    return text
