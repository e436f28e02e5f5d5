"""The one place where a failed command becomes what the user reads: one line `error: …` (a usage error
shows click's frame, usage and help hint, then `오류: …`), in Korean unless `--lang en` or the
`language` setting says English, and an exit code.

User mistakes never show a stack trace: click's usage errors (2), `MonitorError`s (their code), a file
that cannot be written or read (1, the path and the reason: 권한 없음, 폴더가 아님 …), an unreachable
database (1) and Ctrl-C (130). Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from monitor.cli.click_ko import message, usage_error_lines
from monitor.cli.context import AppContext
from monitor.cli.help_ko import option_value
from monitor.cli.output import echo
from monitor.errors import MonitorError, SeedError
from monitor.files import os_reason
from monitor.i18n import t
from monitor.vocab import Lang

INTERRUPTED = 130  # 128 + SIGINT, as shells report it


class Failed(Exception):
    """A command raised `error` while running with `app` (its language and database, for the message)."""

    def __init__(self, error: BaseException, app: AppContext | None) -> None:
        super().__init__(str(error))
        self.error = error
        self.app = app


def report(exc: BaseException, argv: Sequence[str], app: AppContext | None) -> int | None:
    """Print `exc` for the user and return the exit code; None when it is not a user's mistake."""
    lang = language(argv, app)
    if _interrupted(exc):
        lines, code = [t("error.interrupted", lang)], INTERRUPTED
    elif isinstance(exc, click.UsageError):
        lines, code = usage_error_lines(exc, lang), exc.exit_code
    elif isinstance(exc, click.ClickException | click.Abort):
        lines, code = [_line(message(exc, lang) if isinstance(exc, click.ClickException) else "", lang)], 1
    elif isinstance(exc, MonitorError):
        lines, code = _monitor_error(exc, lang), exc.exit_code
    elif _is_operational_error(exc):
        lines, code = [_line(_database(exc, app, lang), lang)], 1
    elif isinstance(exc, OSError):
        lines, code = [_line(_os_error(exc, lang), lang)], 1
    else:
        return None
    for line in lines:
        echo(line.rstrip(), err=True)
    return code


def _line(text: str, lang: Lang = "en") -> str:
    """`오류: …` in Korean, `error: …` in English."""
    return f"{t('error.prefix', lang)}: {text}"


def _interrupted(exc: BaseException) -> bool:
    """Ctrl-C: KeyboardInterrupt, or click's Abort made of one."""
    return isinstance(exc, KeyboardInterrupt) or (
        isinstance(exc, click.Abort) and isinstance(exc.__cause__ or exc.__context__, KeyboardInterrupt)
    )


def _monitor_error(exc: MonitorError, lang: Lang) -> list[str]:
    """In the user's language (an error without a Korean text shows its English); a seed file's
    problems first, one per line (file:line: message)."""
    problems = exc.problems if isinstance(exc, SeedError) else []
    return [_line(text, lang) for text in (*problems, exc.localized(lang))]


def _database(exc: BaseException, app: AppContext | None, lang: Lang) -> str:
    where = app.database_label() if app is not None else "database"
    orig = getattr(exc, "orig", None)
    reason = str(orig).strip().splitlines()[0] if orig else t("error.database.unknown", lang)
    return t("error.database", lang, where=where, reason=reason)


def _os_error(exc: OSError, lang: Lang) -> str:
    reason = os_reason(exc, lang, Path(exc.filename) if isinstance(exc.filename, str) else None)
    return t("error.path", lang, path=exc.filename, reason=reason) if exc.filename else reason


def _is_operational_error(exc: BaseException) -> bool:
    """Whether `exc` is SQLAlchemy's OperationalError (an unreachable or unusable database), without
    importing SQLAlchemy: a command that never loaded it cannot have raised it."""
    errors = sys.modules.get("sqlalchemy.exc")
    return errors is not None and isinstance(exc, errors.OperationalError)


def language(argv: Sequence[str], app: AppContext | None) -> Lang:
    """`--lang` wherever it is on the command line (even after the mistake), else the `language`
    setting; Korean when neither can be read (the mistake may be in the settings themselves)."""
    given = option_value(argv, "--lang")
    if given in ("ko", "en"):
        return "en" if given == "en" else "ko"
    if app is None:
        config = option_value(argv, "--config")
        app = AppContext(config_file=Path(config) if config else None, lang=None, verbose=0)
    try:
        return app.lang
    except Exception:  # a broken setting is reported by itself; its message needs a language
        return "ko"
