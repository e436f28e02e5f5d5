"""Read YAML seed files keeping line numbers, so every problem can be reported as `file:line`.

Mappings come back as `LinedDict`: a plain dict that also carries the line of the mapping and of each
key (record models pick the line up, see `monitor.seeds.schema.Record`). Floats come back as `Decimal`,
so a published figure such as 873.20 keeps its digits; `.inf` and `.nan` are refused at their line.

Hostile files are refused before they cost memory or stack (monitor.limits): a file over SEED_MAX_BYTES,
nesting deeper than YAML_MAX_DEPTH (a RecursionError otherwise), aliases that expand to more than
YAML_MAX_NODES nodes beyond the file's own ("billion laughs": PyYAML shares an alias's object, but
validating or storing it walks every copy).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import CollectionNode, MappingNode, Node, ScalarNode

from monitor.limits import SEED_MAX_BYTES, YAML_MAX_DEPTH, YAML_MAX_NODES, size_text


class LinedDict(dict[str, Any]):
    line: int
    key_lines: dict[str, int]


class _LineLoader(yaml.SafeLoader):
    depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self.depth += 1
        try:
            if self.depth > YAML_MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise yaml.MarkedYAMLError(
                    problem=f"nested deeper than {YAML_MAX_DEPTH} levels", problem_mark=mark
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def get_single_node(self) -> Node | None:
        node = super().get_single_node()
        if node is not None:
            sizes = _expanded_sizes(node)
            own = sum(_weight(n) for n in _unique_nodes(node))
            if sizes[id(node)] - own > YAML_MAX_NODES:
                raise yaml.MarkedYAMLError(
                    problem=f"aliases expand to more than {YAML_MAX_NODES:,} nodes (an alias bomb?)",
                    problem_mark=_culprit(node, sizes).start_mark,
                )
        return node

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)
        result = LinedDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                raise yaml.MarkedYAMLError(
                    "while reading a mapping", node.start_mark, f"duplicate key {key!r}", key_node.start_mark
                )
            result[key] = self.construct_object(value_node, deep=True)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result

    def construct_yaml_float(self, node: ScalarNode) -> Decimal:  # type: ignore[override]
        try:
            number = Decimal(str(self.construct_scalar(node)).replace("_", ""))
        except InvalidOperation:
            number = Decimal("NaN")  # .inf, .nan: YAML's spellings Decimal does not read
        if not number.is_finite():
            raise yaml.MarkedYAMLError(
                problem=f"{node.value!r} is not a finite number", problem_mark=node.start_mark
            )
        return number

    def construct_yaml_int(self, node: ScalarNode) -> int:
        try:
            return int(super().construct_yaml_int(node))
        except ValueError as exc:  # e.g. more than 4,300 digits
            raise yaml.MarkedYAMLError(
                problem=f"{str(node.value)[:20]}… is not a number within the limits",
                problem_mark=node.start_mark,
            ) from exc

    def construct_yaml_timestamp(self, node: ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            # e.g. 2030-06-31: report it at its line like any other syntax problem
            raise yaml.MarkedYAMLError(
                problem=f"bad date {node.value!r} ({exc})", problem_mark=node.start_mark
            ) from exc


_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _LineLoader.construct_yaml_timestamp)
_LineLoader.add_constructor("tag:yaml.org,2002:float", _LineLoader.construct_yaml_float)
_LineLoader.add_constructor("tag:yaml.org,2002:int", _LineLoader.construct_yaml_int)


def _expanded_sizes(root: Node) -> dict[int, int]:
    """Each node's weight after expanding every alias, by node id; as many entries as the file has
    nodes. Iterative, memoised: an alias bomb is counted without being expanded."""
    cap = 10**15  # past any limit; the sums stay small integers however deep the aliases nest
    sizes: dict[int, int] = {}
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        children = _children(node)
        if done:
            sizes[id(node)] = min(cap, _weight(node) + sum(sizes[id(child)] for child in children))
        elif id(node) not in sizes:
            sizes[id(node)] = 0  # until done; an alias to an enclosing node counts it once
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
    return sizes


def _weight(node: Node) -> int:
    """What a node costs once constructed: one, plus one per 100 characters of a scalar (a 1 MB string
    repeated by aliases is a bomb however few nodes it takes)."""
    return 1 + len(node.value) // 100 if isinstance(node, ScalarNode) else 1


def _unique_nodes(root: Node) -> list[Node]:
    found: dict[int, Node] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) not in found:
            found[id(node)] = node
            stack.extend(_children(node))
    return list(found.values())


def _culprit(node: Node, sizes: dict[int, int]) -> Node:
    """The innermost node that alone expands past the limit: the line to name."""
    seen = {id(node)}
    while True:
        big = [child for child in _children(node) if sizes[id(child)] > YAML_MAX_NODES]
        if not big or id(big[0]) in seen:  # a recursive alias: stop where it closes
            return node
        node = big[0]
        seen.add(id(node))


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, CollectionNode):
        return list(node.value)
    return []


class YamlProblem(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def read_yaml(path: Path) -> Any:
    """Parse one file. Raises `YamlProblem` (with the line) for syntax errors and unreadable files."""
    size = path.stat().st_size
    if size > SEED_MAX_BYTES:
        raise YamlProblem(
            f"file is {size_text(size)}, larger than the {size_text(SEED_MAX_BYTES)} a seed file may be", 1
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlProblem(f"not UTF-8 text ({exc.reason})", 1) from exc
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        message = exc.problem or exc.context or "unreadable"
        raise YamlProblem(
            message
            if message.startswith(("bad date", "nested", "aliases", "'"))
            else f"YAML syntax: {message}",
            line,
        ) from exc
    except yaml.YAMLError as exc:
        raise YamlProblem(f"YAML syntax: {exc}", 1) from exc


def line_of(tree: Any, loc: tuple[int | str, ...]) -> int | None:
    """The line of the deepest node along a pydantic error location, if the tree knows it."""
    node, best = tree, getattr(tree, "line", None)
    for part in loc:
        if isinstance(node, LinedDict) and isinstance(part, str) and part in node:
            best = node.key_lines.get(part, best)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            best = getattr(node, "line", best)
        else:
            break
    return best
