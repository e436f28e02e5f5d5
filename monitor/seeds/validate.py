"""Read and validate seed files into a `SeedBundle`, or raise `SeedError` listing every problem.

Problems are schema errors that stop a load (missing field, bad date, duplicate code, unknown parent,
unknown unit or jurisdiction, a number not found on the line it cites). Published inconsistencies are
not problems: they are findings (`monitor.seeds.consistency`) and never stop a load.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from monitor.errors import SeedError
from monitor.seeds.schema import (
    NOT_PLANNED,
    TOTAL_COLUMN,
    CommitmentRecord,
    DocumentFile,
    DocumentInfo,
    JurisdictionRecord,
    JurisdictionsFile,
    MilestoneRecord,
)
from monitor.seeds.yamlsource import YamlProblem, line_of, read_yaml

JURISDICTIONS_FILE = "jurisdictions.yaml"
SOURCES_DIR = "sources"


@dataclass(frozen=True)
class SourceText:
    file: str
    lines: list[str]
    sha256: str

    def excerpt(self, lines: tuple[int, int]) -> str:
        first, last = lines
        return "\n".join(self.lines[first - 1 : last])


@dataclass(frozen=True)
class SeedDocument:
    path: Path
    model: DocumentFile
    source: SourceText

    def citation(self, lines: tuple[int, int]) -> str:
        first, last = lines
        return f"{self.source.file}:{first}" + (f"-{last}" if last != first else "")


@dataclass(frozen=True)
class SeedBundle:
    jurisdictions: list[JurisdictionRecord]
    documents: list[SeedDocument]

    def commitments(self) -> Iterator[tuple[SeedDocument, CommitmentRecord]]:
        for document in self.documents:
            for record in document.model.commitments:
                yield document, record


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def discover(paths: list[Path]) -> list[Path]:
    """Expand folders to the YAML files in them (not recursive: `sources/` holds no seeds)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted([*path.glob("*.yaml"), *path.glob("*.yml")]))
        elif path.exists():
            found.append(path)
        else:
            raise SeedError([f"{display_path(path)}: no such file or folder"])
    if not found:
        raise SeedError([f"{', '.join(display_path(p) for p in paths)}: no seed files (*.yaml) found"])
    return found


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, path: Path, line: int | None, message: str) -> None:
        self.items.append(f"{display_path(path)}:{line or 1}: {message}")


def _parse(path: Path, model: type[BaseModel], problems: _Problems) -> Any:
    try:
        tree = read_yaml(path)
    except YamlProblem as exc:
        problems.add(path, exc.line, str(exc))
        return None
    except OSError as exc:
        problems.add(path, None, f"cannot read: {exc.strerror}")
        return None
    try:
        return model.model_validate(tree)
    except ValidationError as exc:
        for error in exc.errors():
            where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"]).lstrip(".")
            message = error["msg"].removeprefix("Value error, ")
            problems.add(path, line_of(tree, error["loc"]), f"{where}: {message}" if where else message)
        return None


def _read_source(path: Path, info: DocumentInfo, problems: _Problems) -> SourceText | None:
    source_path = path.parent / SOURCES_DIR / info.file
    try:
        data = source_path.read_bytes()
    except OSError:
        problems.add(path, info.yaml_line, f"document.file: source {display_path(source_path)} not found")
        return None
    digest = hashlib.sha256(data).hexdigest()
    if info.sha256 is not None and info.sha256 != digest:
        problems.add(
            path,
            info.yaml_line,
            f"document.sha256: {display_path(source_path)} is not the text this seed "
            "cites (its digest changed); re-check the citations, then update sha256",
        )
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        problems.add(path, info.yaml_line, f"document.file: {display_path(source_path)} is not UTF-8 text")
        return None
    return SourceText(file=info.file, lines=text.split("\n"), sha256=digest)


def read_bundle(paths: list[Path]) -> SeedBundle:
    """Parse and check the given seed files/folders; raise `SeedError` with every problem found."""
    files = discover(paths)
    if not any(f.name == JURISDICTIONS_FILE for f in files):
        siblings = {f.parent / JURISDICTIONS_FILE for f in files} - set(files)
        files = [*sorted(p for p in siblings if p.exists()), *files]
    problems = _Problems()
    jurisdictions: list[tuple[Path, JurisdictionRecord]] = []
    documents: list[SeedDocument] = []
    for path in files:
        if path.name == JURISDICTIONS_FILE:
            parsed = _parse(path, JurisdictionsFile, problems)
            if parsed is not None:
                jurisdictions.extend((path, j) for j in parsed.jurisdictions)
            continue
        doc = _parse(path, DocumentFile, problems)
        if doc is None:
            continue
        source = _read_source(path, doc.document, problems)
        if source is not None:
            documents.append(SeedDocument(path=path, model=doc, source=source))
    _check_jurisdictions(jurisdictions, documents, problems)
    _check_codes(documents, problems)
    for document in documents:
        _check_document(document, problems)
    if problems.items:
        raise SeedError(problems.items)
    return SeedBundle(jurisdictions=[j for _, j in jurisdictions], documents=documents)


def _check_jurisdictions(
    jurisdictions: list[tuple[Path, JurisdictionRecord]], documents: list[SeedDocument], problems: _Problems
) -> None:
    slugs = Counter(j.slug for _, j in jurisdictions)
    for path, record in jurisdictions:
        if slugs[record.slug] > 1:
            problems.add(path, record.yaml_line, f"duplicate jurisdiction slug {record.slug!r}")
        if record.parent is not None and record.parent not in slugs:
            problems.add(path, record.yaml_line, f"parent: unknown jurisdiction {record.parent!r}")
    known = ", ".join(sorted(slugs)) or "none: add seeds/jurisdictions.yaml"
    for document in documents:
        model = document.model
        used = [(model.yaml_line, model.jurisdiction)]
        for commitment in model.commitments:
            slugs_used = [commitment.jurisdiction, *(commitment.parties or [])]
            used += [(commitment.yaml_line, slug) for slug in slugs_used if slug]
        for line, slug in used:
            if slug not in slugs:
                problems.add(document.path, line, f"unknown jurisdiction {slug!r} (known: {known})")


def _check_codes(documents: list[SeedDocument], problems: _Problems) -> None:
    seen: dict[str, str] = {}
    for document in documents:
        for record in document.model.commitments:
            where = f"{display_path(document.path)}:{record.yaml_line}"
            if record.code in seen:
                problems.add(
                    document.path,
                    record.yaml_line,
                    f"duplicate code {record.code!r} (first at {seen[record.code]})",
                )
            else:
                seen[record.code] = where
            keys = Counter(m.key for m in record.milestones)
            for milestone in record.milestones:
                if keys[milestone.key] > 1:
                    problems.add(
                        document.path,
                        milestone.yaml_line,
                        f"duplicate milestone key {milestone.key!r} in {record.code}",
                    )
    for document in documents:
        for record in document.model.commitments:
            if record.parent is not None and record.parent not in seen:
                problems.add(
                    document.path, record.yaml_line, f"parent: unknown parent code {record.parent!r}"
                )
    _check_cycles(documents, problems)


def _check_cycles(documents: list[SeedDocument], problems: _Problems) -> None:
    parent_of = {r.code: r.parent for d in documents for r in d.model.commitments}
    for document in documents:
        for record in document.model.commitments:
            seen, code = {record.code}, record.parent
            while code is not None and code in parent_of:
                if code in seen:
                    problems.add(
                        document.path, record.yaml_line, f"parent: {record.code} is its own ancestor"
                    )
                    break
                seen.add(code)
                code = parent_of[code]


def _check_document(document: SeedDocument, problems: _Problems) -> None:
    model, path = document.model, document.path
    columns = {c.label for c in model.budget_columns}
    for row in model.published_totals:
        _check_cited(document, row.yaml_line, row.line, list(row.cells.values()), problems)
        for label in set(row.cells) - columns - {TOTAL_COLUMN}:
            problems.add(path, row.yaml_line, f"cells: unknown budget column {label!r}")
    for record in model.commitments:
        _check_cited(document, record.yaml_line, record.line, [], problems, texts=[record.title])
        if record.description is not None:
            _check_cited(
                document,
                record.yaml_line,
                record.description_line or record.line,
                [],
                problems,
                texts=[record.description],
            )
        for statement in record.also_published:
            texts = [t for t in (statement.title, statement.description) if t]
            _check_cited(document, statement.yaml_line, statement.line, [], problems, texts=texts)
        if isinstance(record.budget, dict):
            if not columns:
                problems.add(path, record.yaml_line, "budget: this file declares no budget_columns")
            for label in set(record.budget) - columns - {TOTAL_COLUMN}:
                problems.add(path, record.yaml_line, f"budget: unknown budget column {label!r}")
            cells = [v for v in record.budget.values() if v != NOT_PLANNED]
            _check_cited(document, record.yaml_line, record.line, cells, problems)
        if record.published_children is not None:
            count = record.published_children
            _check_cited(document, count.yaml_line, count.line, [Decimal(count.count)], problems)
        for milestone in record.milestones:
            _check_milestone(document, record, milestone, problems)
    for ref in model.references:
        _check_cited(
            document,
            ref.yaml_line,
            ref.line,
            [] if ref.published_count is None else [Decimal(ref.published_count)],
            problems,
        )
        for group in ref.groups:
            counted = [] if group.published_count is None else [Decimal(group.published_count)]
            _check_cited(document, group.yaml_line, group.line, counted, problems)
            for item in group.items:
                _check_cited(document, item.yaml_line, item.line, [], problems, texts=[item.name])


def _check_milestone(
    document: SeedDocument, record: CommitmentRecord, milestone: MilestoneRecord, problems: _Problems
) -> None:
    lines = milestone.line or record.line
    numbers = [
        n
        for n in (milestone.target, milestone.target_max, milestone.baseline, milestone.planned_amount)
        if n is not None
    ]
    _check_cited(document, milestone.yaml_line, lines, numbers, problems)
    for instant in (milestone.start, milestone.end):
        if instant is not None and not _time_on_line(
            document.source.excerpt(lines), instant.hour, instant.minute
        ):
            problems.add(
                document.path,
                milestone.yaml_line,
                f"time {instant:%H:%M} is not on the cited line {document.citation(lines)}",
            )
    for statement in milestone.also_published:
        for instant in (statement.start, statement.end):
            if instant is not None and not _time_on_line(
                document.source.excerpt(statement.line), instant.hour, instant.minute
            ):
                problems.add(
                    document.path,
                    statement.yaml_line,
                    f"time {instant:%H:%M} is not on the cited line {document.citation(statement.line)}",
                )
    for entry in milestone.progress:
        values = [entry.value] if entry.value is not None else []
        _check_cited(document, entry.yaml_line, entry.line or lines, values, problems)


def _check_cited(
    document: SeedDocument,
    yaml_line: int,
    lines: tuple[int, int],
    numbers: list[Any],
    problems: _Problems,
    texts: list[str] | tuple[()] = (),
) -> None:
    """Every figure a record carries, and its title, must appear on the source line(s) it cites."""
    if lines[1] > len(document.source.lines):
        problems.add(
            document.path,
            yaml_line,
            f"line {lines[1]} is past the end of {document.source.file} ({len(document.source.lines)} lines)",
        )
        return
    excerpt = document.source.excerpt(lines)
    text = _normalise_number(excerpt)
    for number in numbers:
        if not _number_on_line(text, Decimal(number)):
            problems.add(
                document.path, yaml_line, f"{number} is not on the cited line {document.citation(lines)}"
            )
    for wanted in texts:
        if _squeeze(wanted) not in _squeeze(excerpt):
            problems.add(
                document.path, yaml_line, f"{wanted!r} is not on the cited line {document.citation(lines)}"
            )


def _normalise_number(text: str) -> str:
    return re.sub(r"(?<=\d),(?=\d{3})", "", text)


def _squeeze(text: str) -> str:
    """Compare text ignoring line breaks, spacing and markdown emphasis left by PDF extraction."""
    return re.sub(r"\s+|\*\*", "", text)


def _number_on_line(text: str, number: Decimal) -> bool:
    forms = {str(number), format(number.normalize(), "f")}
    return any(re.search(rf"(?<![\d.]){re.escape(form)}(?!\d|\.\d)", text) for form in forms)


def _time_on_line(text: str, hour: int, minute: int) -> bool:
    """Times appear as 11:10 or 11시 10분 (or 14시 for a full hour)."""
    forms = [f"{hour:02d}:{minute:02d}", f"{hour}:{minute:02d}", f"{hour}시 {minute}분"]
    if minute == 0:
        forms.append(f"{hour}시")
    return any(form in text for form in forms)
