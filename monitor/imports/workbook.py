"""The Excel template: a bold, frozen header, column widths, drop-down lists for 상태 and 재원 and a second
sheet explaining every column in Korean and English."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from monitor.imports.columns import COLUMNS, Field
from monitor.imports.template import TemplateCell
from monitor.sinks import csv_cell
from monitor.vocab import FundingSource, MilestoneStatus, Status

STATUS_CHOICES = list(dict.fromkeys([s.ko for s in Status] + [s.ko for s in MilestoneStatus]))
FUNDING_CHOICES = [s.ko for s in FundingSource]
WIDTHS = {Field.CODE: 26, Field.TITLE: 44, Field.NOTE: 30, Field.EVIDENCE: 36, Field.STATUS: 14}
DATES = {Field.DUE, Field.LAST_AS_OF, Field.AS_OF}
NOTES = (
    (
        "첫 번째 시트만 읽습니다. 한 행이 보고 하나입니다. 기준일 오른쪽 열이 모두 빈 행은 건너뜁니다.",
        "Only the first sheet is read; a row is a report. Rows empty right of the as-of date are skipped.",
    ),
    (
        "예산 연차는 같은 코드·기준일로 재원별로 한 행씩 쓰면 합계와 재원별 금액을 가진 보고 하나가 됩니다.",
        "Budget tranches: one row per funding source with the same code and date make one report.",
    ),
    (
        "파일 전체를 먼저 검사합니다. 오류가 있으면 행·열과 함께 모두 알려 주고 아무것도 기록하지 않습니다.",
        "The whole file is checked first: errors are listed with row and column, and nothing is written.",
    ),
    (
        "가져오기: monitor progress import 파일.xlsx --by 이름 (먼저 --dry-run 으로 확인할 수 있습니다).",
        "Import: monitor progress import FILE.xlsx --by NAME (try --dry-run first).",
    ),
)


def write_workbook(rows: list[list[TemplateCell]], path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.title = "진행 보고 (progress)"
    sheet.append([column.header for column in COLUMNS])
    for row in rows:  # text from the registry never becomes a formula nor an illegal XML character
        sheet.append([csv_cell(cell) for cell in row])
    for position, column in enumerate(COLUMNS, start=1):
        _format_column(sheet, position, column.field, len(column.header))
    sheet.freeze_panes = "B2"
    _explain(workbook.create_sheet("설명 (columns)"))
    workbook.save(path)


def _format_column(sheet: Worksheet, position: int, field: Field, header_length: int) -> None:
    letter = get_column_letter(position)
    sheet.column_dimensions[letter].width = WIDTHS.get(field, max(12, header_length + 6))
    sheet[f"{letter}1"].font = Font(bold=True)
    if field in DATES:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=position, max_col=position):
            cell.number_format = "yyyy-mm-dd"
    choices = {Field.STATUS: STATUS_CHOICES, Field.FUNDING: FUNDING_CHOICES}.get(field)
    if choices:
        # a warning, not a stop: the importer also reads other evaluators' words (추진중, 이행완료 …)
        listed = DataValidation(
            type="list", formula1=f'"{",".join(choices)}"', allow_blank=True, errorStyle="warning"
        )
        listed.add(f"{letter}2:{letter}1048576")
        sheet.add_data_validation(listed)


def _explain(sheet: Worksheet) -> None:
    sheet.append(["열 (column)", "설명", "description"])
    for column in COLUMNS:
        sheet.append([column.header, column.help_ko, column.help_en])
    sheet.append([])
    for ko, en in NOTES:
        sheet.append(["", ko, en])
    for letter, width in (("A", 22), ("B", 64), ("C", 72)):
        sheet.column_dimensions[letter].width = width
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
