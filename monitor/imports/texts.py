"""What the import and template commands say, Korean first (the `language` setting, `--lang`)."""

from __future__ import annotations

from monitor.imports.apply import Written
from monitor.vocab import Lang

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
        "행 {rows}: {code} 기준일 {as_of}: {fields}",
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


def say(key: str, lang: Lang, **values: object) -> str:
    ko, en = MESSAGES[key]
    return (ko if lang == "ko" else en).format(**values)


def would_write(report: Written, lang: Lang) -> str:
    """One line of a dry run: the rows, the code, the as-of date and every field as written."""
    fields = " ".join(f"{name}={value}" for name, value in report.fields.items())
    rows = ",".join(map(str, report.rows))
    row = "rows" if len(report.rows) > 1 else "row"
    return say("would_write", lang, row=row, rows=rows, code=report.code, as_of=report.as_of, fields=fields)
