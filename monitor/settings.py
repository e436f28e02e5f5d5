"""Configuration: environment (`MONITOR_*`), an optional `.env` file and an optional TOML file.

Precedence, highest first: environment, `.env`, the TOML file (`--config` or `MONITOR_CONFIG`),
built-in defaults. Settings are built once in the entry point and passed down; nothing here runs at
import time.
"""

from __future__ import annotations

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

import platformdirs
import pydantic
from pydantic import AfterValidator, BeforeValidator, Field, SecretStr, ValidationError
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from monitor.durations import check_durations, parse_duration, parse_durations
from monitor.settings_checks import (
    check_base_url,
    check_chain_key,
    check_database_url,
    check_timezone,
    check_token,
)
from monitor.settings_errors import ENV_PREFIX, invalid_setting, read_config_file

Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
Durations = Annotated[list[Duration], NoDecode, BeforeValidator(parse_durations)]


def default_alerts_file() -> Path:
    return platformdirs.user_data_path("pledge-monitor") / "alerts.jsonl"


def default_reports_dir() -> Path:
    return platformdirs.user_data_path("pledge-monitor") / "reports"


# Where a wheel puts the top-level `seeds/` and `jobs/` folders inside the package (pyproject.toml).
SHIPPED_SEEDS = "_seeds"
SHIPPED_JOBS = "_jobs"


def default_seeds_dir() -> Path:
    """The seed documents shipped with the package, whatever the current folder (see `shipped`)."""
    return shipped("seeds", SHIPPED_SEEDS)


def default_jobs_dir() -> Path:
    """The scheduled job definitions shipped with the package, whatever the current folder."""
    return shipped("jobs", SHIPPED_JOBS)


def shipped(folder: str, packaged: str) -> Path:
    """A top-level folder of the repository that ships inside the package.

    An installed wheel carries it as `monitor/<packaged>`; an editable install runs from the checkout,
    whose top-level folder beside the package is the one copy. When neither exists the packaged path
    is returned, so an error names where it was expected."""
    from importlib.resources import files

    package = Path(str(files("monitor")))
    inside = package / packaged
    checkout = package.parent / folder
    return checkout if not inside.is_dir() and checkout.is_dir() else inside


def default_database_url() -> str:
    """SQLite file in the per-user data directory (e.g. ~/.local/share/pledge-monitor/)."""
    path = platformdirs.user_data_path("pledge-monitor") / "monitor.sqlite3"
    return f"sqlite:///{path}"


class Settings(BaseSettings):
    """Every setting of the monitor. See the README's configuration table."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        hide_input_in_errors=True,
    )

    database_url: Annotated[str, AfterValidator(check_database_url)] = Field(
        default_factory=default_database_url,
        description="SQLAlchemy URL; default is a SQLite file in the user data directory.",
    )
    timezone: Annotated[str, AfterValidator(check_timezone)] = Field(
        default="Asia/Seoul", description="Time zone in which calendar-date deadlines end."
    )
    language: Literal["ko", "en"] = Field(default="ko", description="Language of user-facing text.")
    telegram_token: Annotated[SecretStr | None, AfterValidator(check_token)] = Field(
        default=None, description="Bot token; without it alerts go to the console and a file."
    )
    telegram_base_url: Annotated[str | None, AfterValidator(check_base_url)] = Field(
        default=None, description="Bot API server URL (tests, local Bot API server)."
    )
    telegram_admin_chat_id: int | None = Field(
        default=None, description="Chat told when a subscription is disabled by a permanent error."
    )
    telegram_timeout: Duration = Field(
        default=timedelta(seconds=10), description="Read timeout of one Bot API request."
    )
    telegram_confirm_timeout: Duration = Field(
        default=timedelta(minutes=10), description="How long a /log waits for its confirmation."
    )
    seeds_dir: Path = Field(
        default_factory=default_seeds_dir,
        description="Folder with the structured seed files; default: the ones shipped with the package.",
    )
    jobs_dir: Path = Field(
        default_factory=default_jobs_dir,
        description="Folder with the job definitions; default: the ones shipped with the package.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(default="INFO", description="Log level.")
    alerts_file: Path = Field(
        default_factory=default_alerts_file, description="JSON-lines file the file notifier appends to."
    )
    reports_dir: Path = Field(
        default_factory=default_reports_dir,
        description="Where scheduled reports are written (a job's relative `folder` is under it).",
    )

    # Detection rules (see the README's "Rules" section).
    grace_period: Duration = Field(
        default=timedelta(days=7), description="Time after a deadline before overdue."
    )
    event_grace: Duration = Field(
        default=timedelta(days=1), description="Time after an event to confirm it was held."
    )
    budget_grace: Duration = Field(
        default=timedelta(days=90),
        description="Time after a fiscal year ends for its execution to be reported.",
    )
    lead_times: Durations = Field(
        default=[timedelta(days=90), timedelta(days=30), timedelta(days=7), timedelta(days=1)],
        description="Due-soon notices this long before a deadline.",
    )
    event_lead_times: Durations = Field(
        default=[
            timedelta(days=90),
            timedelta(days=30),
            timedelta(days=7),
            timedelta(days=1),
            timedelta(hours=1),
        ],
        description="Reminders this long before an event starts.",
    )
    stale_after: Duration = Field(
        default=timedelta(days=120), description="No progress report for this long: stale."
    )
    candidate_alerts: Literal["say", "quiet"] = Field(
        default="say",
        description="A pending candidate's stale and overdue states: named as theirs (say) or none (quiet).",
    )
    underspend_threshold: Annotated[Decimal, Field(gt=0, le=1)] = Field(
        default=Decimal("0.9"), description="Executed below planned × this: underspent."
    )
    plausible_factor: Annotated[Decimal, Field(gt=1, le=1000)] = Field(
        default=Decimal("1.5"),
        description="A report of executed or secured above planned × this is refused unless confirmed.",
    )
    trend_min_reports: Annotated[int, Field(ge=2, le=1000)] = Field(
        default=2, description="Reported values needed before a trend is projected."
    )

    # Alert lifecycle and delivery.
    repeat_interval: Duration = Field(
        default=timedelta(days=7), description="A firing alert repeats this often."
    )
    group_wait: Duration = Field(
        default=timedelta(seconds=30), description="Wait to group alerts into one message."
    )
    retry_for: Duration = Field(
        default=timedelta(hours=24),
        description="How long a delivery that fails transiently (timeouts, 5xx) is retried.",
    )
    delivery_lease: Duration = Field(
        default=timedelta(seconds=30),
        description="A chat being delivered to is reserved this long, renewed while sending; "
        "after a crash another daemon takes it over then.",
    )
    leader_lease: Duration = Field(
        default=timedelta(seconds=15),
        description="The leading daemon's lease, renewed every third of it; a follower takes over when "
        "it runs out.",
    )
    shutdown_timeout: Duration = Field(
        default=timedelta(seconds=30),
        description="On SIGTERM, how long the daemon waits for work in flight before it exits.",
    )
    metrics_port: int | None = Field(
        default=None, ge=1, le=65535, description="Serve Prometheus metrics on this port (127.0.0.1)."
    )
    metrics_host: str = Field(default="127.0.0.1", description="Address the metrics port listens on.")
    sweep_interval: Duration = Field(
        default=timedelta(hours=1), description="Full evaluation pass this often."
    )
    poll_interval: Duration = Field(
        default=timedelta(seconds=2),
        description="How often the daemon checks for new progress, seeds or silences.",
    )

    # Tamper evidence (see the README's "What the history chain protects, against whom").
    chain_key: Annotated[SecretStr | None, AfterValidator(check_chain_key)] = Field(
        default=None, description="Key of the history entries' HMAC; never stored in the database."
    )
    head_channel: int | None = Field(
        default=None, description="Telegram chat or channel the daemon publishes the chain head to."
    )
    head_publish_interval: Duration = Field(
        default=timedelta(days=1), description="How often the daemon publishes the chain head."
    )

    @pydantic.field_validator("*", mode="after")
    @classmethod
    def _duration_in_range(cls, value: Any, info: pydantic.ValidationInfo) -> Any:
        return check_durations(value, info.field_name or "")  # each within monitor.limits' range

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, dotenv_settings, TomlConfigSettingsSource(settings_cls))


def load_settings(
    config_file: Path | None = None, env_file: Path | None = Path(".env"), **overrides: Any
) -> Settings:
    """Build the settings; raise `SettingsError` with a one-line, secret-free message on a bad value,
    in English and Korean (monitor.settings_errors)."""
    if config_file is None and os.environ.get(ENV_PREFIX + "CONFIG"):
        config_file = Path(os.environ[ENV_PREFIX + "CONFIG"])
    settings_cls: type[Settings] = Settings
    if config_file is not None:
        read_config_file(config_file, Settings.model_fields)
        # A subclass carries the file path into the TOML source without any module-level state.
        settings_cls = type(
            "Settings",
            (Settings,),
            {"model_config": SettingsConfigDict(**{**Settings.model_config, "toml_file": config_file})},
        )
    try:
        return settings_cls(_env_file=env_file, **overrides)
    except ValidationError as exc:
        raise invalid_setting(exc, config_file, env_file) from None
