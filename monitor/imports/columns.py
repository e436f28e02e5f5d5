"""The columns of an import file: what each header means, in Korean or English.

A header matches when, ignoring case, spaces, `_` and `-`, it is one of a field's aliases — either as a
whole or the part before or inside brackets, so the template's "기준일 (as of)", an official's "기준일자"
and "as_of" all mean the as-of date. Informational columns (title, target …, as the template ships them)
are recognised and ignored; unknown columns are ignored and named in the summary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from monitor.imports.problems import Problem


class Field(StrEnum):
    CODE = "code"
    AS_OF = "as_of"
    VALUE = "value"
    UNIT = "unit"
    STATUS = "status"
    PLANNED = "planned"
    SECURED = "secured"
    EXECUTED = "executed"
    FUNDING = "funding"
    NOTE = "note"
    EVIDENCE = "evidence"
    # informational: written by the template, ignored by the importer
    TITLE = "title"
    KIND = "kind"
    TARGET = "target"
    DUE = "due"
    LAST_VALUE = "last_value"
    LAST_AS_OF = "last_as_of"


@dataclass(frozen=True)
class Column:
    field: Field
    ko: str
    en: str
    aliases: tuple[str, ...]
    help_ko: str
    help_en: str

    @property
    def header(self) -> str:
        """The template's header: Korean first, the English name in brackets (both are accepted)."""
        return f"{self.ko} ({self.en})"


# In the template's order. Aliases are compared after `_squeeze`.
COLUMNS: tuple[Column, ...] = (
    Column(
        Field.CODE,
        "코드",
        "code",
        ("코드", "공약코드", "목표코드", "code"),
        "공약 코드 또는 목표 코드(CODE.key)",
        "commitment code, or milestone code (CODE.key)",
    ),
    Column(
        Field.TITLE,
        "제목",
        "title",
        ("제목", "공약명", "사업명", "title"),
        "참고용 (읽지 않음)",
        "for reference (not read)",
    ),
    Column(Field.KIND, "종류", "kind", ("종류", "kind"), "참고용 (읽지 않음)", "for reference (not read)"),
    Column(
        Field.TARGET,
        "목표",
        "target",
        ("목표", "목표값", "target"),
        "참고용: 목표 수량 또는 계획액",
        "for reference: target quantity or planned amount",
    ),
    Column(
        Field.UNIT,
        "단위",
        "unit",
        ("단위", "unit"),
        "실적의 단위; 목표의 단위와 같아야 함 (금액은 백만원)",
        "unit of the value; must be the target's unit (amounts: 백만원)",
    ),
    Column(
        Field.DUE,
        "기한",
        "due",
        ("기한", "목표기한", "due", "duedate"),
        "참고용 (읽지 않음)",
        "for reference (not read)",
    ),
    Column(
        Field.LAST_VALUE,
        "최근 실적",
        "last reported",
        ("최근실적", "최근보고", "lastreported", "lastvalue"),
        "참고용: 마지막으로 보고된 실적·상태",
        "for reference: the latest reported value or status",
    ),
    Column(
        Field.LAST_AS_OF,
        "최근 기준일",
        "last as of",
        ("최근기준일", "lastasof"),
        "참고용: 그 보고의 기준일",
        "for reference: that report's as-of date",
    ),
    Column(
        Field.AS_OF,
        "기준일",
        "as of",
        ("기준일", "기준일자", "기준날짜", "asof", "date"),
        "보고 기준일 (예: 2026-09-30); 오늘 이후는 안 됨",
        "date the report describes (e.g. 2026-09-30); not in the future",
    ),
    Column(
        Field.VALUE,
        "실적",
        "value",
        ("실적", "값", "실적값", "value"),
        "수량 목표의 실적 (누적 목표는 누계); 단위를 붙여도 됨 (1,200호)",
        "a quantity target's value (running total if cumulative); may carry the unit (1,200호)",
    ),
    Column(
        Field.STATUS,
        "상태",
        "status",
        ("상태", "추진상태", "이행상태", "status"),
        "공약: 정상추진·일부추진·완료 …; 목표: 완료·시행·개최·취소",
        "commitment: official status (정상추진 …); milestone: done, started, held or cancelled",
    ),
    Column(
        Field.PLANNED,
        "계획액",
        "planned",
        ("계획", "계획액", "planned"),
        "예산 연차: 계획액 (백만원); 확보액·집행액과 함께만",
        "budget tranche: planned amount (백만원); only with secured or executed",
    ),
    Column(
        Field.SECURED,
        "확보액",
        "secured",
        ("확보", "확보액", "secured"),
        "예산 연차: 확보액 (백만원)",
        "budget tranche: amount secured (백만원)",
    ),
    Column(
        Field.EXECUTED,
        "집행액",
        "executed",
        ("집행", "집행액", "executed"),
        "예산 연차: 집행액 (백만원)",
        "budget tranche: amount executed (백만원)",
    ),
    Column(
        Field.FUNDING,
        "재원",
        "funding",
        ("재원", "재원구분", "funding", "fundingsource", "source"),
        "국비·시비·구비 (도비·기타); 재원별로 한 행씩 쓰면 한 보고로 합쳐짐",
        "국비/시비/구비 (national/city/district); one row per source makes one report",
    ),
    Column(Field.NOTE, "비고", "note", ("비고", "내용", "note", "notes"), "자유 기재", "free text"),
    Column(
        Field.EVIDENCE,
        "근거",
        "evidence",
        ("근거", "증빙", "증빙자료", "근거url", "증빙url", "url", "evidence", "evidenceurl"),
        "근거 자료 주소 (http·https); 여러 개는 띄어쓰기나 줄바꿈으로 구분",
        "evidence links (http/https), separated by spaces or new lines",
    ),
)

INFORMATIONAL = frozenset(
    {Field.TITLE, Field.KIND, Field.TARGET, Field.DUE, Field.LAST_VALUE, Field.LAST_AS_OF}
)
# A row whose update columns are all empty is skipped (a template row nobody filled in).
UPDATE_FIELDS = (
    Field.VALUE,
    Field.STATUS,
    Field.PLANNED,
    Field.SECURED,
    Field.EXECUTED,
    Field.NOTE,
    Field.EVIDENCE,
)
REQUIRED = (Field.CODE, Field.AS_OF)

_ALIASES: dict[str, Field] = {alias: column.field for column in COLUMNS for alias in column.aliases}
BY_FIELD: dict[Field, Column] = {column.field: column for column in COLUMNS}


def _squeeze(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text).lower()


def field_of(header: str) -> Field | None:
    """The field a header names, if any: the whole header, else the part before or inside brackets."""
    whole = _squeeze(header)
    candidates = [whole]
    bracket = re.fullmatch(r"([^(\[]*)[(\[]([^)\]]*)[)\]]", whole)
    if bracket:
        candidates += [bracket.group(1), bracket.group(2)]
    return next((_ALIASES[c] for c in candidates if c in _ALIASES), None)


@dataclass(frozen=True)
class HeaderMap:
    index: dict[Field, int]  # position of each recognised import column
    names: dict[Field, str]  # the header as written, for messages
    ignored: tuple[str, ...]  # unknown headers
    written: tuple[str, ...]  # every header, in file order

    def name(self, field: Field) -> str:
        return self.names.get(field, BY_FIELD[field].header)


def map_headers(headers: list[str], row: int) -> tuple[HeaderMap, list[Problem]]:
    """Read the header row; problems for a column named twice or a required column missing."""
    index: dict[Field, int] = {}
    names: dict[Field, str] = {}
    ignored: list[str] = []
    problems: list[Problem] = []
    for position, header in enumerate(headers):
        if not header.strip():
            continue
        found = field_of(header)
        if found is None:
            ignored.append(header)
        elif found in index:
            problems.append(_twice(row, header, names[found], found))
        elif found not in INFORMATIONAL:
            index[found], names[found] = position, header
    found_headers = ", ".join(headers)
    for field in REQUIRED:
        if field not in index:
            column = BY_FIELD[field]
            problems.append(
                Problem(
                    row,
                    "",
                    f"no {column.ko} ({column.en}) column; headers found: {found_headers}",
                    f"{column.ko} 열이 없습니다 (있는 열 제목: {found_headers})",
                )
            )
    return HeaderMap(index, names, tuple(ignored), tuple(headers)), problems


def _twice(row: int, header: str, first: str, field: Field) -> Problem:
    """A second column meaning the same field as `first`."""
    return Problem(
        row,
        header,
        f"means the same as column {first!r} ({field.value})",
        f"'{first}' 열과 같은 뜻입니다 ({BY_FIELD[field].ko})",
    )
