"""What is wrong with an import file: a `Problem` per cell (or row, or the whole file), all reported at once.

The CLI prints each as `FILE:ROW:COLUMN: message` — ROW as the spreadsheet shows it (the header is row 1),
COLUMN as the header is written in the file — then one summary line; nothing is written. Every problem
has its Korean (`ko`, written with fallback particles, 을(를) …, chosen when it is rendered) and is shown
in the user's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from monitor.errors import MonitorError, SeedError
from monitor.korean import particles
from monitor.vocab import Lang


@dataclass(frozen=True)
class Problem:
    row: int  # 0: the file as a whole
    column: str  # the header as written in the file; "" when no single column is at fault
    message: str
    ko: str | None = None  # the message in Korean

    def render(self, file: str, lang: Lang = "en") -> str:
        where = file if self.row == 0 else f"{file}:{self.row}"
        message = particles(self.ko) if lang == "ko" and self.ko else self.message
        return f"{where}:{self.column}: {message}" if self.column else f"{where}: {message}"


class ImportRejected(SeedError):
    """The file cannot be imported; `problems` holds one rendered line per problem, in row and column order,
    in `lang` (`speaking` gives the same rejection in another language).

    A `SeedError` so the CLI prints the list the way it prints seed problems (one line each, then a summary).
    """

    exit_code = 2

    def __init__(
        self, file: str, problems: list[Problem], columns: Sequence[str] = (), lang: Lang = "en"
    ) -> None:
        place = {name: position for position, name in reversed(list(enumerate(columns)))}
        ordered = sorted(problems, key=lambda p: (p.row, place.get(p.column, len(place))))
        self.file, self.found = file, ordered
        self.problems = [p.render(file, lang) for p in ordered]
        count = len(ordered)
        MonitorError.__init__(
            self,
            f"{count} problem{'s' if count != 1 else ''} in {file}; nothing was written. "
            "Fix them and run again.",
            ko=f"{file}에서 문제 {count}건이 발견되어 아무것도 기록하지 않았습니다. 고친 뒤 다시 실행하세요.",
        )

    def speaking(self, lang: Lang) -> ImportRejected:
        """The same problems, rendered in `lang`."""
        return ImportRejected(self.file, self.found, lang=lang)


def rejected(file: str, message: str, ko: str, row: int = 0, column: str = "") -> ImportRejected:
    """A file that cannot be read at all: one problem (English `message`, Korean `ko`)."""
    return ImportRejected(file, [Problem(row, column, message, ko)])
