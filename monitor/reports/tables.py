"""Reports as data: the full structure for JSON, and each report's main table as flat rows for CSV."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from monitor.reports.budget import BudgetReport
from monitor.reports.card import CardReport
from monitor.reports.digest import DigestItem, DigestReport
from monitor.reports.entries import Entry
from monitor.reports.status import STATUS_KEYS, StatusReport
from monitor.snapshot.model import STATE_ORDER
from monitor.timeutil import isoformat_local

Report = StatusReport | BudgetReport | DigestReport | CardReport


def to_data(value: Any, tz: ZoneInfo) -> Any:
    """JSON-ready: dataclasses become objects, amounts strings (no digit lost), instants ISO 8601 with
    the configured zone's offset."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name), tz) for f in dataclasses.fields(value)}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return isoformat_local(value, tz)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_data(v, tz) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_data(v, tz) for v in value]
    return value


def main_table(report: Report, tz: ZoneInfo) -> tuple[list[str], list[dict[str, Any]]]:
    """(columns, rows) of the report's main table, one flat row per line."""
    if isinstance(report, StatusReport):
        return _status_rows(report)
    if isinstance(report, BudgetReport):
        return _budget_rows(report)
    if isinstance(report, DigestReport):
        return _digest_rows(report, tz)
    return ENTRY_COLUMNS, [_entry_row(e, tz) for e in report.history]


def _status_rows(report: StatusReport) -> tuple[list[str], list[dict[str, Any]]]:
    columns = [
        "jurisdiction",
        "category",
        "is_total",
        "pledges",
        "agendas",
        "agreements",
        *STATUS_KEYS,
        "completion_rate",
        "year",
        "targets_due",
        "targets_met",
        "achievement_rate",
        "overdue",
        "at_risk",
        *(f"state.{state}" for state in STATE_ORDER),
    ]
    rows = []
    for row in report.rows:
        data = to_data(row, ZoneInfo("UTC"))
        states = {f"state.{k}": v for k, v in row.states.items()}
        rows.append({**data, **row.statuses, **states, "year": report.year})
    return columns, rows


LINE_COLUMNS = ("jurisdiction", "code", "title", "category", "depth", "non_budget")


def _budget_rows(report: BudgetReport) -> tuple[list[str], list[dict[str, Any]]]:
    columns = [
        "jurisdiction",
        "code",
        "title",
        "category",
        "depth",
        "non_budget",
        "column",
        "milestone",
        "planned",
        "secured",
        "executed",
        "securing_rate",
        "execution_rate",
        "state",
    ]
    rows: list[dict[str, Any]] = []
    for line in report.lines:
        base = {
            k: getattr(line, k) for k in ("jurisdiction", "code", "title", "category", "depth", "non_budget")
        }
        if not line.cells:
            rows.append(base)
        for cell in line.cells:
            rows.append({**base, **{k: v for k, v in to_data(cell, ZoneInfo("UTC")).items() if k in columns}})
    return columns, rows


DIGEST_COLUMNS = [
    "section",
    "code",
    "title",
    "commitment_code",
    "jurisdiction",
    "due_day",
    "time_left",
    "reason",
    "as_of",
    "entered_at",
    "what",
    "reporter",
    "channel",
    "evidence",
    "note",
    "corrects",
]


def _digest_rows(report: DigestReport, tz: ZoneInfo) -> tuple[list[str], list[dict[str, Any]]]:
    rows: list[dict[str, Any]] = []
    sections: list[tuple[str, list[DigestItem]]] = [
        ("new_overdue", report.new_overdue),
        ("ongoing_overdue", report.ongoing_overdue),
        ("resolved", report.resolved),
        ("due_soon", report.due_soon),
    ]
    for section, items in sections:
        for item in items:
            rows.append(
                {
                    "section": section,
                    "code": item.code,
                    "title": item.title,
                    "commitment_code": item.commitment_code,
                    "jurisdiction": item.jurisdiction,
                    "due_day": item.due_day,
                    "time_left": item.countdown.label if item.countdown else None,
                    "reason": item.reason,
                }
            )
    rows.extend({"section": "progress", **_entry_row(entry, tz)} for entry in report.progress)
    return DIGEST_COLUMNS, rows


ENTRY_COLUMNS = [
    "ref",
    "type",
    "as_of",
    "entered_at",
    "code",
    "title",
    "commitment_code",
    "jurisdiction",
    "what",
    "value",
    "status",
    "secured",
    "executed",
    "reporter",
    "channel",
    "evidence",
    "note",
    "corrects",
    "corrected_by",
]


def _entry_row(entry: Entry, tz: ZoneInfo) -> dict[str, Any]:
    data: dict[str, Any] = to_data(entry, tz)
    data["evidence"] = " ".join(entry.evidence)
    data["corrected_by"] = " ".join(entry.corrected_by)
    return {k: data.get(k) for k in ENTRY_COLUMNS}
