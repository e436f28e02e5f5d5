"""Read YAML seed files keeping line numbers, so every problem can be reported as `file:line`.

Mappings come back as `LinedDict`: a plain dict that also carries the line of the mapping and of each
key (record models pick the line up, see `monitor.seeds.schema.Record`). Floats come back as `Decimal`,
so a published figure such as 873.20 keeps its digits.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode


class LinedDict(dict[str, Any]):
    line: int
    key_lines: dict[str, int]


class _LineLoader(yaml.SafeLoader):
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
        return Decimal(str(self.construct_scalar(node)).replace("_", ""))

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


class YamlProblem(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def read_yaml(path: Path) -> Any:
    """Parse one file. Raises `YamlProblem` (with the line) for syntax errors and unreadable files."""
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
            message if message.startswith("bad date") else f"YAML syntax: {message}", line
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
