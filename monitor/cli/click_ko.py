"""click's own messages in Korean: usage errors and their `Usage:` / `Try … for help.` / `Error:` frame.

click 8 builds every message in English with `gettext` when it raises (long before `--lang` is known,
which may even come after the mistake), and a gettext catalogue would have to be installed process-wide
before parsing. So the messages are translated after the fact instead: each entry below is one of click's
English templates, written as in click's source, with its Korean. A template becomes a pattern that
matches the finished English message and gives back its values (`{name!r}` keeps its quotes). A message
no entry matches is shown as click wrote it, in the Korean frame.
"""

from __future__ import annotations

import re
from functools import cache

import click
from click.exceptions import NoSuchCommand

from monitor.korean import particles
from monitor.vocab import Lang

_COUNT = "값 {len_type}개가 필요합니다 ({len_value}개를 주었습니다)."
CATALOGUE: dict[str, str] = {
    # parser and command (click/parser.py, click/core.py)
    "No such option {name}.": "없는 옵션입니다: {name}",
    "No such command {name}.": "없는 명령입니다: {name}",
    "Missing command.": "명령을 주세요.",
    "Option {name} requires an argument.": "옵션 {name}에 값을 주세요.",
    "Option {name} requires {nargs} arguments.": "옵션 {name}에 값 {nargs}개를 주세요.",
    "Option {name} does not take a value.": "옵션 {name}은(는) 값을 받지 않습니다.",
    "Argument {name} takes {nargs} values.": "인자 {name}은(는) 값 {nargs}개를 받습니다.",
    "Got unexpected extra argument ({args})": "필요 없는 인자가 있습니다: {args}",
    "Got unexpected extra arguments ({args})": "필요 없는 인자가 있습니다: {args}",
    "Invalid value for {param_hint}: {message}": "{param_hint}의 값이 잘못되었습니다: {message}",
    "Invalid value: {message}": "값이 잘못되었습니다: {message}",
    "Missing argument {param_hint}.{extra}": "인자 {param_hint}을(를) 주세요.{extra}",
    "Missing option {param_hint}.{extra}": "옵션 {param_hint}을(를) 주세요.{extra}",
    "Missing parameter {param_hint}.{extra}": "{param_hint}을(를) 주세요.{extra}",
    "Missing argument.{extra}": "인자를 주세요.{extra}",
    "Missing option.{extra}": "옵션을 주세요.{extra}",
    "Aborted!": "중단되었습니다.",
    # parameter types (click/types.py)
    "{value} is not {choice}.": "{value}은(는) 쓸 수 없습니다 ({choice}만 가능).",
    "{value} is not one of {choices}.": "{value}은(는) 쓸 수 없습니다 ({choices} 중 하나).",
    "Choose from:\n\t{choices}": "다음 중에서 고르세요: {choices}",
    "{value} is not a valid integer.": "{value}은(는) 정수가 아닙니다.",
    "{value} is not a valid float.": "{value}은(는) 숫자가 아닙니다.",
    "{value} is not a valid integer range.": "{value}은(는) 정수가 아닙니다.",
    "{value} is not a valid float range.": "{value}은(는) 숫자가 아닙니다.",
    "{value} is not a valid boolean. Recognized values: {states}": (
        "{value}은(는) 참/거짓 값이 아닙니다 ({states})."
    ),
    "{value} is not a valid UUID.": "{value}은(는) UUID가 아닙니다.",
    "{value} is not in the range {range}.": "{value}은(는) 범위 {range}을(를) 벗어납니다.",
    "{value} does not match the format {format}.": "{value}은(는) {format}에 맞지 않습니다.",
    "{value} does not match the formats {formats}.": "{value}은(는) {formats}에 맞지 않습니다.",
    "File {filename} does not exist.": "파일 {filename}이(가) 없습니다.",
    "Directory {filename} does not exist.": "폴더 {filename}이(가) 없습니다.",
    "Path {filename} does not exist.": "경로 {filename}이(가) 없습니다.",
    "File {filename} is a directory.": "{filename}은(는) 폴더입니다. 파일 이름을 주세요.",
    "Path {filename} is a directory.": "{filename}은(는) 폴더입니다. 파일 이름을 주세요.",
    "Directory {filename} is a file.": "{filename}은(는) 파일입니다. 폴더 이름을 주세요.",
    "Path {filename} is a file.": "{filename}은(는) 파일입니다. 폴더 이름을 주세요.",
    "{kind} {filename} is not readable.": "{filename}을(를) 읽을 권한이 없습니다.",
    "{kind} {filename} is not writable.": "{filename}에 쓸 권한이 없습니다.",
    "{kind} {filename} is not executable.": "{filename}을(를) 실행할 권한이 없습니다.",
    "{len_type} values are required, but {len_value} was given.": _COUNT,
    "{len_type} values are required, but {len_value} were given.": _COUNT,
}
FRAME = {
    "Usage:": "사용법:",
    "Try '{command} {option}' for help.": "도움말: {command} {option}",
}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


# click.DateTime's strptime codes as people read them
_DATE_PARTS = {"%Y": "YYYY", "%m": "MM", "%d": "DD", "%H": "hh", "%M": "mm", "%S": "ss"}


@cache
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    """The templates as patterns: the frames around another message first (`Invalid value for …:
    {message}`: the inner message may match a template too), then those with more literal text (they
    are more specific)."""
    compiled = []
    for english, korean in CATALOGUE.items():
        pieces = _PLACEHOLDER.split(english)  # literal, name, literal, name, …, literal
        regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.*?)" for i, p in enumerate(pieces))
        compiled.append((re.compile(regex, re.DOTALL), korean))

    def order(entry: tuple[re.Pattern[str], str]) -> tuple[bool, int]:
        pattern = entry[0].pattern
        return "(?P<message>" not in pattern, -len(_PLACEHOLDER.sub("", pattern))

    return sorted(compiled, key=order)


def translate(message: str, lang: Lang) -> str:
    """One of click's messages in `lang`; values that are messages themselves are translated too."""
    if lang != "ko":
        return message
    for pattern, korean in _patterns():
        found = pattern.fullmatch(message)
        if found:
            values = {name: _inner(name, value) for name, value in found.groupdict().items()}
            return particles(korean.format(**values))
    return message


def _inner(name: str, value: str) -> str:
    if name == "message":
        return translate(value, "ko")
    if name == "extra":  # the missing value's hint (`Choose from: …`), after a space
        return f" {translate(value.strip(), 'ko')}" if value.strip() else ""
    if name == "choices" and "\n\t" in value:
        return value.replace(",\n\t", ", ")
    if name in ("format", "formats"):  # click.DateTime's: '%Y-%m-%d' → 날짜 형식(YYYY-MM-DD)
        return f"날짜 형식({_date_formats(value)})"
    return value


def _date_formats(value: str) -> str:
    """`'%Y-%m-%d', '%Y-%m-%dT%H:%M:%S'` → `YYYY-MM-DD, YYYY-MM-DDThh:mm:ss`."""
    formats = [part.strip().strip("'") for part in value.split(", ")]
    return ", ".join(re.sub("%[A-Za-z]", lambda code: _DATE_PARTS.get(code[0], code[0]), f) for f in formats)


def usage_error_lines(exc: click.UsageError, lang: Lang) -> list[str]:
    """What click's `UsageError.show` prints, in `lang`: usage, where to find help, the error."""
    lines = []
    ctx = exc.ctx
    if ctx is not None:
        usage = ctx.get_usage()
        lines.append(usage.replace("Usage:", FRAME["Usage:"], 1) if lang == "ko" else usage)
        if ctx.command.get_help_option(ctx) is not None:
            help_option = max(ctx.command.get_help_option_names(ctx), key=len)
            hint = (
                FRAME["Try '{command} {option}' for help."]
                if lang == "ko"
                else "Try '{command} {option}' for help."
            )
            lines += [hint.format(command=ctx.command_path, option=help_option), ""]
    prefix = "오류" if lang == "ko" else "Error"
    lines.append(f"{prefix}: {message(exc, lang)}")
    return lines


def message(exc: click.ClickException, lang: Lang) -> str:
    """The error's message in `lang`; for an unknown option or command, with the likely ones."""
    possibilities = getattr(exc, "possibilities", None)
    if lang != "ko" or not possibilities or not isinstance(exc, (click.NoSuchOption, NoSuchCommand)):
        return translate(exc.format_message(), lang)
    names = ", ".join(repr(name) for name in sorted(possibilities))
    return f"{translate(exc.message, lang)} (혹시 {names}?)"
