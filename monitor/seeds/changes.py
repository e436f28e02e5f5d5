"""What a seed load changed: counters per kind, and the assignment helper that counts only real changes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class LoadSummary:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    retired: Counter[str] = field(default_factory=Counter)
    revisions: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.retired)


def assign(obj: Any, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Set only the attributes whose value differs; return {field: (old, new)} for those."""
    changes = {}
    for name, value in values.items():
        old = getattr(obj, name)
        if old != value:
            changes[name] = (old, value)
            setattr(obj, name, value)
    return changes
