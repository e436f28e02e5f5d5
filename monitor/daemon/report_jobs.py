"""Scheduled reports (`kind = "report"` in jobs/*.toml): render a report as of the scheduled instant, write
it to a folder under a dated name and/or queue it for Telegram chats, as a document or as messages.

A run is idempotent per scheduled instant: the file name is dated by it, and each chat's copy carries a
dedup key made of the job, the instant and the jurisdiction, so a made-up run never sends twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.alerts.outbox import ReportPayload
from monitor.alerts.routing import telegram_destination
from monitor.daemon.log_texts import say
from monitor.db import models as m
from monitor.db.alerting import add_pending, pending_entry
from monitor.feed import atom_feed
from monitor.files import write_atomically
from monitor.reports import render_report
from monitor.rules import RuleConfig
from monitor.vocab import Lang

log = logging.getLogger(__name__)
EXTENSIONS = {"md": "md", "html": "html", "csv": "csv", "json": "json", "atom": "atom"}
ALL = "all"


class ReportParams(BaseModel):
    """What a report job may be given (checked when the daemon starts)."""

    model_config = ConfigDict(extra="forbid")

    report: Literal["digest", "status", "budget", "feed"]
    format: Literal["md", "html", "csv", "json", "atom"] = "html"
    jurisdictions: list[str] = []  # one report each; empty: one report over all of them
    days: Annotated[int, Field(ge=1)] = 30  # digest: "due in the next N days"
    to_folder: bool = True
    folder: str = ""  # relative to the reports_dir setting, or absolute
    filename: str | None = None  # a fixed name (a feed polled at one URL) instead of a dated one
    telegram: Literal["subscribers", "none"] | list[int] = "none"
    send_as: Literal["document", "message"] = "document"

    def file_format(self) -> str:
        return "atom" if self.report == "feed" else self.format


@dataclass(frozen=True)
class ReportContext:
    reports_dir: Path
    tz: ZoneInfo
    lang: Lang
    telegram: bool  # a Telegram token is set: chats can be reached
    rules: RuleConfig | None = None


@dataclass
class ReportRun:
    files: list[Path] = field(default_factory=list)
    queued: int = 0


def render(
    session: Session,
    params: ReportParams,
    place: str | None,
    as_of: datetime,
    since: datetime | None,
    ctx: ReportContext,
) -> bytes:
    if params.report == "feed":
        return atom_feed(session, as_of=as_of, tz=ctx.tz, lang=ctx.lang, jurisdiction=place)
    return render_report(
        session,
        params.report,
        params.format,
        as_of=as_of,
        tz=ctx.tz,
        lang=ctx.lang,
        jurisdiction=place,
        since=since,
        days=params.days,
        config=ctx.rules,
    )


def file_name(job_id: str, params: ReportParams, place: str | None, scheduled: datetime, tz: ZoneInfo) -> str:
    suffix = f"-{place}" if place else ""
    if params.filename:
        stem, dot, ext = params.filename.rpartition(".")
        return f"{stem}{suffix}{dot}{ext}" if dot else f"{params.filename}{suffix}"
    day = scheduled.astimezone(tz).date().isoformat()
    return f"{day}-{job_id}{suffix}.{EXTENSIONS[params.file_format()]}"


def _chats(session: Session, params: ReportParams) -> dict[str, list[int]]:
    """Chats to send to, by the jurisdiction of the copy they get ("all": the report over everything)."""
    if params.telegram == "none":
        return {}
    if isinstance(params.telegram, list):
        places = params.jurisdictions or [ALL]
        return {place: list(params.telegram) for place in places}
    query = (
        select(m.Subscription.jurisdiction, m.Subscription.chat_id)
        .join(m.TelegramChat, m.TelegramChat.chat_id == m.Subscription.chat_id)
        .where(m.Subscription.active.is_(True), m.TelegramChat.disabled_at.is_(None))
        .order_by(m.Subscription.id)
    )
    chats: dict[str, list[int]] = {}
    for place, chat_id in session.execute(query):
        key = place or ALL
        if params.jurisdictions and key not in params.jurisdictions:
            continue
        if chat_id not in chats.setdefault(key, []):
            chats[key].append(chat_id)
    return chats


def run_report_job(
    session: Session,
    job_id: str,
    params: ReportParams,
    *,
    scheduled: datetime,
    since: datetime | None,
    now: datetime,
    ctx: ReportContext,
) -> ReportRun:
    """Render, write and queue one scheduled run of a report job (as of `scheduled`)."""
    result = ReportRun()
    rendered: dict[tuple[str, str], bytes] = {}

    def content(place: str, fmt: str) -> bytes:
        if (place, fmt) not in rendered:
            wanted = params.model_copy(update={"format": fmt})
            jurisdiction = None if place == ALL else place
            rendered[(place, fmt)] = render(session, wanted, jurisdiction, scheduled, since, ctx)
        return rendered[(place, fmt)]

    if params.to_folder:
        folder = ctx.reports_dir / params.folder
        for place in params.jurisdictions or [ALL]:
            path = folder / file_name(job_id, params, None if place == ALL else place, scheduled, ctx.tz)
            write_atomically(path, content(place, params.format))
            result.files.append(path)
            log.info(say("report_written", ctx.lang, job=job_id, path=path))
    if ctx.telegram:
        for place, chat_ids in _chats(session, params).items():
            name = file_name(job_id, params, None if place == ALL else place, scheduled, ctx.tz)
            day = scheduled.astimezone(ctx.tz).date()
            # Sent as messages, a report is its Markdown text; as a document, the file the folder gets.
            body = content(
                place, "md" if params.send_as == "message" and params.report != "feed" else params.format
            )
            payload = _payload(job_id, params, place, name, body, day)
            for chat_id in chat_ids:
                destination = telegram_destination(chat_id)
                key = f"report:{job_id}:{scheduled.isoformat()}:{place}@{destination}"
                if session.scalar(select(m.OutboxEntry.id).where(m.OutboxEntry.dedup_key == key)):
                    continue  # this run was queued before (a run made up after a crash)
                group = key.partition("@")[0]  # one report per batch: a batch is sent as one file
                add_pending(session, pending_entry(key, f"report:{job_id}", destination, group, payload, now))
                result.queued += 1
    return result


def _payload(
    job_id: str, params: ReportParams, place: str, name: str, body: bytes, day: date
) -> ReportPayload:
    return ReportPayload(
        subject=job_id,
        jurisdiction=place,
        report=params.report,
        format=params.file_format(),
        send_as=params.send_as,
        filename=name,
        content=body,
        at=day,
    )
