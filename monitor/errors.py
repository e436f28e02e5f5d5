"""Typed errors. Each says what went wrong and what to do; the CLI prints them on one line."""

from __future__ import annotations

from monitor.korean import particles


class MonitorError(Exception):
    """Base for errors caused by the user's input or environment (no stack trace shown).

    `ko`: the same message in Korean, shown by the CLI (Korean by default) and the bot (in the chat's
    language); `str()` stays English, as the logs print it."""

    exit_code = 1

    def __init__(self, message: str, *, ko: str | None = None) -> None:
        super().__init__(message)
        self.ko = ko

    def localized(self, lang: str) -> str:
        """The message in `lang` (Korean with its particles chosen; English when there is no Korean)."""
        return particles(self.ko) if lang == "ko" and self.ko else str(self)


class SettingsError(MonitorError):
    """A configuration value is invalid. Exit code 2, as for any usage error."""

    exit_code = 2


class DatabaseError(MonitorError):
    """The database cannot be reached or is not initialised."""


class NotFoundError(MonitorError):
    """A code or slug given on the command line does not exist."""


class SeedError(MonitorError):
    """Seed files failed schema validation; nothing was written.

    `problems` holds one `file:line: message` string per problem.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        count = len(problems)
        super().__init__(
            f"{count} problem{'s' if count != 1 else ''} in the seed files; nothing was written. "
            "Fix them and run again.",
            ko=f"시드 파일에 문제가 {count}건 있어 아무것도 쓰지 않았습니다. 고친 뒤 다시 실행하세요.",
        )


class HistoryIsAppendOnly(MonitorError):
    """Code tried to change or delete a history row (progress report, status change)."""


class InputError(MonitorError):
    """A value given on the command line (or in a message) cannot be used; nothing was written."""

    exit_code = 2


class Localized(MonitorError):
    """An error that always carries its Korean text (the CLI shows every error in the user's language:
    Korean by default, English with `--lang en`); new errors should derive from this class."""

    def __init__(self, message: str, *, ko: str) -> None:
        super().__init__(message, ko=ko)


class BadValueError(Localized, InputError):
    """A value typed on the command line (a date, a duration) cannot be read; it names the option."""


class OutputFileError(Localized):
    """A file or folder named on the command line (`--out`) cannot be written; nothing was left there."""


class ConfigFileError(Localized, SettingsError):
    """The configuration file (`--config`, MONITOR_CONFIG) is missing, not TOML, or holds a bad value."""


class LocalizedValueError(ValueError):
    """A validator's refusal with its Korean: raised inside a pydantic validator, it is kept in the
    error's `ctx["error"]`, where monitor.settings_errors finds the Korean (`str()` stays English)."""

    def __init__(self, message: str, *, ko: str) -> None:
        super().__init__(message)
        self.ko = ko
