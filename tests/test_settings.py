"""Settings: defaults, sources and precedence, one-line errors, and the token kept secret."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from monitor.errors import SettingsError
from monitor.logs import configure_logging
from monitor.settings import load_settings
from tests.factories import run_cli

TOKEN = "123456789:AAExampleExampleExampleExampleExample12"


def test_defaults_are_sqlite_in_user_data_dir_seoul_and_korean(tmp_path: Path) -> None:
    settings = load_settings(env_file=None)
    assert settings.database_url.startswith("sqlite:///")
    assert settings.database_url.endswith("pledge-monitor/monitor.sqlite3")
    assert settings.timezone == "Asia/Seoul"
    assert settings.language == "ko"
    assert settings.telegram_token is None
    assert settings.telegram_base_url is None


def test_environment_overrides_dotenv_which_overrides_toml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "monitor.toml"
    config.write_text('language = "en"\ntimezone = "UTC"\nlog_level = "DEBUG"\n', encoding="utf-8")
    dotenv = tmp_path / ".env"
    dotenv.write_text("MONITOR_TIMEZONE=Europe/Berlin\nMONITOR_LOG_LEVEL=WARNING\n", encoding="utf-8")
    monkeypatch.setenv("MONITOR_LOG_LEVEL", "ERROR")
    settings = load_settings(config, env_file=dotenv)
    assert settings.language == "en"  # only in the TOML file
    assert settings.timezone == "Europe/Berlin"  # .env beats TOML
    assert settings.log_level == "ERROR"  # environment beats .env


def test_config_file_can_come_from_monitor_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "monitor.toml"
    config.write_text('language = "en"\n', encoding="utf-8")
    monkeypatch.setenv("MONITOR_CONFIG", str(config))
    assert load_settings(env_file=None).language == "en"


def test_bad_timezone_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONITOR_TIMEZONE", "Mars/Olympus")
    with pytest.raises(SettingsError) as caught:
        load_settings(env_file=None)
    assert str(caught.value).startswith("MONITOR_TIMEZONE: unknown time zone 'Mars/Olympus'")
    assert "\n" not in str(caught.value)


def test_bad_value_in_config_file_names_file_and_key(tmp_path: Path) -> None:
    config = tmp_path / "monitor.toml"
    config.write_text('language = "fr"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match=r"^'language' in .*monitor.toml: Input should be 'ko' or 'en'$"):
        load_settings(config, env_file=None)


def test_unknown_key_and_missing_config_file_are_errors(tmp_path: Path) -> None:
    config = tmp_path / "monitor.toml"
    config.write_text('langauge = "en"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="unknown setting 'langauge'"):
        load_settings(config, env_file=None)
    with pytest.raises(SettingsError, match="configuration file not found"):
        load_settings(tmp_path / "missing.toml", env_file=None)


def test_unsupported_database_url_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONITOR_DATABASE_URL", "mysql://root@localhost/test")
    with pytest.raises(SettingsError, match=r"^MONITOR_DATABASE_URL: unsupported database 'mysql'"):
        load_settings(env_file=None)


def test_bad_setting_exits_2_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "monitor", "--lang", "en", "list"],
        env={"MONITOR_LANGUAGE": "fr", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["error: MONITOR_LANGUAGE: Input should be 'ko' or 'en'"]
    assert "Traceback" not in result.stderr


def test_token_never_appears_in_repr_or_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONITOR_TELEGRAM_TOKEN", TOKEN)
    settings = load_settings(env_file=None)
    assert settings.telegram_token is not None
    assert settings.telegram_token.get_secret_value() == TOKEN
    assert TOKEN not in repr(settings) and TOKEN not in str(settings)
    assert TOKEN not in str(settings.model_dump())
    monkeypatch.setenv("MONITOR_TELEGRAM_TOKEN", "not-a-token-" + TOKEN[::-1])
    with pytest.raises(SettingsError) as caught:
        load_settings(env_file=None)
    assert "MONITOR_TELEGRAM_TOKEN" in str(caught.value)
    assert TOKEN[::-1] not in str(caught.value)


def test_token_is_redacted_from_log_lines(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", secrets=[TOKEN])
    logging.getLogger("httpx").warning("POST https://api.telegram.org/bot%s/sendMessage", TOKEN)
    logging.getLogger("monitor").info("token is %s", TOKEN)
    err = capsys.readouterr().err
    assert TOKEN not in err
    assert err.count("[REDACTED]") == 2


def test_bad_setting_via_cli_runner_exits_2(sqlite_url: str) -> None:
    result = run_cli(["--lang", "en", "list"], db_url=sqlite_url, env={"MONITOR_TIMEZONE": "Nowhere/Land"})
    assert result.exit_code == 2
    assert result.stderr.startswith("error: MONITOR_TIMEZONE: unknown time zone")
