"""The notifier interface. A notifier gets one batch — the pending notifications for one destination
and one group (jurisdiction) — and says whether it was delivered, failed for now, or failed for good."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

from monitor.alerts.outbox import OutboxPayload


@dataclass(frozen=True)
class OutboxItem:
    id: int
    dedup_key: str
    event: str  # the row's event: an alert's (firing …), digest, report or notice
    payload: OutboxPayload
    attempts: int


@dataclass(frozen=True)
class Batch:
    destination: str
    group_key: str
    items: tuple[OutboxItem, ...]


@dataclass(frozen=True)
class Delivered:
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Failed:
    """`permanent`: do not retry (blocked, chat gone). Otherwise retry, no sooner than `retry_after`.

    `delivered`: rows that did go out before the failure (a long message's first parts); `moved_to`: the
    destination now lives elsewhere (a group that became a supergroup) — resend there."""

    error: str
    permanent: bool = False
    retry_after: timedelta | None = None
    delivered: frozenset[int] = frozenset()
    moved_to: str | None = None


DeliveryResult = Delivered | Failed


class Notifier(Protocol):
    name: str

    async def send(self, batch: Batch) -> DeliveryResult: ...
