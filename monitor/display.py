"""What people read, formatted in one place: deadlines as published, instants in the configured zone
to the minute (never microseconds), so that every view — tables, `show`, reports, the bot, the feed —
prints the same day for the same deadline.

A calendar deadline is stored as the instant it passes (`monitor.timeutil.due_instant`: the midnight
that ends the day); people are shown the day the document published. An event has real instants: they
are shown in the configured zone, to the minute.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from monitor.i18n import amount, t
from monitor.rules.outcome import Evaluation, Rule
from monitor.timeutil import published_day
from monitor.vocab import Cadence, Lang, MilestoneStatus


def minute(instant: datetime | None, tz: ZoneInfo) -> str:
    """ "2026-12-01 04:50" in `tz` ("" for none)."""
    return "" if instant is None else instant.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def iso_minute(text: str) -> str:
    """A local ISO time as stored in a row ("2026-12-01T06:01:13.75+09:00") to the minute."""
    return text[:16].replace("T", " ")


def calendar_day(due: datetime | None, tz: ZoneInfo) -> date | None:
    """The published day of a calendar deadline (a local midnight); None for any other instant."""
    if due is None:
        return None
    local = due.astimezone(tz)
    midnight = (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0)
    return published_day(due, tz) if midnight else None


def deadline(due: datetime | None, tz: ZoneInfo, *, calendar: bool = True) -> str:
    """A calendar deadline as its published day; an instant (calendar=False, or not a local midnight:
    never a calendar deadline) to the minute."""
    day = calendar_day(due, tz) if calendar else None
    return day.isoformat() if day is not None else minute(due, tz)


def evaluation_deadline(e: Evaluation, tz: ZoneInfo) -> str:
    """An evaluation's deadline as people read it (events' are instants)."""
    return deadline(e.due, tz, calendar=e.rule is not Rule.EVENT)


def evaluation_due_date(e: Evaluation, tz: ZoneInfo) -> str | None:
    """An evaluation's deadline day as published (None for an event's instant or no deadline)."""
    day = None if e.rule is Rule.EVENT else calendar_day(e.due, tz)
    return None if day is None else day.isoformat()


def milestone_deadline(
    due_date: date | None, due_at: datetime | None, starts_at: datetime | None, tz: ZoneInfo
) -> str:
    """A milestone's deadline as listed: the published day, else an event's start, to the minute."""
    if due_date is not None:
        return due_date.isoformat()
    return minute(starts_at or due_at, tz)


class NamedPlace(Protocol):
    """A jurisdiction with its names (`monitor.snapshot.Place`)."""

    @property
    def name_ko(self) -> str: ...

    @property
    def name_en(self) -> str: ...


def place_name(places: Mapping[str, NamedPlace], slug: str, lang: Lang) -> str:
    """A jurisdiction as people read it: 광주광역시 서구 / Seo-gu (Gwangju); the slug when unknown.
    Programs get slugs (JSON, CSV); people get names."""
    place = places.get(slug)
    if place is None:
        return slug
    return place.name_ko if lang == "ko" else place.name_en


def place_names(places: Mapping[str, NamedPlace], slugs: Iterable[str], lang: Lang) -> str:
    """Several jurisdictions (the parties of an agreement), by name."""
    return ", ".join(place_name(places, slug, lang) for slug in slugs)


def target_text(row: dict[str, Any], lang: Lang = "ko") -> str:
    """What a milestone asks for, for people: 5,000호 / 565백만원 / 30~35만원 / 매월 (units follow the
    number without a space, as in the rules' reasons and the reports)."""
    if row["kind"] == "budget":
        return f"{amount(row['planned_amount'])}백만원"
    if row["target"] is None:
        return (row["unit"] and f"({row['unit']})") or ""
    value = amount(row["target"]) + (f"~{amount(row['target_max'])}" if row["target_max"] else "")
    cadence = f" / {Cadence(row['cadence']).label(lang)}" if row["cadence"] else ""
    return f"{value}{row['unit'] or ''}{cadence}".strip()


def listed_due(row: dict[str, Any]) -> str:
    """A listed milestone's deadline as published: the day, or an event's window in the configured zone
    (the rows carry local ISO times)."""
    if row["kind"] == "event" and row["starts_at"]:
        return f"{iso_minute(row['starts_at'])}–{row['ends_at'][11:16]}"
    return str(row["due_date"] or "")


def report_figures(r: dict[str, Any], unit: str, lang: Lang) -> str:
    """ "집행 480백만원 · 확보 515백만원" / "4,500호" / "완료": what one report says, with units."""
    parts = [f"{amount(r['value'])}{unit}"] if r["value"] is not None else []
    for key, label in (("executed_amount", "shown.executed"), ("secured_amount", "shown.secured")):
        if r[key] is not None:
            parts.append(f"{t(label, lang)} {amount(r[key])}{unit or '백만원'}")
    if r["status"]:  # a milestone status by its label; an official status (정상추진 …) as recorded
        known = {status.value: status for status in MilestoneStatus}
        parts.append(known[r["status"]].label(lang) if r["status"] in known else r["status"])
    return " · ".join(parts)


def standing_role(p: Mapping[str, Any]) -> str:
    """An elected candidate holds the office: shown as 현직 (the election stays in the line)."""
    return "officeholder" if p["outcome"] == "elected" else str(p["role"])


def pledger_text(p: Mapping[str, Any], lang: Lang) -> str:
    """Whose promise, for people: "후보 허태정 (대전광역시장, 민선9기, 2026-06-03 선거: 미정)" (a
    `monitor.registry.pledger_row`)."""
    role = t(f"pledger.role.{standing_role(p)}", lang)
    about = [p["office"], p["term"]]
    if p["role"] == "candidate":  # the election, whatever its outcome
        outcome = t(f"pledger.outcome.{p['outcome']}", lang)
        about.append(t("pledger.election", lang, on=p["election_on"] or "", outcome=outcome))
    return f"{role} {p['name']} ({', '.join(about)})"
