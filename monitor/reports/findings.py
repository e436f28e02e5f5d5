"""Consistency findings of published budget tables, as stored by the last seed load (table `findings`)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.db import models as m
from monitor.i18n import MESSAGES, amount, t
from monitor.vocab import Lang

BUDGET_RULES = ("budget_row_total", "budget_children", "budget_published_total")


@dataclass(frozen=True)
class FindingRow:
    rule: str
    records: list[str]  # codes involved; for a total row the row label first
    column: str | None
    published: str | None
    computed: str | None
    difference: str | None  # computed − published
    source: str  # file:line of the published figure
    seed_file: str
    message: str


def budget_findings(session: Session, seed_files: Collection[str], lang: Lang) -> list[FindingRow]:
    query = (
        select(m.Finding)
        .where(m.Finding.seed_file.in_(list(seed_files)), m.Finding.rule.in_(BUDGET_RULES))
        .order_by(m.Finding.seed_file, m.Finding.id)
    )
    return [
        FindingRow(
            rule=f.rule,
            records=list(f.records),
            column=f.column_label,
            published=f.published,
            computed=f.computed,
            difference=f.difference,
            source=f.source,
            seed_file=f.seed_file,
            message=_message(f, lang),
        )
        for f in session.scalars(query)
    ]


def _message(finding: m.Finding, lang: Lang) -> str:
    """The same sentence `monitor validate` prints for the finding."""
    key = f"finding.{finding.rule}"
    if key not in MESSAGES:
        return finding.rule
    return t(
        key,
        lang,
        records=", ".join(finding.records[:1]),
        column=finding.column_label or "",
        published=_figure(finding.published),
        computed=_figure(finding.computed),
        difference=_figure(finding.difference),
    )


def _figure(text: str | None) -> str:
    try:
        return amount(text)
    except ArithmeticError:  # not a figure (a time, a description)
        return text or ""
