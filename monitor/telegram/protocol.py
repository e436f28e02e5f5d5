"""What a bot command receives and returns, independent of python-telegram-bot: the handlers are plain
functions of (session, request, env), testable without a network, and the bot module is the only glue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.alerts.muting import code_matches
from monitor.db import models as m
from monitor.errors import InputError, NotFoundError
from monitor.rules.config import RuleConfig
from monitor.sinks import telegram_attribute, telegram_html
from monitor.vocab import Lang


class UsageError(InputError):
    """A malformed command: answered with the command's usage line."""


@dataclass(frozen=True)
class Request:
    command: str
    args: tuple[str, ...]
    user_id: int
    user_name: str
    chat_id: int
    chat_type: str  # private, group, supergroup, channel
    now: datetime
    chat_title: str | None = None
    is_admin: bool = True  # in a group: the sender is one of its admins (getChatMember)

    @property
    def in_group(self) -> bool:
        return self.chat_type in {"group", "supergroup"}

    @property
    def who(self) -> str:
        return f"{self.user_name} (tg:{self.user_id})"


@dataclass(frozen=True)
class Reply:
    """HTML text (data already escaped), optional inline buttons (label, callback data)."""

    html: str
    buttons: tuple[tuple[str, str], ...] = ()
    deliver: bool = False  # outbox rows were written: run the sender now
    edit: bool = False  # a callback answer: replace the message it came from


@dataclass(frozen=True)
class Env:
    tz: ZoneInfo
    lang: Lang
    confirm_ttl: timedelta = timedelta(minutes=10)
    list_limit: int = 15  # lines of a list before "… and N more"
    rule_config: RuleConfig | None = None  # the daemon's rules (default: the defaults in `tz`)
    plausible_factor: Decimal = Decimal("1.5")  # the `plausible_factor` setting: /log confirms above it

    @property
    def rules(self) -> RuleConfig:
        """The rules the bot's answers are evaluated with: the same as the daemon's."""
        return self.rule_config or RuleConfig(tz=self.tz)


@dataclass(frozen=True)
class Scope:
    """Which part of the registry a question is about: empty means everything."""

    jurisdictions: frozenset[str] = field(default_factory=frozenset)
    prefix: str | None = None

    def covers(self, code: str, parties: list[str] | tuple[str, ...]) -> bool:
        if self.prefix is not None and not code_matches(code, self.prefix):
            return False
        return not self.jurisdictions or any(p in self.jurisdictions for p in parties)


def h(value: object) -> str:
    """Data text made safe for parse_mode=HTML: the Telegram sink of `monitor.sinks`."""
    return telegram_html(value)


def link(url: str, label: str) -> str:
    return f'<a href="{telegram_attribute(url)}">{h(label)}</a>'


def is_jurisdiction(session: Session, slug: str) -> bool:
    return session.scalar(select(m.Jurisdiction.id).where(m.Jurisdiction.slug == slug)) is not None


def scope_from(session: Session, request: Request, arg: str | None) -> Scope:
    """An explicit argument (jurisdiction slug or code prefix), else the chat's subscriptions."""
    if arg is not None:
        if is_jurisdiction(session, arg):
            return Scope(frozenset({arg}))
        codes = session.scalars(select(m.Commitment.code).where(m.Commitment.retired_at.is_(None)))
        if any(code_matches(code, arg) for code in codes):
            return Scope(prefix=arg.upper())
        raise NotFoundError(
            f"{arg!r} is neither a jurisdiction nor a commitment code",
            ko=f"'{arg}'은(는) 지자체도 공약 코드도 아닙니다",
        )
    subscribed = session.scalars(
        select(m.Subscription.jurisdiction).where(
            m.Subscription.chat_id == request.chat_id, m.Subscription.active.is_(True)
        )
    ).all()
    if not subscribed or None in subscribed:
        return Scope()
    return Scope(frozenset(s for s in subscribed if s is not None))
