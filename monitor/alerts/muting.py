"""Silences and inhibition: which alerts are muted right now, and by what."""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from monitor.rules.facts import CommitmentFacts


@dataclass(frozen=True)
class SilenceRule:
    id: int
    code_prefix: str | None
    jurisdiction: str | None
    starts_at: datetime
    ends_at: datetime
    reason: str = ""

    def active(self, now: datetime) -> bool:
        return self.starts_at <= now < self.ends_at

    def matches(self, subject: str, parties: Iterable[str]) -> bool:
        if self.code_prefix is not None and not code_matches(subject, self.code_prefix):
            return False
        return self.jurisdiction is None or self.jurisdiction in parties


def code_matches(code: str, prefix: str) -> bool:
    """Hierarchical prefix: DJ-9 matches DJ-9, DJ-9-3 and DJ-9-3.youth-housing, not DJ-90."""
    code, prefix = code.upper(), prefix.upper()
    if prefix.endswith(("-", ".")):
        return code.startswith(prefix)
    return code == prefix or code.startswith((prefix + "-", prefix + "."))


def silenced_by(
    subject: str, parties: Iterable[str], silences: Iterable[SilenceRule], now: datetime
) -> str | None:
    parties = tuple(parties)
    for silence in silences:
        if silence.active(now) and silence.matches(subject, parties):
            return f"silence:{silence.id}"
    return None


def ancestors(commitment_code: str, commitments: Mapping[str, CommitmentFacts]) -> list[str]:
    found, parent = [], commitments[commitment_code].parent_code if commitment_code in commitments else None
    while parent is not None:
        found.append(parent)
        parent = commitments[parent].parent_code if parent in commitments else None
    return found


def inhibitor_keys(
    subject: str,
    subject_type: str,
    rule: str,
    commitment_code: str,
    commitments: Mapping[str, CommitmentFacts],
) -> list[str]:
    """The same alert one or more levels up: a parent commitment's alert of the same rule (for a
    milestone, on the parent's milestone with the same key — the same budget year, say)."""
    suffix = subject.split(".", 1)[1] if subject_type == "milestone" and "." in subject else None
    return [
        f"{a}.{suffix}:{rule}" if suffix else f"{a}:{rule}" for a in ancestors(commitment_code, commitments)
    ]


def inhibited_by(keys: list[str], firing: Container[str]) -> str | None:
    for key in keys:
        if key in firing:
            return f"inhibited:{key}"
    return None
