"""/log: an official reports progress from their phone, for their own jurisdiction only.

Two steps, both recorded as access attempts: the command is checked (roster, jurisdiction, and a dry run
of the real write path, so a typo is refused before anyone confirms) and kept as a pending request; only
the inline-keyboard "confirm" of the same person writes the report, through the same `log_progress` the
CLI uses. Anyone not on the roster, or an official outside their jurisdiction, is refused.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from monitor.db import models as m
from monitor.display import place_names
from monitor.progress import log_progress
from monitor.registry import find_code
from monitor.scope import Actor, official_for
from monitor.snapshot.scope import places
from monitor.telegram import chats
from monitor.telegram.protocol import Env, Reply, Request, UsageError, h
from monitor.telegram.texts import say
from monitor.vocab import Channel
from monitor.writecheck import ProgressInput, WriteRefused

CONFIRM, CANCEL = "yes", "no"


def refuse(session: Session, request: Request, reason: str, text: str) -> Reply:
    """Answer `text` and record the refused attempt (who, where, what they typed, why)."""
    chats.record_attempt(
        session,
        user_id=request.user_id,
        chat_id=request.chat_id,
        command=request.command,
        detail=" ".join(request.args),
        allowed=False,
        reason=reason,
        now=request.now,
    )
    return Reply(h(text))


def _fields(target: m.Commitment | m.Milestone, value: str, rest: list[str]) -> dict[str, Any]:
    """VALUE is a number (a quantity, or the amount executed for a budget tranche) or a status word."""
    evidence = [word for word in rest if word.startswith(("http://", "https://"))]
    note = " ".join(word for word in rest if word not in evidence) or None
    fields: dict[str, Any] = {"code": target.code, "note": note, "evidence": evidence}
    try:
        number = Decimal(value.replace(",", ""))
    except InvalidOperation:
        return {**fields, "status": value}
    if not number.is_finite():
        raise UsageError("log")
    key = "executed" if isinstance(target, m.Milestone) and target.kind == "budget" else "value"
    return {**fields, key: str(number)}


def _entry(fields: dict[str, Any], reporter: str) -> ProgressInput:
    return ProgressInput(
        code=fields["code"],
        reporter=reporter,
        channel=Channel.TELEGRAM.value,
        value=Decimal(fields["value"]) if fields.get("value") else None,
        status=fields.get("status"),
        executed=Decimal(fields["executed"]) if fields.get("executed") else None,
        note=fields.get("note"),
        evidence=list(fields.get("evidence", [])),
        confirmed=bool(fields.get("confirmed")),
    )


def reporter(official: m.Official, request: Request) -> str:
    return f"{official.name} (tg:{request.user_id})"


def summary(fields: dict[str, Any]) -> str:
    figure = fields.get("value") or fields.get("executed") or fields.get("status")
    parts = [fields["code"], str(figure), fields.get("note") or "", *fields.get("evidence", [])]
    return " ".join(part for part in parts if part)


def _official_for(session: Session, user_id: int, target: m.Commitment | m.Milestone) -> m.Official | None:
    return official_for(session, Actor(Channel.TELEGRAM.value, telegram_user_id=user_id), target)


def _dry_run(session: Session, entry: ProgressInput, request: Request, env: Env) -> str | None:
    """Run the real write path on a scratch session and roll it back: the same checks, nothing kept.
    Figures far past the plan or target are not refused here: the warning is returned, to be confirmed."""
    with Session(bind=session.get_bind()) as scratch:
        try:
            log_progress(scratch, entry, request.now, env.tz, env.plausible_factor)
        except WriteRefused as refused:
            if not refused.unconfirmed:
                raise
            return refused.render(env.lang)
        finally:
            scratch.rollback()
    return None


def log_command(session: Session, request: Request, env: Env) -> Reply:
    if len(request.args) < 2:
        raise UsageError(request.command)
    officials = chats.active_officials(session, request.user_id)
    if not officials:
        return refuse(session, request, "not on the officials roster", say("not_official", env.lang))
    code, value, *rest = request.args
    target = find_code(session, code)
    official = _official_for(session, request.user_id, target)
    if official is None:
        slugs = sorted({o.jurisdiction for o in officials})
        names = place_names(places(session), slugs, env.lang)
        text = say("wrong_jurisdiction", env.lang, code=target.code, jurisdiction=names)
        return refuse(session, request, f"outside the official's jurisdiction ({', '.join(slugs)})", text)
    fields = _fields(target, value, rest)
    warning = _dry_run(session, _entry(fields, reporter(official, request)), request, env)
    if warning is not None:
        fields["confirmed"] = True  # the reporter sees the warning above the button that confirms it
    pending = m.PendingLog(
        telegram_user_id=request.user_id,
        chat_id=request.chat_id,
        code=target.code,
        request=fields,
        state="pending",
        created_at=request.now,
        expires_at=request.now + env.confirm_ttl,
    )
    session.add(pending)
    session.flush()
    chats.record_attempt(
        session,
        user_id=request.user_id,
        chat_id=request.chat_id,
        command="log",
        detail=summary(fields),
        allowed=True,
        reason=f"official of {official.jurisdiction}; awaiting confirmation #{pending.id}",
        now=request.now,
    )
    buttons = (
        (say("confirm", env.lang), f"log:{CONFIRM}:{pending.id}"),
        (say("cancel", env.lang), f"log:{CANCEL}:{pending.id}"),
    )
    question = say("confirm_log", env.lang, summary=summary(fields))
    if warning is not None:
        question = say("confirm_unusual", env.lang, warning=warning) + "\n" + question
    return Reply(h(question), buttons)


def confirm(session: Session, request: Request, env: Env) -> Reply:
    """The inline-keyboard answer to a /log: `request.args` is (yes|no, pending id)."""
    if len(request.args) != 2 or request.args[0] not in (CONFIRM, CANCEL) or not request.args[1].isdigit():
        raise UsageError("log")
    pending = session.get(m.PendingLog, int(request.args[1]))
    if pending is None or pending.state != "pending":
        return Reply(h(say("log_done_already", env.lang)))
    if pending.telegram_user_id != request.user_id:
        return Reply(h(say("log_not_yours", env.lang)))
    if request.now >= pending.expires_at:
        pending.state = "expired"
        return Reply(h(say("log_expired", env.lang)), edit=True)
    if request.args[0] == CANCEL:
        pending.state = "cancelled"
        return Reply(h(say("log_cancelled", env.lang)), edit=True)
    target = find_code(session, pending.code)
    official = _official_for(session, request.user_id, target)
    if official is None:  # removed from the roster since the /log
        pending.state = "cancelled"
        reply = refuse(
            session, request, "no longer an official of this jurisdiction", say("not_official", env.lang)
        )
        return Reply(reply.html, edit=True)
    log_progress(
        session,
        _entry(pending.request, reporter(official, request)),
        request.now,
        env.tz,
        env.plausible_factor,
    )
    pending.state = "confirmed"
    chats.record_attempt(
        session,
        user_id=request.user_id,
        chat_id=request.chat_id,
        command="log",
        detail=summary(pending.request),
        allowed=True,
        reason=f"confirmed #{pending.id}",
        now=request.now,
    )
    return Reply(h(say("logged", env.lang, summary=summary(pending.request))), edit=True)
