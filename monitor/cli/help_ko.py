"""Help in Korean: `localize(cli, "ko")` puts the Korean of every help text into the command tree.

The help texts are written in English in the code (the click decorators and docstrings); their Korean
is in monitor/cli/help_ko_texts.py. `localize` replaces, in place and for the whole tree (sub-groups
included), every command's help and short help and every parameter's help by its Korean, and installs a
formatter that writes click's own frame in Korean too: `사용법:`, the `옵션:` / `명령:` / `인자:`
headings, `[기본값: …; 필수]`, the `--help` option's text, and lines wrapped by their display width
(a Hangul syllable takes two columns). The English is kept: `localize(cli, "en")` puts it back, and
calling either twice changes nothing.

Which language `--help` speaks is decided before click parses anything (`monitor --help` is answered
while parsing), without loading the settings (pydantic is too heavy for `--help`): `help_language`
reads `--lang`, then the `language` setting from the environment, `.env` and the TOML file.

Only click and the standard library are imported here: `monitor --help` must stay light
(tests/test_cli_imports.py).
"""

from __future__ import annotations

import inspect
import os
import re
import tomllib
import unicodedata
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import cast

import click

from monitor.cli.help_ko_texts import HELP_KO as HELP_KO  # the catalogue, re-exported
from monitor.vocab import Lang

HEADINGS_KO = {"Options": "옵션", "Commands": "명령", "Positional arguments": "인자", "Usage": "사용법"}
# The bracketed extras click adds after an option's help (click.core.Option.get_help_record).
_EXTRAS_KO = (
    ("default: ", "기본값: "),
    ("env var: ", "환경 변수: "),
    ("required", "필수"),
    ("(dynamic)", "(동적)"),
)
_EXTRAS = re.compile(r"(?P<help>.*?)(?:  |^)\[(?P<extra>[^\[\]]*)\]", re.DOTALL)


def help_key(text: str) -> str:
    """The catalogue's key for a help text: click's own clean-up (`inspect.cleandoc`), then paragraphs
    separated by one blank line and the words of each joined by single spaces."""
    paragraphs = re.split(r"\n\s*\n", inspect.cleandoc(text).strip())
    return "\n\n".join(" ".join(paragraph.split()) for paragraph in paragraphs)


def korean(text: str) -> str | None:
    """The Korean of one English help text; None when the catalogue has no entry for it."""
    return HELP_KO.get(help_key(text))


def walk(group: click.Command) -> Iterator[tuple[str, click.Command]]:
    """Every command of the tree with its path (`monitor progress log`), the group (`monitor`) first."""
    stack: list[tuple[str, click.Command]] = [("monitor", group)]
    while stack:
        path, command = stack.pop(0)
        yield path, command
        if isinstance(command, click.Group):
            stack += [(f"{path} {name}", sub) for name, sub in sorted(command.commands.items())]


def help_texts(group: click.Command) -> dict[str, list[str]]:
    """Every help text of the tree (command help, explicit short help, parameter help), each with where
    it is used (`monitor list --kind`), in the order met."""
    found: dict[str, list[str]] = {}
    for path, command in walk(group):
        english = _english(command)
        for text in (english.help, english.short_help):
            if text:
                found.setdefault(text, []).append(path)
        for param in command.params:
            text = _english_param(param)
            if text:
                found.setdefault(text, []).append(f"{path} {param.opts[-1] if param.opts else param.name}")
    return found


class _Saved:
    """The English of one command, kept by the first `localize` so that `en` can put it back."""

    def __init__(self, command: click.Command) -> None:
        self.help, self.short_help = command.help, command.short_help
        self.context_class: type[click.Context] = command.context_class


_COMMANDS: weakref.WeakKeyDictionary[click.Command, _Saved] = weakref.WeakKeyDictionary()
_PARAMS: weakref.WeakKeyDictionary[click.Parameter, str | None] = weakref.WeakKeyDictionary()


def _english(command: click.Command) -> _Saved:
    if command not in _COMMANDS:
        _COMMANDS[command] = _Saved(command)
    return _COMMANDS[command]


def _english_param(param: click.Parameter) -> str | None:
    if param not in _PARAMS:
        _PARAMS[param] = cast(str | None, getattr(param, "help", None))
    return _PARAMS[param]


def localize(group: click.Group, lang: str) -> None:
    """Set every help text of the tree under `group` to `lang` ("ko": Korean where the catalogue has
    it, with the Korean help frame; anything else: the English of the code). Idempotent."""
    for _path, command in walk(group):
        english = _english(command)
        params = [(param, _english_param(param)) for param in command.params]
        if lang != "ko":
            command.help, command.short_help = english.help, english.short_help
            command.context_class = english.context_class
            for param, text in params:
                _set_help(param, text)
            continue
        command.help = _ko(english.help)
        # An explicit short help is translated; otherwise the first sentence of the Korean help is used
        # whole (click would cut it by characters, and a Hangul syllable takes two columns).
        command.short_help = _ko(english.short_help) if english.short_help else _first_sentence(command.help)
        command.context_class = korean_context(english.context_class)
        for param, text in params:
            _set_help(param, _ko(text))


def _ko(text: str | None) -> str | None:
    return (korean(text) or text) if text else text


def _set_help(param: click.Parameter, text: str | None) -> None:
    if hasattr(param, "help"):
        param.help = text


def _first_sentence(text: str | None) -> str | None:
    if not text:
        return text
    paragraph = text.split("\n\n", 1)[0]
    sentence = re.match(r".*?[.!?](?=\s|$)", paragraph, re.DOTALL)
    return " ".join((sentence.group(0) if sentence else paragraph).split())


def help_language(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> Lang:
    """The language of `--help` for this command line, without loading the settings: the last
    `--lang`, else the `language` setting (MONITOR_LANGUAGE, `.env` in the current folder, then the
    TOML file of `--config` or MONITOR_CONFIG, as in monitor/settings.py), else Korean. A file that
    cannot be read is skipped: help never fails."""
    env = os.environ if environ is None else environ
    config = option_value(argv, "--config") or env.get("MONITOR_CONFIG")
    sources: tuple[Callable[[], str | None], ...] = (
        lambda: option_value(argv, "--lang"),
        lambda: _env_value(env.items()),
        lambda: _dotenv_value(Path(".env")),
        lambda: _toml_value(Path(config)) if config else None,
    )
    for source in sources:
        value = source()
        if value in ("ko", "en"):
            return "en" if value == "en" else "ko"
    return "ko"


def option_value(argv: Sequence[str], option: str) -> str | None:
    """The last value given to `option` (`--lang en` or `--lang=en`) before a `--`."""
    value = None
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == option and index + 1 < len(argv):
            value = argv[index + 1]
        elif arg.startswith(f"{option}="):
            value = arg.partition("=")[2]
    return value


def _env_value(items: Iterable[tuple[str, str]]) -> str | None:
    """MONITOR_LANGUAGE among `items` (names are not case-sensitive, as in pydantic-settings)."""
    value = None
    for name, text in items:
        if name.strip().upper() == "MONITOR_LANGUAGE":
            value = text.strip().strip("'\"").strip()
    return value


def _dotenv_value(path: Path) -> str | None:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeError):
        return None
    pairs = (line.removeprefix("export ").partition("=") for line in lines if "=" in line)
    return _env_value((name, value.split(" #")[0]) for name, _eq, value in pairs)


def _toml_value(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            value = tomllib.load(handle).get("language")
    except (OSError, tomllib.TOMLDecodeError, UnicodeError):
        return None
    return value if isinstance(value, str) else None


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: two for wide characters (Hangul, CJK), one for the others."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` columns (a longer word gets a line of its own); paragraphs
    stay apart, separated by an empty line."""
    lines: list[str] = []
    for number, paragraph in enumerate(re.split(r"\n\s*\n", text.strip())):
        if number:
            lines.append("")
        line = ""
        for word in paragraph.split():
            if line and display_width(f"{line} {word}") > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    return lines


def _extras_ko(extras: str) -> str:
    items = []
    for item in extras.split("; "):
        for english, ko in _EXTRAS_KO:
            if item.startswith(english):
                item = ko + item.removeprefix(english)
                break
        items.append(item)
    return "; ".join(items)


def row_ko(text: str) -> str:
    """One definition's text in Korean: its help (when still English, e.g. click's own `--help`) and
    the bracketed extras click adds after it (`[default: table; required]`)."""
    found = _EXTRAS.fullmatch(text)
    help_text, extras = (found["help"], found["extra"]) if found else (text, None)
    help_text = (korean(help_text) or help_text) if help_text else help_text
    if extras is None:
        return help_text
    return f"{help_text}  [{_extras_ko(extras)}]" if help_text else f"[{_extras_ko(extras)}]"


class KoreanHelpFormatter(click.HelpFormatter):
    """click's help formatter with Korean headings and extras, wrapping by display width."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, f"{HEADINGS_KO['Usage']}: " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(HEADINGS_KO.get(heading, heading))

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        for line in wrap(text, max(self.width - self.current_indent, 11)):
            self.write(f"{indent}{line}\n" if line else "\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        rows = [(first, row_ko(second)) for first, second in rows]
        if not rows:
            return
        first_col = min(max(display_width(first) for first, _ in rows), col_max) + col_spacing
        text_indent = " " * (first_col + self.current_indent)
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if display_width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - display_width(first)))
            else:
                self.write(f"\n{text_indent}")
            lines = wrap(second, max(self.width - first_col - 2, 10))
            self.write(f"{lines[0]}\n")
            for line in lines[1:]:
                self.write(f"{text_indent}{line}\n" if line else "\n")


_CONTEXTS: dict[type[click.Context], type[click.Context]] = {}


def korean_context(base: type[click.Context]) -> type[click.Context]:
    """`base` writing its help and usage with the Korean formatter (Context.formatter_class); one
    class per base, made once."""
    if issubclass(base.formatter_class, KoreanHelpFormatter):
        return base
    if base not in _CONTEXTS:
        made = type(f"Korean{base.__name__}", (base,), {"formatter_class": KoreanHelpFormatter})
        _CONTEXTS[base] = cast(type[click.Context], made)
    return _CONTEXTS[base]
