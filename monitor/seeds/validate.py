"""Read and validate seed files into a `SeedBundle`, or raise `SeedError` listing every problem.

Problems are schema errors that stop a load (missing field, bad date, duplicate code, unknown parent,
unknown unit or jurisdiction, a number not found on the line it cites). Published inconsistencies are
not problems: they are findings (`monitor.seeds.consistency`) and never stop a load.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from monitor.errors import SeedError
from monitor.seeds.bundle import Problems, SeedBundle, SeedDocument, SourceText, discover, display_path
from monitor.seeds.citations import check_document
from monitor.seeds.pledgers import check_pledgers
from monitor.seeds.schema import (
    DocumentFile,
    DocumentInfo,
    JurisdictionRecord,
    JurisdictionsFile,
)
from monitor.seeds.yamlsource import YamlProblem, line_of, read_yaml

__all__ = ["SeedBundle", "SeedDocument", "SourceText", "discover", "display_path", "read_bundle"]

JURISDICTIONS_FILE = "jurisdictions.yaml"
SOURCES_DIR = "sources"


def _parse(path: Path, model: type[BaseModel], problems: Problems) -> Any:
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


def _read_source(path: Path, info: DocumentInfo, problems: Problems) -> SourceText | None:
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
    problems = Problems()
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
    check_pledgers(documents, {j.slug for _, j in jurisdictions}, problems)
    for document in documents:
        check_document(document, problems)
    if problems.items:
        raise SeedError(problems.items)
    return SeedBundle(jurisdictions=[j for _, j in jurisdictions], documents=documents)


def _check_jurisdictions(
    jurisdictions: list[tuple[Path, JurisdictionRecord]], documents: list[SeedDocument], problems: Problems
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


def _check_codes(documents: list[SeedDocument], problems: Problems) -> None:
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


def _check_cycles(documents: list[SeedDocument], problems: Problems) -> None:
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
