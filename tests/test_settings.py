"""Settings: defaults, sources and precedence, one-line errors (Korean by default, English with --lang en),
and the token kept secret."""

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
    assert caught.value.localized("ko") == (
        "MONITOR_TIMEZONE: 알 수 없는 시간대 'Mars/Olympus'입니다 (Asia/Seoul 같은 IANA 이름을 쓰세요)"
    )


def test_bad_value_in_config_file_names_file_and_key(tmp_path: Path) -> None:
    config = tmp_path / "monitor.toml"
    config.write_text('language = "fr"\n', encoding="utf-8")
    with pytest.raises(
        SettingsError, match=r"^'language' in .*monitor.toml: Input should be 'ko' or 'en'$"
    ) as caught:
        load_settings(config, env_file=None)
    assert caught.value.localized("ko") == (
        f"{config}: 설정 'language'의 값이 잘못되었습니다: 'ko', 'en' 중 하나여야 합니다"
    )


def test_bad_value_in_dotenv_names_the_file_in_both_languages(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("MONITOR_GRACE_PERIOD=soon\n", encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings(env_file=dotenv)
    assert str(caught.value) == (
        f"MONITOR_GRACE_PERIOD in {dotenv}: 'soon' is not a duration (use e.g. 90d, 12h, 30m, 45s)"
    )
    assert caught.value.localized("ko") == (
        f"{dotenv}의 MONITOR_GRACE_PERIOD: 'soon'은 기간이 아닙니다 (예: 90d, 12h, 30m, 45s)"
    )


# (variable, value, Korean, English): our validators' refusals and pydantic's own errors alike
BAD_SETTINGS = [
    (
        "GRACE_PERIOD",
        "abc",
        "'abc'는 기간이 아닙니다 (예: 90d, 12h, 30m, 45s)",
        "'abc' is not a duration (use e.g. 90d, 12h, 30m, 45s)",
    ),
    (
        "LEAD_TIMES",
        "90d,9x",
        "'9x'는 기간이 아닙니다 (예: 90d, 12h, 30m, 45s)",
        "'9x' is not a duration (use e.g. 90d, 12h, 30m, 45s)",
    ),
    (
        "TIMEZONE",
        "Mars/X",
        "알 수 없는 시간대 'Mars/X'입니다 (Asia/Seoul 같은 IANA 이름을 쓰세요)",
        "unknown time zone 'Mars/X' (use an IANA name such as Asia/Seoul)",
    ),
    ("LANGUAGE", "fr", "'ko', 'en' 중 하나여야 합니다", "Input should be 'ko' or 'en'"),
    (
        "LOG_LEVEL",
        "LOUD",
        "'DEBUG', 'INFO', 'WARNING', 'ERROR' 중 하나여야 합니다",
        "Input should be 'DEBUG', 'INFO', 'WARNING' or 'ERROR'",
    ),
    (
        "DATABASE_URL",
        "foo://",
        "지원하지 않는 데이터베이스 'foo'입니다 (sqlite나 postgresql을 쓰세요)",
        "unsupported database 'foo' (use sqlite or postgresql)",
    ),
    (
        "DATABASE_URL",
        ":::",
        "데이터베이스 URL이 아닙니다 (예: sqlite:///경로 또는 postgresql+psycopg://…)",
        "not a database URL (expected e.g. sqlite:///path or postgresql+psycopg://…)",
    ),
    (
        "TELEGRAM_TOKEN",
        "abc",
        "@BotFather가 준 봇 토큰의 모양(숫자:비밀값)이 아닙니다",
        "does not look like a bot token from @BotFather (digits:secret)",
    ),
    (
        "TELEGRAM_BASE_URL",
        "ftp://x",
        "http:// 또는 https://로 시작해야 합니다",
        "must start with http:// or https://",
    ),
    (
        "TELEGRAM_ADMIN_CHAT_ID",
        "me",
        "정수여야 합니다",
        "Input should be a valid integer, unable to parse string as an integer",
    ),
    (
        "TELEGRAM_TIMEOUT",
        "P1X",
        "기간이어야 합니다 (예: 90d, 12h, 30m, 45s)",
        "Input should be a valid timedelta, quantity invalid in date part of duration",
    ),
    ("UNDERSPEND_THRESHOLD", "2", "1 이하여야 합니다", "Input should be less than or equal to 1"),
    ("UNDERSPEND_THRESHOLD", "0", "0보다 커야 합니다", "Input should be greater than 0"),
    ("UNDERSPEND_THRESHOLD", "most", "숫자여야 합니다", "Input should be a valid decimal"),
    ("PLAUSIBLE_FACTOR", "1", "1보다 커야 합니다", "Input should be greater than 1"),
    ("PLAUSIBLE_FACTOR", "1001", "1000 이하여야 합니다", "Input should be less than or equal to 1000"),
    ("TREND_MIN_REPORTS", "10000", "1000 이하여야 합니다", "Input should be less than or equal to 1000"),
    # durations (monitor.limits): no traceback past timedelta's range, no silently huge grace period
    (
        "GRACE_PERIOD",
        "99999999999d",
        "'99999999999d'는 허용되는 가장 긴 기간(3650d)보다 깁니다",
        "'99999999999d' is longer than the longest duration allowed (3650d)",
    ),
    (
        "GRACE_PERIOD",
        "999999999d",
        "'999999999d'는 허용되는 가장 긴 기간(3650d)보다 깁니다",
        "'999999999d' is longer than the longest duration allowed (3650d)",
    ),
    (
        "STALE_AFTER",
        "99999999999999999999",
        "'99999999999999999999'는 허용되는 가장 긴 기간(3650d)보다 깁니다",
        "'99999999999999999999' is longer than the longest duration allowed (3650d)",
    ),
    (
        "LEAD_TIMES",
        "90d,3651d",
        "'3651d'는 허용되는 가장 긴 기간(3650d)보다 깁니다",
        "'3651d' is longer than the longest duration allowed (3650d)",
    ),
    (
        "TELEGRAM_TIMEOUT",
        "1h",
        "1h는 허용 범위(1s … 10m)를 벗어납니다",
        "1h is outside the allowed range 1s … 10m",
    ),
    (
        "POLL_INTERVAL",
        "0.05s",
        "0.05s는 허용 범위(0.1s … 1h)를 벗어납니다",
        "0.05s is outside the allowed range 0.1s … 1h",
    ),
    (
        "GROUP_WAIT",
        "2h",
        "2h는 허용 범위(0s … 1h)를 벗어납니다",
        "2h is outside the allowed range 0s … 1h",
    ),
    ("TREND_MIN_REPORTS", "1", "2 이상이어야 합니다", "Input should be greater than or equal to 2"),
    (
        "CANDIDATE_ALERTS",
        "loud",
        "'say', 'quiet' 중 하나여야 합니다",
        "Input should be 'say' or 'quiet'",
    ),
]


@pytest.mark.parametrize(("name", "value", "korean", "english"), BAD_SETTINGS)
def test_a_bad_setting_is_told_in_korean_by_default_and_in_english_with_lang_en(
    name: str, value: str, korean: str, english: str
) -> None:
    env = {f"MONITOR_{name}": value}
    result = run_cli(["list"], env=env)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"오류: MONITOR_{name}: {korean}"]
    assert "Input should" not in result.stderr
    english_result = run_cli(["--lang", "en", "list"], env=env)
    assert english_result.exit_code == 2
    assert english_result.stderr.splitlines() == [f"error: MONITOR_{name}: {english}"]


@pytest.mark.parametrize(
    ("content", "korean", "english"),
    [
        (
            "grace_period = [1]\n",
            "설정 'grace_period'의 값이 잘못되었습니다: 기간이어야 합니다 (예: 90d, 12h, 30m, 45s)",
            "'grace_period' in {config}: Input should be a valid timedelta",
        ),
        (
            "trend_min_reports = 2.5\n",
            "설정 'trend_min_reports'의 값이 잘못되었습니다: 정수여야 합니다 (소수 부분 없이)",
            "'trend_min_reports' in {config}: Input should be a valid integer, got a number with a fractional part",
        ),
        (
            "lead_times = 7\n",
            "설정 'lead_times'의 값이 잘못되었습니다: 목록이어야 합니다",
            "'lead_times' in {config}: Input should be a valid list",
        ),
        (
            "seeds_dir = 3\n",
            "설정 'seeds_dir'의 값이 잘못되었습니다: 경로여야 합니다",
            "'seeds_dir' in {config}: Input is not a valid path for <class 'pathlib.Path'>",
        ),
    ],
)
def test_a_wrong_type_in_the_config_file_is_told_in_both_languages(
    tmp_path: Path, content: str, korean: str, english: str
) -> None:
    config = tmp_path / "monitor.toml"
    config.write_text(content, encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings(config, env_file=None)
    assert caught.value.localized("ko") == f"{config}: {korean}"
    assert str(caught.value) == english.format(config=config)


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
    korean = subprocess.run(
        [sys.executable, "-m", "monitor", "list"],
        env={"MONITOR_LANGUAGE": "fr", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert korean.returncode == 2
    assert korean.stderr.strip().splitlines() == ["오류: MONITOR_LANGUAGE: 'ko', 'en' 중 하나여야 합니다"]


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
