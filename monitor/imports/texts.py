"""What the import and template commands say, Korean first (the `language` setting, `--lang`).

A dry run lists each report the way people read it in Korean — the import's column names (실적, 상태,
집행액 …), figures with thousands separators and their unit (1,200호, 350.5백만원), statuses by their
label — and as `key=value` with the English keys under `--lang en`.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from monitor.i18n import amount
from monitor.imports.apply import Written
from monitor.imports.columns import BY_FIELD, Field
from monitor.imports.validate import AMOUNT_UNIT
from monitor.korean import say_in
from monitor.vocab import Lang, MilestoneStatus, Status

MESSAGES: dict[str, tuple[str, str]] = {
    "imported": (
        "가져옴: {file} — 보고 {written}건 기록 (데이터 행 {rows}개, 빈 행 {skipped}개 건너뜀, 보고자 {by})",
        "Imported {file}: {written} reports written ({rows} rows, {skipped} empty rows skipped, by {by})",
    ),
    "dry_run": (
        "모의 실행: {file} — 보고 {written}건이 기록될 것입니다. 아무것도 기록하지 않았습니다 "
        "(데이터 행 {rows}개, 빈 행 {skipped}개 건너뜀)",
        "Dry run of {file}: {written} reports would be written; nothing was written "
        "({rows} rows, {skipped} empty rows skipped)",
    ),
    "unchanged": (
        " 이미 기록된 보고 {count}건은 다시 쓰지 않음.",
        " {count} reports already recorded were left as they are.",
    ),
    "would_write": (
        "{row} {rows}: {code} 기준일 {as_of}: {fields}",
        "{row} {rows}: {code} as of {as_of}: {fields}",
    ),
    "ignored": (
        "참고: 읽지 않은 열 (알 수 없는 제목): {columns}",
        "note: columns not read (unknown headers): {columns}",
    ),
    "template": (
        "서식을 만들었습니다: {path} ({jurisdiction}, {rows}행)",
        "Template written: {path} ({jurisdiction}, {rows} rows)",
    ),
}


AMOUNTS = {Field.PLANNED, Field.SECURED, Field.EXECUTED}
CORRECTS_KO = "정정 대상"


def say(key: str, lang: Lang, **values: object) -> str:
    """The message `key` in `lang` (Korean with its particles chosen)."""
    return say_in(MESSAGES, key, lang, **values)


def would_write(report: Written, lang: Lang) -> str:
    """One line of a dry run: the rows, the code, the as-of date and every field as written."""
    if lang == "ko":
        fields = " · ".join(_field_ko(report, name, value) for name, value in report.fields.items())
        rows, row = ", ".join(map(str, report.rows)), "행"
    else:
        fields = " ".join(f"{name}={value}" for name, value in report.fields.items())
        rows, row = ",".join(map(str, report.rows)), "rows" if len(report.rows) > 1 else "row"
    return say("would_write", lang, row=row, rows=rows, code=report.code, as_of=report.as_of, fields=fields)


def _field_ko(report: Written, key: str, value: str) -> str:
    """ "실적 1,200호", "국비 집행액 200.5백만원", "상태 완료", "정정 대상 #12"."""
    source, _, name = key.rpartition(".")
    if name == "corrects":
        return f"{CORRECTS_KO} {value}"
    field = Field(name)
    label = f"{source} {BY_FIELD[field].ko}" if source else BY_FIELD[field].ko
    return f"{label} {_shown(report, field, value)}"


def _shown(report: Written, field: Field, value: str) -> str:
    if field == Field.STATUS:
        try:
            return (Status(value) if report.commitment else MilestoneStatus(value)).ko
        except ValueError:
            return value
    if field in AMOUNTS:
        return _figure(value) + AMOUNT_UNIT
    if field == Field.VALUE:
        return _figure(value) + report.unit
    return value


def _figure(value: str) -> str:
    try:
        return amount(Decimal(value))
    except InvalidOperation:
        return value
