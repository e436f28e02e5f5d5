"""A published budget table as such: its lines in the published order (with 비예산 lines) and its
consistency findings as stored by the last seed load (table `findings`)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.db import models as m
from monitor.i18n import MESSAGES, t
from monitor.reports.figures import money, signed_money
from monitor.rules import CommitmentFacts
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
    published_text: str  # as people read them: "124,667.42백만원", the difference signed ("-0.26백만원")
    computed_text: str
    difference_text: str
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
            published_text=money(f.published, lang),
            computed_text=money(f.computed, lang),
            difference_text=signed_money(f.difference, lang),
            source=f.source,
            seed_file=f.seed_file,
            message=_message(f, lang),
        )
        for f in session.scalars(query)
    ]


def _message(finding: m.Finding, lang: Lang) -> str:
    """The sentence `monitor validate` prints for the finding, its amounts in 백만원."""
    key = f"report.finding.{finding.rule}"
    if key not in MESSAGES:
        return finding.rule
    return t(
        key,
        lang,
        records=", ".join(finding.records[:1]),
        column=finding.column_label or "",
        published=money(finding.published, lang),
        computed=money(finding.computed, lang),
        difference=signed_money(finding.difference, lang),
    )


@dataclass(frozen=True)
class LineRow:
    code: str
    title: str
    jurisdiction: str
    category: str | None
    budget_total: Decimal | None
    non_budget: bool
    seed_file: str


def line_rows(session: Session, jurisdiction: str | None) -> list[LineRow]:
    """Budget-table lines in the order of the published table: lines with tranches and 비예산 lines."""
    c, ms = m.Commitment, m.Milestone
    tranches = select(ms.commitment_id).where(ms.kind == "budget", ms.retired_at.is_(None))
    query = (
        select(c.code, c.title, m.Jurisdiction.slug, c.category, c.budget_total, c.non_budget)
        .add_columns(m.SourceDocument.seed_file)
        .join(m.Jurisdiction, m.Jurisdiction.id == c.jurisdiction_id)
        .join(m.SourceDocument, m.SourceDocument.id == c.source_id)
        .where(c.retired_at.is_(None), c.id.in_(tranches) | c.non_budget.is_(True))
        .order_by(m.SourceDocument.seed_file, c.source_line, c.position, c.code)
    )
    rows = [LineRow(*row) for row in session.execute(query)]
    if jurisdiction is None:
        return rows
    wanted = set(
        session.scalars(
            select(c.code)
            .join(m.CommitmentParty, m.CommitmentParty.commitment_id == c.id)
            .join(m.Jurisdiction, m.Jurisdiction.id == m.CommitmentParty.jurisdiction_id)
            .where(m.Jurisdiction.slug == jurisdiction)
        )
    )
    return [row for row in rows if row.code in wanted]


def depth(code: str, commitments: dict[str, CommitmentFacts], lines: set[str]) -> int:
    levels, node = 0, commitments.get(code)
    while node is not None and node.parent_code in lines:
        levels += 1
        node = commitments.get(node.parent_code or "")
    return levels
