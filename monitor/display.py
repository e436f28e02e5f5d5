"""What people read, formatted in one place: deadlines as published, instants in the configured zone
to the minute (never microseconds), so that every view — tables, `show`, reports, the bot, the feed —
prints the same day for the same deadline.

A calendar deadline is stored as the instant it passes (`monitor.timeutil.due_instant`: the midnight
that ends the day); people are shown the day the document published. An event has real instants: they
are shown in the configured zone, to the minute.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from monitor.rules.outcome import Evaluation, Rule
from monitor.timeutil import published_day


def minute(instant: datetime | None, tz: ZoneInfo) -> str:
    """ "2026-12-01 04:50" in `tz` ("" for none)."""
    return "" if instant is None else instant.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def deadline(due: datetime | None, tz: ZoneInfo, *, calendar: bool = True) -> str:
    """A calendar deadline as its published day; an instant (calendar=False, or not a local midnight:
    never a calendar deadline) to the minute."""
    if due is None:
        return ""
    local = due.astimezone(tz)
    if calendar and (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
        return published_day(due, tz).isoformat()
    return minute(due, tz)


def evaluation_deadline(e: Evaluation, tz: ZoneInfo) -> str:
    """An evaluation's deadline as people read it (events' are instants)."""
    return deadline(e.due, tz, calendar=e.rule is not Rule.EVENT)


def milestone_deadline(
    due_date: date | None, due_at: datetime | None, starts_at: datetime | None, tz: ZoneInfo
) -> str:
    """A milestone's deadline as listed: the published day, else an event's start, to the minute."""
    if due_date is not None:
        return due_date.isoformat()
    return minute(starts_at or due_at, tz)
