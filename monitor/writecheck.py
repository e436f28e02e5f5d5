"""The one check of every write (`monitor progress log`, the spreadsheet import, the bot's /log, an
API): a pure function over the typed input, the facts of its target and the milestone's latest report,
naming the field of each problem, so every path refuses the same mistakes with the same words.

Implausible figures (an amount far past the plan, a cumulative value jumping past its target many
times over) are problems a confirmation lets through (`ProgressInput.confirmed`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from monitor.db import models as m
from monitor.errors import InputError
from monitor.history.chain import NewRow
from monitor.i18n import amount, t
from monitor.vocab import Channel, Lang, MilestoneStatus, Status
from monitor.writerange import out_of_range

Target = m.Commitment | m.Milestone
PLAUSIBLE_FACTOR = Decimal("1.5")  # the default of the `plausible_factor` setting
TARGET_TIMES = 10  # a cumulative value past this many times its target is a typo until confirmed


@dataclass(frozen=True)
class ProgressInput:
    code: str
    reporter: str
    channel: str
    value: Decimal | None = None
    status: str | None = None
    executed: Decimal | None = None
    secured: Decimal | None = None
    # Budget tranches only: a restated plan, and the amounts split by source ({"국비": {"executed": "5"}}).
    planned: Decimal | None = None
    by_source: dict[str, dict[str, str]] | None = None
    as_of: date | None = None
    note: str | None = None
    evidence: list[str] = field(default_factory=list)
    correction: bool = False
    confirmed: bool = False  # the reporter confirmed figures far past the plan or target


@dataclass(frozen=True)
class Latest:
    """A milestone's latest report: one recorded (`id`) or one added to the batch (`row`)."""

    value: Decimal | None
    as_of: date
    entered_at: datetime
    id: int | None = None
    row: NewRow | None = None


# ── The one check of every write (CLI, spreadsheet import, the bot's /log, an API): pure, over the typed
# input and the facts of its target (and the milestone's latest report), naming the field of each problem.

AMOUNTS = ("planned", "secured", "executed")
LABELS = {"value": "실적", "status": "상태", "planned": "계획액", "secured": "확보액", "executed": "집행액"}
# kind → (Korean name, the statuses it takes in Korean, and in English)
KINDS = {
    "quantity": ("수량", "", ""),
    "completion": ("완료", "완료", "완료 (done)"),
    "payment": ("지급", "시행 또는 완료", "시행 (started) or 완료 (done)"),
    "event": ("행사", "개최 또는 취소", "개최 (held) or 취소 (cancelled)"),
    "budget": ("예산", "", ""),
}
STATUSES_BY_KIND: dict[str, set[MilestoneStatus]] = {
    "completion": {MilestoneStatus.DONE},
    "payment": {MilestoneStatus.STARTED, MilestoneStatus.DONE},
    "event": {MilestoneStatus.HELD, MilestoneStatus.CANCELLED},
    "quantity": set(),
    "budget": set(),
}


@dataclass(frozen=True)
class WriteProblem:
    """What is wrong with one field of a report. `confirmable`: an implausible figure, written when the
    reporter confirms it (`ProgressInput.confirmed`)."""

    field: str  # value, status, planned, secured or executed
    key: str  # its message in monitor.i18n
    values: dict[str, Any]
    confirmable: bool = False

    def text(self, lang: Lang, hint: bool = False) -> str:
        return t(self.key, lang, **self.values) + (t("write.confirm_hint", lang) if hint else "")


@dataclass(frozen=True)
class RangeProblem(WriteProblem):
    """A figure or date outside its documented range (monitor.limits), its text already in both languages."""

    en: str = ""
    ko: str = ""

    def text(self, lang: Lang, hint: bool = False) -> str:
        return self.ko if lang == "ko" else self.en


class WriteRefused(InputError):
    """A report the check refuses, every problem in one line (English `str`, Korean `ko`). `unconfirmed`:
    only implausible figures — a confirmation lets it through. The CLI and the import say how to confirm."""

    def __init__(self, problems: list[WriteProblem], channel: str) -> None:
        self.problems = problems
        self.unconfirmed = all(p.confirmable for p in problems)
        self.hint = channel in (Channel.CLI.value, Channel.IMPORT.value)
        super().__init__(self.render("en"), ko=self.render("ko"))

    def render(self, lang: Lang, hint: bool | None = None) -> str:
        hinted = self.hint if hint is None else hint
        return "; ".join(p.text(lang, hinted and p.confirmable) for p in self.problems)


def milestone_status(text: str) -> MilestoneStatus | None:
    """A milestone status word, spacing ignored (완료, 개최, done …); None when it is not one."""
    try:
        return MilestoneStatus.parse("".join(text.split()))
    except ValueError:
        return None


def check_report(
    target: Target,
    entry: ProgressInput,
    latest: Latest | None = None,
    factor: Decimal = PLAUSIBLE_FACTOR,
    part: bool = False,
) -> list[WriteProblem]:
    """Every problem of `entry` as a report on `target`; none: it may be written. `latest`: the milestone's
    latest report; `part`: one row of a report split by funding source (checked again as a whole)."""
    out_of_range = _out_of_range(entry)
    if out_of_range:
        return out_of_range  # nothing else is computed from a figure past its range (no overflow)
    if isinstance(target, m.Commitment):
        return _commitment_problems(target, entry)
    found = _negative(entry) or _budget_problems(target, entry, part) or _shape_problems(target, entry)
    if found or part:
        return found
    found = _going_down(target, entry, latest) + _implausible(target, entry, factor, latest)
    return [p for p in found if not (p.confirmable and entry.confirmed)]


def _out_of_range(entry: ProgressInput) -> list[WriteProblem]:
    given = {name: getattr(entry, name) for name in ("value", *AMOUNTS)}
    found = out_of_range(given, entry.by_source, entry.as_of, LABELS)
    return [RangeProblem(name, "", {}, en=en, ko=ko) for name, en, ko in found]


def _given(entry: ProgressInput, *names: str) -> list[str]:
    return [name for name in names if getattr(entry, name) is not None]


def _about(name: str, code: str, **values: Any) -> dict[str, Any]:
    return {"code": code, "name": name, "label": LABELS.get(name, name), **values}


def _commitment_problems(commitment: m.Commitment, entry: ProgressInput) -> list[WriteProblem]:
    found = [
        WriteProblem(name, "write.commitment", _about(name, commitment.code))
        for name in _given(entry, "value", *AMOUNTS)
    ]
    if entry.status is None:
        return found or [WriteProblem("status", "write.commitment_status", {"code": commitment.code})]
    try:
        Status.parse(entry.status)
    except ValueError as exc:
        found.append(WriteProblem("status", "write.raw", {"message": str(exc)}))
    return found


def _negative(entry: ProgressInput) -> list[WriteProblem]:
    """No amount below zero: not a total, and not one source's part of it either."""
    amounts = [(name, name, LABELS[name], getattr(entry, name)) for name in ("value", *AMOUNTS)]
    for source, split in (entry.by_source or {}).items():
        amounts += [(n, f"{source}.{n}", f"{source} {LABELS[n]}", Decimal(a)) for n, a in split.items()]
    return [
        WriteProblem(field, "write.negative", {"name": name, "label": label, "amount": amount})
        for field, name, label, amount in amounts
        if amount is not None and amount < 0
    ]


def _budget_problems(milestone: m.Milestone, entry: ProgressInput, part: bool) -> list[WriteProblem]:
    if milestone.kind != "budget":
        return []
    found = [
        WriteProblem(name, "write.budget_not", _about(name, milestone.code))
        for name in _given(entry, "value", "status")
    ]
    if not found and not _given(entry, *AMOUNTS):
        found.append(WriteProblem("executed", "write.budget_missing", {"code": milestone.code}))
    elif not found and not part and not _given(entry, "secured", "executed"):
        found.append(WriteProblem("planned", "write.planned_alone", {}))
    return found


def _shape_problems(milestone: m.Milestone, entry: ProgressInput) -> list[WriteProblem]:
    """What a milestone other than a budget tranche does not take, or misses."""
    if milestone.kind == "budget":
        return []
    kind_ko, words_ko, words = KINDS[milestone.kind]
    about: dict[str, Any] = {"kind": milestone.kind, "kind_ko": kind_ko, "words": words, "words_ko": words_ko}
    about |= {"unit": milestone.unit, "code": milestone.code}
    amounts = _given(entry, *AMOUNTS) + (["executed"] if entry.by_source else [])
    found = [WriteProblem(name, "write.amounts", about | {"label": LABELS[name]}) for name in amounts]
    status = milestone_status(entry.status) if entry.status is not None else None
    if milestone.kind == "quantity":
        if entry.status is not None:
            found.append(WriteProblem("status", "write.quantity_status", about))
        elif entry.value is None:
            found.append(WriteProblem("value", "write.quantity_missing", about))
    elif entry.value is not None:
        found.append(WriteProblem("value", "write.status_not_value", about))
    elif entry.status is None:
        found.append(WriteProblem("status", "write.status_missing", about))
    elif status is None:
        found.append(WriteProblem("status", "write.raw", {"message": _unknown_status(entry.status)}))
    elif status not in STATUSES_BY_KIND[milestone.kind]:
        allowed = ", ".join(sorted(s.value for s in STATUSES_BY_KIND[milestone.kind]))
        found.append(
            WriteProblem(
                "status", "write.status_not_allowed", about | {"given": entry.status, "allowed": allowed}
            )
        )
    return found


def _unknown_status(text: str) -> str:
    try:
        MilestoneStatus.parse(text)
    except ValueError as exc:
        return str(exc)
    return text


def _going_down(milestone: m.Milestone, entry: ProgressInput, latest: Latest | None) -> list[WriteProblem]:
    was = latest.value if latest is not None else None
    if milestone.kind != "quantity" or not milestone.cumulative or entry.correction or latest is None:
        return []
    if was is None or entry.value is None or entry.value >= was:
        return []
    values = {"code": milestone.code, "was": was, "as_of": latest.as_of, "value": entry.value}
    return [WriteProblem("value", "write.going_down", values)]


def _implausible(
    milestone: m.Milestone, entry: ProgressInput, factor: Decimal, latest: Latest | None
) -> list[WriteProblem]:
    """Figures far past the plan or the target: executed or secured above planned × `factor`; a cumulative
    value up by more than TARGET_TIMES × its target since the latest report (or the baseline)."""
    found: list[WriteProblem] = []
    plan, target, value = milestone.planned_amount, milestone.target_value, entry.value
    for name in _given(entry, "secured", "executed") if milestone.kind == "budget" and plan else []:
        given: Decimal = getattr(entry, name)
        if plan is not None and given > plan * factor:
            values = _about(name, milestone.code, amount=amount(given), plan=amount(plan), factor=factor)
            percent = round(given * 100 / plan)
            found.append(WriteProblem(name, "write.over_plan", values | {"percent": percent}, True))
    was = (latest.value if latest is not None else None) or milestone.baseline or Decimal(0)
    if milestone.kind != "quantity" or not milestone.cumulative or not target or value is None:
        return found
    if value - was > target * TARGET_TIMES:
        values = {"value": amount(value), "was": amount(was), "target": amount(target), "times": TARGET_TIMES}
        values |= {"code": milestone.code, "unit": milestone.unit or ""}
        found.append(WriteProblem("value", "write.over_target", values, True))
    return found
