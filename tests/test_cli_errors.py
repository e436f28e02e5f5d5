"""User mistakes on the command line: one line in Korean (English with --lang en), an exit code, no
traceback and no half-written file. click's own usage errors are in Korean too."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import Result

from monitor.db import migrate
from monitor.db.engine import make_engine
from tests.factories import SEEDS, run_cli

LOG_LINE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \w+ (INFO|WARNING) ")


@pytest.fixture
def initialised(sqlite_url: str) -> str:
    result = run_cli(["init"], db_url=sqlite_url)
    assert result.exit_code == 0, result.output
    return sqlite_url


def _one_line(result: Result) -> str:
    assert "Traceback" not in result.output
    assert result.stdout == ""
    # matplotlib logs building its font cache the first time a chart is drawn under a fresh HOME
    lines = [line for line in result.stderr.strip().splitlines() if not LOG_LINE.match(line)]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("command", [["report", "digest", "--format", "html"], ["export"]])
def test_out_in_an_unwritable_place_names_the_path_and_the_reason(
    initialised: str, command: list[str]
) -> None:
    result = run_cli([*command, "--out", "/proc/x.html"], db_url=initialised)
    assert result.exit_code == 1
    assert _one_line(result) == "오류: /proc/x.html에 쓸 수 없습니다: 없는 폴더이거나 만들 수 없는 곳"
    english = run_cli(["--lang", "en", *command, "--out", "/proc/x.html"], db_url=initialised)
    assert english.exit_code == 1
    assert _one_line(english) == (
        "error: cannot write /proc/x.html: no such folder, or one that cannot be created"
    )
    assert not Path("/proc/x.html").exists()


@pytest.mark.parametrize("command", [["report", "status"], ["export"], ["export", "--format", "csv"]])
def test_out_under_a_file_says_that_file_is_not_a_folder(
    initialised: str, tmp_path: Path, command: list[str]
) -> None:
    blocker = tmp_path / "report.md"
    blocker.write_text("kept", encoding="utf-8")
    target = blocker / "sub" / "x.out"
    result = run_cli([*command, "--out", str(target)], db_url=initialised)
    assert result.exit_code == 1
    line = _one_line(result)
    assert line.startswith(f"오류: {target}") and line.endswith(f"{blocker}는 폴더가 아니라 파일입니다")
    english = run_cli(["--lang", "en", *command, "--out", str(target)], db_url=initialised)
    assert _one_line(english).endswith(f"{blocker} is a file, not a folder")
    assert blocker.read_text(encoding="utf-8") == "kept"
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("monitor.sqlite3")] == ["report.md"]


def test_out_in_a_read_only_folder_says_permission_denied(initialised: str) -> None:
    result = run_cli(["report", "digest", "--out", "/sys/digest.md"], db_url=initialised)
    assert result.exit_code == 1
    assert _one_line(result) == "오류: /sys/digest.md에 쓸 수 없습니다: 권한 없음"
    english = run_cli(["--lang", "en", "report", "digest", "--out", "/sys/digest.md"], db_url=initialised)
    assert _one_line(english) == "error: cannot write /sys/digest.md: permission denied"


def test_out_that_is_a_folder_leaves_no_temporary_file(initialised: str, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    result = run_cli(["export", "--out", str(folder)], db_url=initialised)
    assert result.exit_code == 1
    assert _one_line(result).startswith(f"오류: {folder}에 쓸 수 없습니다: ")
    assert list(folder.iterdir()) == [] and not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize(
    ("command", "option"),
    [
        (["check", "--as-of", "yesterday"], "--as-of"),
        (["report", "digest", "--since", "yesterday"], "--since"),
        (["export", "--as-of", "yesterday"], "--as-of"),
        (["metrics", "--as-of", "yesterday"], "--as-of"),
    ],
)
def test_a_bad_date_names_the_option(initialised: str, command: list[str], option: str) -> None:
    result = run_cli(command, db_url=initialised)
    assert result.exit_code == 2
    assert _one_line(result) == (
        f"오류: {option}: 'yesterday'는 날짜나 시각이 아닙니다 (예: 2026-07-01 또는 2026-07-01T09:00+09:00)"
    )
    english = run_cli(["--lang", "en", *command], db_url=initialised)
    assert english.exit_code == 2
    assert _one_line(english) == (
        f"error: {option}: 'yesterday' is not an ISO 8601 date or date-time "
        "(e.g. 2026-07-01 or 2026-07-01T09:00+09:00)"
    )


def test_the_language_setting_chooses_english_too(initialised: str) -> None:
    result = run_cli(["check", "--as-of", "yesterday"], db_url=initialised, env={"MONITOR_LANGUAGE": "en"})
    assert _one_line(result).startswith("error: --as-of: 'yesterday' is not an ISO 8601 date")


@pytest.mark.parametrize(
    ("content", "korean", "english"),
    [
        (
            "language = \n",
            "{config}: TOML 문법 오류입니다: 값이 잘못되었습니다 (1행 12열)",
            "{config}: not valid TOML: Invalid value (at line 1, column 12)",
        ),
        (
            "[x.y]\n[x.y]\n",
            "{config}: TOML 문법 오류입니다: x.y를 두 번 정의할 수 없습니다 (2행 5열)",
            "{config}: not valid TOML: Cannot declare ('x', 'y') twice (at line 2, column 5)",
        ),
        (
            "lead_times = [1,\n",
            "{config}: TOML 문법 오류입니다: 값이 잘못되었습니다 (문서 끝)",
            "{config}: not valid TOML: Invalid value (at end of document)",
        ),
        (
            'timezone = "Asia/Seoul" language = "en"\n',
            "{config}: TOML 문법 오류입니다: 한 줄에는 항목 하나만 쓸 수 있습니다 (1행 25열)",
            "{config}: not valid TOML: Expected newline or end of document after a statement "
            "(at line 1, column 25)",
        ),
        (
            'langauge = "en"\n',
            "{config}: 알 수 없는 설정 'langauge' (config/monitor.example.toml 참고)",
            "{config}: unknown setting 'langauge' (see config/monitor.example.toml)",
        ),
        (
            "grace_period = [1]\n",
            "{config}: 설정 'grace_period'의 값이 잘못되었습니다: 기간이어야 합니다 (예: 90d, 12h, 30m, 45s)",
            "'grace_period' in {config}: Input should be a valid timedelta",
        ),
    ],
)
def test_a_bad_config_file_is_one_line_naming_the_file(
    sqlite_url: str, tmp_path: Path, content: str, korean: str, english: str
) -> None:
    config = tmp_path / "monitor.toml"
    config.write_text(content, encoding="utf-8")
    result = run_cli(["--config", str(config), "list"], db_url=sqlite_url)
    assert result.exit_code == 2
    assert _one_line(result) == f"오류: {korean.format(config=config)}"
    english_result = run_cli(["--config", str(config), "--lang", "en", "list"], db_url=sqlite_url)
    assert english_result.exit_code == 2
    assert _one_line(english_result) == f"error: {english.format(config=config)}"


def test_a_missing_config_file_says_so(sqlite_url: str, tmp_path: Path) -> None:
    result = run_cli(["--config", str(tmp_path / "none.toml"), "list"], db_url=sqlite_url)
    assert result.exit_code == 2
    assert _one_line(result) == (
        f"오류: {tmp_path / 'none.toml'}: 설정 파일이 없습니다 (--config 또는 MONITOR_CONFIG를 확인하세요)"
    )
    english = run_cli(["--lang", "en", "--config", str(tmp_path / "none.toml"), "list"], db_url=sqlite_url)
    assert _one_line(english) == (
        f"error: {tmp_path / 'none.toml'}: configuration file not found (check --config / MONITOR_CONFIG)"
    )


def test_a_database_not_initialised_says_to_run_init(sqlite_url: str) -> None:
    result = run_cli(["list"], db_url=sqlite_url)
    assert result.exit_code == 1
    assert _one_line(result) == (
        f"오류: 데이터베이스 {sqlite_url}이 초기화되지 않았습니다: monitor init 을 실행하세요"
    )
    english = run_cli(["--lang", "en", "list"], db_url=sqlite_url)
    assert english.exit_code == 1
    assert _one_line(english) == f"error: database {sqlite_url} is not initialised: run `monitor init`"


def test_an_old_database_schema_says_which_and_to_run_init(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    try:
        migrate.upgrade(engine, "0003")
        head = migrate.head_revision()
    finally:
        engine.dispose()
    result = run_cli(["list"], db_url=sqlite_url)
    assert result.exit_code == 1
    assert _one_line(result) == (
        f"오류: 데이터베이스 스키마는 0003, 이 버전에 필요한 스키마는 {head}입니다: monitor init 을 실행하세요"
    )
    english = run_cli(["--lang", "en", "list"], db_url=sqlite_url)
    assert _one_line(english) == (
        f"error: database schema is at 0003, this version needs {head}: run `monitor init`"
    )


def test_a_first_chart_prints_no_log_line_of_matplotlib(initialised: str, tmp_path: Path) -> None:
    """Under a fresh HOME matplotlib builds its font cache and says so at INFO: not the user's news.
    A process of its own: matplotlib reads its cache folder once, when it is first imported."""
    cache = tmp_path / "fresh-matplotlib"
    env = {
        **os.environ,
        "MONITOR_DATABASE_URL": initialised,
        "MPLCONFIGDIR": str(cache),
        "HOME": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-m", "monitor", "report", "budget", "--format", "html"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert cache.is_dir()  # the cache was built in this run
    assert done.stderr == ""


def test_an_unreachable_database_is_one_line_without_the_password() -> None:
    url = "postgresql+psycopg://nobody:secret@127.0.0.1:1/none"
    result = run_cli(["list"], db_url=url)
    assert result.exit_code == 1
    line = _one_line(result)
    assert line.startswith("오류: 데이터베이스 postgresql+psycopg://nobody:***@127.0.0.1:1/none")
    assert line.endswith("(MONITOR_DATABASE_URL을 확인하세요)") and "secret" not in line
    english = run_cli(["--lang", "en", "list"], db_url=url)
    assert _one_line(english).startswith(
        "error: cannot use postgresql+psycopg://nobody:***@127.0.0.1:1/none:"
    )


def test_a_database_in_a_file_that_is_no_folder_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("", encoding="utf-8")
    result = run_cli(["init"], db_url=f"sqlite:///{tmp_path}/file/monitor.sqlite3")
    assert result.exit_code == 1
    assert _one_line(result).startswith("오류: ")


USAGE_ERRORS = [
    (["check", "--as-of"], "옵션 '--as-of'에 값을 주세요.", "Option '--as-of' requires an argument."),
    (["check", "--bogus"], "없는 옵션입니다: '--bogus'", "No such option '--bogus'."),
    (["check", "--formt", "json"], "없는 옵션입니다: '--formt' (혹시 '--format'?)", "No such option"),
    (["show"], "인자 'CODE'를 주세요.", "Missing argument 'CODE'."),
    (["show", "A", "B"], "필요 없는 인자가 있습니다: B", "Got unexpected extra argument (B)"),
    (
        ["check", "--format", "xml"],
        "'--format'의 값이 잘못되었습니다: 'xml'은 쓸 수 없습니다 ('table', 'json' 중 하나).",
        "Invalid value for '--format': 'xml' is not one of 'table', 'json'.",
    ),
    (
        ["report", "digest", "--days", "x"],
        "'--days'의 값이 잘못되었습니다: 'x'는 정수가 아닙니다.",
        "Invalid value for '--days': 'x' is not a valid integer range.",
    ),
    (
        ["report", "digest", "--days", "-1"],
        "'--days'의 값이 잘못되었습니다: -1은 범위 0<=x<=3650을 벗어납니다.",
        "Invalid value for '--days': -1 is not in the range 0<=x<=3650.",
    ),
    (
        ["progress", "log", "X-1", "--as-of", "2026-99-01", "--executed", "1", "--by", "a"],
        "'--as-of'의 값이 잘못되었습니다: '2026-99-01'은 날짜 형식(YYYY-MM-DD)에 맞지 않습니다.",
        "Invalid value for '--as-of': '2026-99-01' does not match the format '%Y-%m-%d'.",
    ),
    (["nosuch"], "없는 명령입니다: 'nosuch'", "No such command 'nosuch'."),
]


@pytest.mark.parametrize(("args", "korean", "english"), USAGE_ERRORS)
def test_click_usage_errors_are_in_korean(args: list[str], korean: str, english: str) -> None:
    result = run_cli(args)
    assert result.exit_code == 2 and "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    if len(lines) > 1:  # click shows the usage when it knows the command (not for a missing value)
        assert (
            lines[0].startswith("사용법: ")
            and lines[1].startswith("도움말: ")
            and lines[1].endswith(" --help")
        )
    assert lines[-1] == f"오류: {korean}"
    assert not any(word in result.stderr for word in ("Usage:", "Try ", "Error:", "Invalid value", "%Y"))


@pytest.mark.parametrize(("args", "korean", "english"), USAGE_ERRORS)
def test_click_usage_errors_in_english_even_when_lang_comes_after_the_mistake(
    args: list[str], korean: str, english: str
) -> None:
    result = run_cli([*args, "--lang", "en"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    if len(lines) > 1:
        assert lines[0].startswith("Usage: ") and lines[1].startswith("Try '")
    assert lines[-1].startswith("Error: ")
    if args[-1].startswith("-"):  # then `--lang` is taken as that option's value: a different mistake
        assert not re.search("[가-힣]", result.stderr)
    elif "--lang" not in lines[-1]:  # a subcommand has no --lang: that may be the first mistake
        assert lines[-1].startswith(f"Error: {english}")


def test_a_bad_group_option_before_lang_is_in_english() -> None:
    result = run_cli(["--bogus", "--lang", "en", "list"])
    assert result.exit_code == 2
    assert (
        result.stderr.strip().splitlines()[-1] == "Error: No such option '--bogus'. Did you mean '--verbose'?"
    )


def test_a_bad_lang_is_a_korean_usage_error() -> None:
    result = run_cli(["--lang", "fr", "list"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "오류: '--lang'의 값이 잘못되었습니다: 'fr'은 쓸 수 없습니다 ('ko', 'en' 중 하나)."
    )


def test_ctrl_c_is_one_line_and_exit_130(tmp_path: Path) -> None:
    """A real interrupt: SIGINT to `monitor replay` over many years, once it has printed its first step."""
    db = f"sqlite:///{tmp_path}/m.sqlite3"
    env = {**os.environ, "MONITOR_DATABASE_URL": db, "MONITOR_SEEDS_DIR": str(SEEDS), "HOME": str(tmp_path)}
    monitor = [sys.executable, "-m", "monitor"]
    subprocess.run([*monitor, "init"], env=env, cwd=tmp_path, check=True, capture_output=True)
    out = tmp_path / "digest.md"
    process = subprocess.Popen(
        [*monitor, "replay", "--from", "2022-12-25", "--to", "2090-01-01", "--step", "1h"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # a test runner's worker may ignore SIGINT, and a child inherits that: restore the default
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert process.stdout is not None and process.stdout.readline()  # running: it printed a step
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines() == ["중단되었습니다 (Ctrl-C)"]
    assert not out.exists() and not list(tmp_path.glob(".*.tmp"))
