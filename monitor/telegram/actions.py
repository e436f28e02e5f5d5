"""Bot commands that change a chat's settings: /subscribe, /unsubscribe, /lang, /mute, /unmute, and
/report (a digest queued through the outbox, so it is rate-limited and recorded like any alert).

In groups these are for the group's admins; `dispatch` checks that before calling them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.alerts.config import LifecycleConfig
from monitor.alerts.muting import code_matches
from monitor.alerts.routing import telegram_destination
from monitor.alerts.silences import add_silence, remove_silence
from monitor.daemon.digest import enqueue_digest
from monitor.db import models as m
from monitor.durations import parse_duration
from monitor.snapshot.scope import places
from monitor.telegram import chats
from monitor.telegram.protocol import Env, Reply, Request, UsageError, h, is_jurisdiction, scope_from
from monitor.telegram.queries import describe
from monitor.telegram.texts import say
from monitor.timeutil import isoformat_local
from monitor.vocab import Lang

# /subscribe key=value: the keys people type (English or Korean) → the filter they set.
FILTER_KEYS = {
    "jurisdiction": "jurisdiction",
    "j": "jurisdiction",
    "지자체": "jurisdiction",
    "지역": "jurisdiction",
    "category": "category",
    "분야": "category",
    "prefix": "code_prefix",
    "code": "code_prefix",
    "코드": "code_prefix",
    "severity": "min_severity",
    "등급": "min_severity",
    "lang": "language",
    "언어": "language",
}
REPORT_CHARTS = {"chart": "status", "status": "status", "budget": "budget", "예산": "budget"}


def _language(text: str) -> Lang:
    if text not in ("ko", "en"):
        raise UsageError("lang")
    return "ko" if text == "ko" else "en"


def _filters(session: Session, args: tuple[str, ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    for arg in args:
        key, eq, value = arg.partition("=")
        if eq:
            if key.lower() not in FILTER_KEYS or not value:
                raise UsageError("subscribe")
            found[FILTER_KEYS[key.lower()]] = value
        elif is_jurisdiction(session, arg):
            found["jurisdiction"] = arg
        else:
            found["code_prefix"] = arg
    return found


def subscribe(session: Session, request: Request, env: Env) -> Reply:
    filters = _filters(session, request.args)
    language = _language(filters.pop("language")) if "language" in filters else None
    subscription = chats.subscribe(
        session,
        request.chat_id,
        by=request.who,
        now=request.now,
        language=language,
        chat_type=request.chat_type,
        title=request.chat_title,
        **filters,
    )
    lang = language or env.lang
    matched = describe(places(session), subscription, lang)
    return Reply(h(say("subscribed", lang, id=subscription.id, filters=matched)))


def unsubscribe(session: Session, request: Request, env: Env) -> Reply:
    arg = request.args[0] if request.args else "all"
    if len(request.args) > 1 or not (arg == "all" or arg.lstrip("#").isdigit()):
        raise UsageError(request.command)
    which = None if arg == "all" else int(arg.lstrip("#"))
    count = chats.unsubscribe(session, request.chat_id, request.now, which)
    return Reply(h(say("unsubscribed", env.lang, count=count)))


def set_lang(session: Session, request: Request, env: Env) -> Reply:
    if len(request.args) != 1:
        raise UsageError(request.command)
    lang = _language(request.args[0])
    chats.ensure_chat(session, request.chat_id, request.now, request.chat_type, request.chat_title)
    chats.set_language(session, request.chat_id, lang, request.now)
    return Reply(h(say("lang_set", lang)))


def mute(session: Session, request: Request, env: Env) -> Reply:
    if len(request.args) < 3:
        raise UsageError(request.command)
    code, duration_text, *reason = request.args
    try:
        duration = parse_duration(duration_text)
    except ValueError:
        raise UsageError(request.command) from None
    silence = add_silence(
        session,
        code_prefix=code,
        jurisdiction=None,
        until=request.now + duration,
        reason=" ".join(reason),
        by=request.who,
        now=request.now,
        chat_id=request.chat_id,
    )
    until = (isoformat_local(silence.ends_at, env.tz) or "")[:16].replace("T", " ")
    text = say("muted", env.lang, id=silence.id, code=silence.code_prefix, until=until, reason=silence.reason)
    return Reply(h(text))


def unmute(session: Session, request: Request, env: Env) -> Reply:
    if len(request.args) > 1:
        raise UsageError(request.command)
    arg = request.args[0].lstrip("#") if request.args else None
    mutes = session.scalars(
        select(m.Silence).where(
            m.Silence.chat_id == request.chat_id,
            m.Silence.removed_at.is_(None),
            m.Silence.ends_at > request.now,
        )
    ).all()
    chosen = [
        s
        for s in mutes
        if arg is None
        or (arg.isdigit() and s.id == int(arg))
        or (s.code_prefix is not None and code_matches(s.code_prefix, arg))
    ]
    if not chosen:
        return Reply(h(say("no_mutes", env.lang)))
    for silence in chosen:
        remove_silence(session, silence.id, request.who, request.now)
    return Reply(h(say("unmuted", env.lang, count=len(chosen))))


def report(session: Session, request: Request, env: Env) -> Reply:
    """An on-demand digest for this chat, over the jurisdictions it follows."""
    if len(request.args) > 1 or (request.args and request.args[0].lower() not in REPORT_CHARTS):
        raise UsageError(request.command)
    scope = scope_from(session, request, None)
    params: dict[str, object] = {"top": 10, "jurisdictions": sorted(scope.jurisdictions)}
    if request.args:
        params["chart"] = REPORT_CHARTS[request.args[0].lower()]
    chats.ensure_chat(session, request.chat_id, request.now, request.chat_type, request.chat_title)
    config = LifecycleConfig(destinations=(telegram_destination(request.chat_id),))
    written = enqueue_digest(session, f"report:{request.chat_id}", request.now, config, params, env.rules)
    if not written:
        return Reply(h(say("report_empty", env.lang)))
    return Reply(h(say("report_queued", env.lang)), deliver=True)
