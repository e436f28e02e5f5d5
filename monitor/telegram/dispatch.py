"""From a command name to its handler, with the rules every command shares: the chat's language, group
admins only for settings, a usage line for a malformed command, one line for a user's mistake — never a
stack trace — and one transaction per command (a refused attempt is still recorded)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session, sessionmaker

from monitor.errors import MonitorError
from monitor.telegram import actions, chats, officials, queries
from monitor.telegram.protocol import Env, Reply, Request, UsageError, h
from monitor.telegram.texts import USAGE, say

log = logging.getLogger(__name__)
Handler = Callable[[Session, Request, Env], Reply]


@dataclass(frozen=True)
class Command:
    handler: Handler
    admin: bool = False  # in a group, only its admins may run it


COMMANDS: dict[str, Command] = {
    "start": Command(queries.start),
    "help": Command(queries.help_text),
    "subscribe": Command(actions.subscribe, admin=True),
    "unsubscribe": Command(actions.unsubscribe, admin=True),
    "subscriptions": Command(queries.subscription_list),
    "lang": Command(actions.set_lang, admin=True),
    "status": Command(queries.status),
    "overdue": Command(queries.overdue),
    "upcoming": Command(queries.upcoming),
    "show": Command(queries.show),
    "mute": Command(actions.mute, admin=True),
    "unmute": Command(actions.unmute, admin=True),
    "report": Command(actions.report),
    "log": Command(officials.log_command),
    "callback:log": Command(officials.confirm),
}


def needs_admin(command: str) -> bool:
    spec = COMMANDS.get(command)
    return spec is not None and spec.admin


def handle(sessions: sessionmaker[Session], request: Request, env: Env) -> Reply:
    """Run one command in its own transaction and return what to answer."""
    try:
        with sessions.begin() as session:
            return _run(session, request, env)
    except UsageError as exc:
        usage = USAGE.get(str(exc) or request.command, f"/{request.command}")
        return Reply(h(say("usage", env.lang, usage=usage)))
    except MonitorError as exc:
        return Reply(h(say("error", env.lang, message=exc.localized(env.lang))))


def _run(session: Session, request: Request, base: Env) -> Reply:
    env = replace(base, lang=chats.language(session, request.chat_id, base.lang))
    spec = COMMANDS.get(request.command)
    if spec is None:
        return Reply(h(say("unknown_command", env.lang)))
    if spec.admin and request.in_group and not request.is_admin:
        return officials.refuse(session, request, "not an admin of the group", say("admins_only", env.lang))
    return spec.handler(session, request, env)
