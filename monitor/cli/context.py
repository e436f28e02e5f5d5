"""What every command needs, built lazily from the options of the `monitor` group.

Nothing is built at import time, and `--help` works even when the configuration is broken. Nothing
heavy is imported at import time either: settings (pydantic), the database (SQLAlchemy, Alembic), rich
and the alerting stack are imported by the method that first needs them, so `monitor --help` and a
command's `--help` stay fast (tests/test_cli_imports.py checks the import graph).
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import click

from monitor.errors import BadValueError, DatabaseError
from monitor.i18n import t
from monitor.limits import OutOfRange
from monitor.timeutil import parse_instant

if TYPE_CHECKING:
    from rich.console import Console
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from monitor.alerts.config import LifecycleConfig
    from monitor.notify.base import Notifier
    from monitor.rules import RuleConfig
    from monitor.settings import Settings
    from monitor.vocab import Lang


class AppContext:
    def __init__(self, config_file: Path | None, lang: Lang | None, verbose: int) -> None:
        self.config_file = config_file
        self._lang = lang
        self.verbose = verbose

    @cached_property
    def console(self) -> Console:
        from rich.console import Console

        return Console(soft_wrap=False)

    @cached_property
    def err(self) -> Console:
        from rich.console import Console

        return Console(stderr=True)

    @cached_property
    def settings(self) -> Settings:
        from monitor.logs import configure_logging
        from monitor.settings import load_settings

        settings = load_settings(self.config_file)  # a bad value: SettingsError, in both languages
        level = "DEBUG" if self.verbose > 1 else "INFO" if self.verbose else settings.log_level
        secrets = [s.get_secret_value() for s in (settings.telegram_token, settings.chain_key) if s]
        configure_logging(level, secrets=secrets)
        if level != "DEBUG":  # matplotlib says at INFO that it built its font cache: not the user's news
            logging.getLogger("matplotlib").setLevel(logging.WARNING)
        return settings

    @property
    def lang(self) -> Lang:
        return self._lang or self.settings.language

    @cached_property
    def engine(self) -> Engine:
        from monitor.db.engine import make_engine

        return make_engine(self.settings.database_url)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        """Sessions that chain every write, MAC'd with the chain key when one is set."""
        from monitor.db.chain import use_key
        from monitor.db.engine import make_session_factory

        key = self.settings.chain_key
        use_key(self.engine, key.get_secret_value().encode() if key else None)
        return make_session_factory(self.engine)

    def database_label(self) -> str:
        from sqlalchemy.engine import make_url

        return make_url(self.settings.database_url).render_as_string(hide_password=True)

    def require_schema(self) -> sessionmaker[Session]:
        """Sessions on a database whose schema is current; otherwise say to run `monitor init`."""
        from monitor.db import migrate

        current, head = migrate.current_revision(self.engine), migrate.head_revision()
        label = self.database_label()
        if current is None:
            raise DatabaseError(
                f"database {label} is not initialised: run `monitor init`",
                ko=f"데이터베이스 {label}이(가) 초기화되지 않았습니다: monitor init 을 실행하세요",
            )
        if current != head:
            raise DatabaseError(
                f"database schema is at {current}, this version needs {head}: run `monitor init`",
                ko=f"데이터베이스 스키마는 {current}, 이 버전에 필요한 스키마는 {head}입니다: "
                "monitor init 을 실행하세요",
            )
        return self.sessions

    def rule_config(self) -> RuleConfig:
        from monitor.rules import RuleConfig

        return RuleConfig.from_settings(self.settings)

    def lifecycle_config(self) -> LifecycleConfig:
        from monitor.alerts.config import LifecycleConfig

        settings = self.settings
        return LifecycleConfig(
            repeat_interval=settings.repeat_interval,
            group_wait=settings.group_wait,
            destinations=tuple(self.notifiers()),
            telegram=settings.telegram_token is not None,
        )

    def notifiers(self) -> dict[str, Notifier]:
        """The console and the JSON-lines file, always — with a Telegram token too (the daemon adds the
        Telegram notifier for the subscribed chats): when Telegram is down or refuses the token, the
        operator still sees every alert on the console (journald) and in the file."""
        from monitor.notify.console import ConsoleNotifier, JsonLinesNotifier

        file = JsonLinesNotifier(self.settings.alerts_file, self.now)
        return {"console": ConsoleNotifier(sys.stdout, self.lang), "file": file}

    def instant(self, text: str | None) -> datetime:
        """A user-typed instant (date or date-time, read in the configured zone); default now."""
        if text is None:
            return self.now()
        option = _option_given(text)
        option = f"{option}: " if option else ""
        try:
            return parse_instant(text, self.settings.tz)
        except OutOfRange as exc:
            raise BadValueError(f"{option}{exc}", ko=f"{option}{exc.ko}") from None
        except ValueError:
            ko, en = (t("error.instant", lang, option=option, text=text) for lang in ("ko", "en"))
            raise BadValueError(en, ko=ko) from None

    def now(self) -> datetime:
        """The one place the CLI reads the wall clock; everything below receives the instant."""
        return datetime.now(UTC)


def _option_given(value: str) -> str | None:
    """The option of the running command that was given `value` (`--as-of`), to name it in a message."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return None
    for param in ctx.command.params:
        if isinstance(param, click.Option) and param.name and ctx.params.get(param.name) == value:
            return max(param.opts, key=len)
    return None
