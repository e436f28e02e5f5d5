"""No package cycles: the import graph of `monitor`'s packages is a DAG.

Each subpackage (the first name under `monitor/`) is a node, and so is each top-level module
(`monitor.metrics`, `monitor.feed` …). Every import statement counts wherever it is written — at module
level, under `if TYPE_CHECKING:`, or inside a function — so a cycle cannot be hidden by importing late.
Migrations are part of `db`: they must not reach into live application code either.

A moved module leaves no forwarding module behind: every caller imports it from its new home.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.factories import REPO

PACKAGE = "monitor"


@dataclass(frozen=True)
class Edge:
    source: str  # node
    target: str  # node
    where: str  # file:line
    imported: str  # module named by the import

    def __str__(self) -> str:
        return f"{self.where} imports {self.imported}"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def node_of(module: str, package: str = PACKAGE) -> str | None:
    """The graph node of a module of `package` (None for the package itself and anything outside it)."""
    parts = module.split(".")
    if parts[0] != package or len(parts) < 2:
        return None
    return parts[1]


def imported_modules(tree: ast.AST, module: str, is_package: bool) -> Iterator[tuple[int, str]]:
    """(line, module) for every import anywhere in the tree, relative ones resolved; `from a import b`
    names `a.b` too, since b may be a module."""
    here = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)]
                origin = ".".join([*base, node.module] if node.module else base)
            else:
                origin = node.module or ""
            yield node.lineno, origin
            for alias in node.names:
                yield node.lineno, f"{origin}.{alias.name}"


def package_edges(root: Path, package: str = PACKAGE) -> list[Edge]:
    """Every import from one node of `package` (found under `root`) to another."""
    edges = []
    for path in sorted((root / package).rglob("*.py")):
        module = module_name(path, root)
        source = node_of(module, package)
        if source is None:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        seen = set()
        for line, imported in imported_modules(tree, module, path.name == "__init__.py"):
            target = node_of(imported, package)
            if target is not None and target != source and (line, target) not in seen:
                seen.add((line, target))
                edges.append(Edge(source, target, f"{path.relative_to(root)}:{line}", imported))
    return edges


def cycles(edges: Iterable[Edge]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan), each sorted, sorted."""
    graph: dict[str, set[str]] = defaultdict(set)
    for edge in edges:
        graph[edge.source].add(edge.target)
        graph.setdefault(edge.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def describe(found: list[list[str]], edges: Iterable[Edge]) -> str:
    lines = []
    for component in found:
        members = set(component)
        lines.append("cycle among " + ", ".join(component) + ":")
        by_pair: dict[tuple[str, str], list[Edge]] = defaultdict(list)
        for edge in edges:
            if edge.source in members and edge.target in members:
                by_pair[edge.source, edge.target].append(edge)
        for (source, target), pair in sorted(by_pair.items()):
            lines.append(f"  {source} -> {target}:")
            lines.extend(f"    {edge}" for edge in pair)
    return "\n".join(lines)


def test_the_packages_of_monitor_import_each_other_without_cycles() -> None:
    edges = package_edges(REPO)
    found = cycles(edges)
    assert not found, "package import cycles (break them by moving code, see ARCHITECTURE.md):\n" + describe(
        found, edges
    )


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_the_check_finds_a_cycle_however_the_import_is_written(tmp_path: Path) -> None:
    """The gate itself: relative, TYPE_CHECKING-only and in-function imports all count."""
    _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/top.py": "from pkg.low import thing\n",
            "pkg/low/__init__.py": "",
            "pkg/low/thing.py": "def f():\n    from ..mid import x\n",
            "pkg/mid/__init__.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import top\n",
            "pkg/mid/x.py": "",
            "pkg/ok/__init__.py": "",
            "pkg/ok/shim.py": "from pkg.extra import y\n",
            "pkg/extra.py": "import pkg.ok\n",
        },
    )
    edges = package_edges(tmp_path, "pkg")
    assert cycles(edges) == [["extra", "ok"], ["low", "mid", "top"]]
    assert "pkg/low/thing.py:2 imports pkg.mid" in describe(cycles(edges), edges)
