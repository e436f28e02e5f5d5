"""What validated seeds are made of: the source texts, documents, the bundle, and problem collection."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from monitor.errors import SeedError
from monitor.seeds.schema import CommitmentRecord, DocumentFile, JurisdictionRecord


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


class Problems:
    """Collects `file:line: message` problems; the caller raises them together."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, path: Path, line: int | None, message: str) -> None:
        self.items.append(f"{display_path(path)}:{line or 1}: {message}")
