"""The notifier interface. A notifier gets one batch — the pending notifications for one destination
and one group (jurisdiction) — and says whether it was delivered, failed for now, failed for good, or
was withdrawn because the destination stopped being this process's to send to.

Several daemons may deliver from one database; each destination is served by the process holding its
lease. The batch carries that process's check (`still_ours`), transport-neutral: a notifier that makes
several requests for one batch (a long message in parts) asks it before each one, and stops with
`Withdrawn` when it says no — what is left is then the new holder's to send.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol, runtime_checkable

from monitor.alerts.outbox import OutboxPayload


def always_ours() -> bool:
    """The check of a batch nobody else can send (one process, a test): always yes."""
    return True


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
    # Whether this process may still send to the destination (its lease held, not past its known end).
    still_ours: Callable[[], bool] = field(default=always_ours, compare=False, repr=False)


@dataclass(frozen=True)
class Delivered:
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Failed:
    """`permanent`: do not retry this batch (blocked, chat gone, a message the transport refuses).
    Otherwise retry, no sooner than `retry_after`.

    `gone`: the destination itself takes nothing more (blocked, kicked, deleted, not found) — its other
    waiting rows fail at once, without another request. `delivered`: rows that did go out before the
    failure (a long message's first parts); `moved_to`: the destination now lives elsewhere (a group that
    became a supergroup) — resend there."""

    error: str
    permanent: bool = False
    retry_after: timedelta | None = None
    delivered: frozenset[int] = frozenset()
    moved_to: str | None = None
    gone: bool = False


@dataclass(frozen=True)
class Withdrawn:
    """The batch's `still_ours` said no before a request: nothing more was sent. `delivered` names rows
    that did go out before (earlier parts); the others are left as they are, for the lease's new holder."""

    delivered: frozenset[int] = frozenset()


DeliveryResult = Delivered | Failed | Withdrawn


class Notifier(Protocol):
    name: str

    async def send(self, batch: Batch) -> DeliveryResult: ...


@runtime_checkable
class MayBeDown(Protocol):
    """A notifier that can be unable to send at all for a while (Telegram before the bot has connected):
    the sender leaves its rows pending, untouched, until `ready()`."""

    def ready(self) -> bool: ...


def is_ready(notifier: Notifier) -> bool:
    """Whether rows for `notifier` can be tried now. A stream, a file or a test recorder is always ready
    and need not say so."""
    return not isinstance(notifier, MayBeDown) or notifier.ready()
