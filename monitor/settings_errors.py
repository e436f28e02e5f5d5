"""Configuration mistakes in both languages: where a bad value came from, and what is wrong with it.

pydantic words its errors in English. Each is told again in Korean from its `type` and its `ctx` (the
bound or the literals it names); a refusal of one of our own validators carries its Korean in a
`LocalizedValueError`, which pydantic keeps in `ctx["error"]`. The one translation serves the settings
(monitor.settings) and the job files (monitor.daemon.jobs). A file that is not TOML is named with the
line and column tomllib found, in Korean too. The English of every message is what it always was.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from monitor.errors import ConfigFileError, LocalizedValueError, SettingsError
from monitor.i18n import t

if TYPE_CHECKING:
    from pydantic import ValidationError
    from pydantic_core import ErrorDetails

ENV_PREFIX = "MONITOR_"

_NUMBER = "숫자여야 합니다"
_INTEGER = "정수여야 합니다"
_BOOLEAN = "참/거짓 값(true 또는 false)이어야 합니다"
_TABLE = "키와 값의 표(TOML 테이블)여야 합니다"
_DURATION = "기간이어야 합니다 (예: 90d, 12h, 30m, 45s)"
# pydantic's error types in Korean; `{name}` is that value of the error's ctx
KOREAN: dict[str, str] = {
    "missing": "값이 필요합니다",
    "extra_forbidden": "알 수 없는 항목입니다",
    "literal_error": "{expected} 중 하나여야 합니다",
    "enum": "{expected} 중 하나여야 합니다",
    "string_type": "문자열이어야 합니다",
    "string_pattern_mismatch": "형식 '{pattern}'에 맞지 않습니다",
    "string_too_short": "{min_length}자 이상이어야 합니다",
    "string_too_long": "{max_length}자 이하여야 합니다",
    "int_type": _INTEGER,
    "int_parsing": _INTEGER,
    "int_parsing_size": "정수가 너무 큽니다",
    "int_from_float": "정수여야 합니다 (소수 부분 없이)",
    "float_type": _NUMBER,
    "float_parsing": _NUMBER,
    "decimal_type": _NUMBER,
    "decimal_parsing": _NUMBER,
    "finite_number": "유한한 숫자여야 합니다",
    "bool_type": _BOOLEAN,
    "bool_parsing": _BOOLEAN,
    "greater_than": "{gt}보다 커야 합니다",
    "greater_than_equal": "{ge} 이상이어야 합니다",
    "less_than": "{lt}보다 작아야 합니다",
    "less_than_equal": "{le} 이하여야 합니다",
    "list_type": "목록이어야 합니다",
    "too_short": "항목이 {min_length}개 이상이어야 합니다",
    "too_long": "항목이 {max_length}개 이하여야 합니다",
    "dict_type": _TABLE,
    "model_type": _TABLE,
    "model_attributes_type": _TABLE,
    "time_delta_type": _DURATION,
    "time_delta_parsing": _DURATION,
    "path_type": "경로여야 합니다",
    "value_error": "값이 잘못되었습니다 ({error})",
    "assertion_error": "값이 잘못되었습니다 ({error})",
}


def problem(error: ErrorDetails) -> tuple[str, str]:
    """One pydantic error as (English, Korean): the English is pydantic's own, or our validator's."""
    english = error["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    context: Mapping[str, Any] = error.get("ctx") or {}
    cause = context.get("error")
    if isinstance(cause, LocalizedValueError):
        return str(cause), cause.ko
    template = KOREAN.get(error["type"], "값이 잘못되었습니다 ({error})")
    values = {name: _shown(name, value) for name, value in context.items()}
    return english, template.format_map(_Default(values, english))


class _Default(dict[str, str]):
    """The ctx values; a value the template names but pydantic did not give is its English message."""

    def __init__(self, values: dict[str, str], english: str) -> None:
        super().__init__(values)
        self.english = english

    def __missing__(self, key: str) -> str:
        return self.english


def _shown(name: str, value: object) -> str:
    """A ctx value as the Korean shows it: literals listed with commas ('ko', 'en'), not `or`."""
    text = str(value)
    return re.sub(r",? or ", ", ", text) if name == "expected" else text


def first_problem(exc: ValidationError) -> tuple[str, str, str]:
    """(where, English, Korean) of the first error; `where` is its dotted location (`params.days`)."""
    first = exc.errors()[0]
    english, korean = problem(first)
    return ".".join(str(part) for part in first["loc"]), english, korean


def invalid_setting(exc: ValidationError, config_file: Path | None, env_file: Path | None) -> SettingsError:
    """The settings' first bad value, named by the place it most likely came from."""
    field, english, korean = first_problem(exc)
    field = field.partition(".")[0] or "?"
    env_name = ENV_PREFIX + field.upper()
    if env_name in os.environ:
        return SettingsError(f"{env_name}: {english}", ko=f"{env_name}: {korean}")
    if env_file is not None and _sets(env_file, env_name):
        return SettingsError(f"{env_name} in {env_file}: {english}", ko=f"{env_file}의 {env_name}: {korean}")
    if config_file is not None:
        return _config_error("error.config.value", (english, korean), path=config_file, field=field)
    return SettingsError(f"{env_name}: {english}", ko=f"{env_name}: {korean}")


def _sets(env_file: Path, env_name: str) -> bool:
    """Whether the `.env` file gives `env_name` a value."""
    if not env_file.is_file():
        return False
    lines = env_file.read_text(encoding="utf-8").splitlines()
    return any(line.strip().upper().startswith(env_name + "=") for line in lines)


def read_config_file(path: Path, known: Collection[str]) -> dict[str, Any]:
    """The TOML configuration file's settings; a missing file, bad TOML or an unknown name refused."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise _config_error("error.config.missing", None, path=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise _config_error("error.config.toml", toml_problem(exc), path=path) from None
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise _config_error("error.config.unknown", None, path=path, name=repr(unknown[0]))
    return data


def _config_error(key: str, detail: tuple[str, str] | None, **values: object) -> ConfigFileError:
    """The i18n message `key` about the configuration file; `detail` is (English, Korean)."""
    english, korean = detail or ("", "")
    return ConfigFileError(t(key, "en", detail=english, **values), ko=t(key, "ko", detail=korean, **values))


# tomllib's messages (Python 3.11+) and their Korean, the specific ones before the general ones
_TOML_MESSAGES = (
    (r"Invalid statement", "문장이 잘못되었습니다"),
    (r"Invalid value", "값이 잘못되었습니다"),
    (r"Expected newline or end of document after a statement", "한 줄에는 항목 하나만 쓸 수 있습니다"),
    (r"Expected '=' after a key in a key/value pair", "키 다음에 '='이(가) 있어야 합니다"),
    (r"Expected '\]' at the end of a table declaration", "테이블 이름 끝에 ']'이(가) 있어야 합니다"),
    (r"Expected '\]\]' at the end of an array declaration", "배열 테이블 이름 끝에 ']]'이(가) 있어야 합니다"),
    (r"Expected (?P<x>.+)", "{x}이(가) 있어야 합니다"),
    (r"Found invalid character (?P<x>.+)", "쓸 수 없는 문자 {x}이(가) 있습니다"),
    (r"Illegal character (?P<x>.+)", "쓸 수 없는 문자 {x}이(가) 있습니다"),
    (r"Cannot declare (?P<x>.+) twice", "{x}을(를) 두 번 정의할 수 없습니다"),
    (r"Cannot overwrite a value", "이미 정한 값을 다시 정할 수 없습니다"),
    (r"Cannot mutate immutable namespace (?P<x>.+)", "{x}은(는) 다시 정할 수 없습니다"),
    (r"Cannot redefine namespace (?P<x>.+)", "{x}을(를) 다시 정의할 수 없습니다"),
    (r"Invalid initial character for a key part", "키의 첫 글자가 잘못되었습니다"),
    (r"Unclosed array", "배열이 닫히지 않았습니다"),
    (r"Unclosed inline table", "인라인 테이블이 닫히지 않았습니다"),
    (r"Duplicate inline table key (?P<x>.+)", "인라인 테이블에 키 {x}이(가) 두 번 있습니다"),
    (r"Unescaped '\\' in a string", "문자열 안의 '\\'은(는) '\\\\'(으)로 써야 합니다"),
    (r"Invalid hex value", "16진수 값이 잘못되었습니다"),
    (r"Escaped character is not a Unicode scalar value", "이스케이프한 문자가 유니코드 문자가 아닙니다"),
    (r"Unterminated string", "문자열이 닫히지 않았습니다"),
    (r"Invalid date or datetime", "날짜나 시각이 잘못되었습니다"),
)
_AT = re.compile(r"(?P<what>.*) \(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)")


def toml_problem(exc: tomllib.TOMLDecodeError) -> tuple[str, str]:
    """tomllib's message as (English, Korean): `Invalid value (at line 1, column 12)` is
    `값이 잘못되었습니다 (1행 12열)`."""
    english = str(exc)
    found = _AT.fullmatch(english)
    if found is None:
        return english, _toml_what(english)
    where = f"{found['line']}행 {found['column']}열" if found["line"] else "문서 끝"
    return english, f"{_toml_what(found['what'])} ({where})"


def _toml_what(english: str) -> str:
    """What tomllib found wrong, in Korean (its English when the message is not one of the known)."""
    for pattern, korean in _TOML_MESSAGES:
        matched = re.fullmatch(pattern, english, re.DOTALL)
        if matched:
            return korean.format(**{name: _key(value) for name, value in matched.groupdict().items()})
    return english


def _key(value: str) -> str:
    """A key as tomllib names it, a tuple of its parts (`('x', 'y')`), as it is written: `x.y`."""
    found = re.fullmatch(r"\((.*?),?\)", value)
    return ".".join(part.strip().strip("'\"") for part in found[1].split(",")) if found else value
