"""What validated seeds are made of: the source texts, documents, the bundle, and problem collection."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from monitor.errors import MonitorError
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


class SeedsUnreadable(MonitorError):
    """A seed path does not exist or holds no seed file: nothing can be read, so nothing is written.

    Not a `SeedError` (a list of schema problems): it is one line naming the path."""

    @classmethod
    def missing(cls, path: Path) -> SeedsUnreadable:
        where = display_path(path)
        return cls(
            f"{where}: no such seed file or folder"
            " (check the path, or the seeds_dir setting / MONITOR_SEEDS_DIR)",
            ko=f"{where}: 시드 파일이나 폴더가 없습니다"
            " (경로 또는 seeds_dir 설정·MONITOR_SEEDS_DIR을 확인하세요)",
        )

    @classmethod
    def empty(cls, paths: list[Path]) -> SeedsUnreadable:
        where = ", ".join(display_path(p) for p in paths)
        return cls(f"{where}: no seed files (*.yaml) found", ko=f"{where}: 시드 파일(*.yaml)이 없습니다")


def discover(paths: list[Path]) -> list[Path]:
    """Expand folders to the YAML files in them (not recursive: `sources/` holds no seeds)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted([*path.glob("*.yaml"), *path.glob("*.yml")]))
        elif path.exists():
            found.append(path)
        else:
            raise SeedsUnreadable.missing(path)
    if not found:
        raise SeedsUnreadable.empty(paths)
    return found


class Problems:
    """Collects `file:line: message` problems; the caller raises them together."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, path: Path, line: int | None, message: str) -> None:
        self.items.append(f"{display_path(path)}:{line or 1}: {message}")
