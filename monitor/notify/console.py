"""Notifiers that need no network: readable text on a stream, and a JSON-lines file for programs."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Protocol, TextIO, runtime_checkable

from monitor.notify.base import Batch, Delivered, DeliveryResult, Failed
from monitor.notify.render import StartSummary, render_summary, render_text
from monitor.vocab import Lang


@runtime_checkable
class Announcer(Protocol):
    """A notifier that also shows the daemon's summary at start (the console: people watch it)."""

    def announce(self, summary: StartSummary) -> None: ...


class ConsoleNotifier:
    """Writes each group as a readable message to a text stream (the daemon passes standard output):
    alerts alike for the same reason are folded into one ("… 외 36건"); the file keeps every one."""

    name = "console"

    def __init__(self, stream: TextIO, lang: Lang) -> None:
        self.stream, self.lang = stream, lang

    def ready(self) -> bool:
        return True  # a stream is always there

    async def send(self, batch: Batch) -> DeliveryResult:
        self.stream.write(render_text(batch, self.lang, collapse=True) + "\n\n")
        self.stream.flush()
        return Delivered({"lines": len(batch.items)})

    def announce(self, summary: StartSummary) -> None:
        self.stream.write(render_summary(summary, self.lang) + "\n\n")
        self.stream.flush()


class JsonLinesNotifier:
    """Appends one JSON object per notification; `dedup_key` lets a reader drop an at-least-once resend."""

    name = "file"

    def __init__(self, path: Path, clock: Callable[[], datetime]) -> None:
        self.path, self.clock = path, clock

    def ready(self) -> bool:
        return True  # a file that cannot be written fails the batch for now, and it is retried

    async def send(self, batch: Batch) -> DeliveryResult:
        delivered_at = self.clock().isoformat()
        lines = [
            json.dumps(
                {"dedup_key": item.dedup_key, "delivered_at": delivered_at, **item.payload.to_json()},
                ensure_ascii=False,
            )
            for item in batch.items
        ]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write("\n".join(lines) + "\n")
        except OSError as exc:
            return Failed(f"cannot append to {self.path}: {exc.strerror}")
        return Delivered({"file": str(self.path)})
