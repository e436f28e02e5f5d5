"""The daemon as a real process for end-to-end tests: a seed whose event is seconds away, and a handle on
`python -m monitor run` that collects its output lines as they come."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from tests.factories import MINI_JURISDICTIONS

SEOUL_OFFSET = timedelta(hours=9)


def event_seed(folder: Path, start: datetime, end: datetime) -> Path:
    """A one-event seed whose event starts and ends a few seconds from now (times cited in KST)."""
    kst_start, kst_end = start + SEOUL_OFFSET, end + SEOUL_OFFSET
    (folder / "sources").mkdir(parents=True)
    (folder / "jurisdictions.yaml").write_text(MINI_JURISDICTIONS, encoding="utf-8")
    (folder / "sources" / "mini.txt").write_text(
        f"시험시 협약\n협약식 {kst_start:%H:%M}~{kst_end:%H:%M}\n", encoding="utf-8"
    )
    (folder / "mini.yaml").write_text(
        f"""document: {{file: mini.txt, title: 시험, publisher: 시험시}}
jurisdiction: testcity
commitments:
  - code: T-1
    kind: agreement
    line: 1
    title: 시험시 협약
    milestones:
      - key: signing
        kind: event
        title: 협약식
        line: 2
        start: {kst_start.replace(tzinfo=None).isoformat()}+09:00
        end: {kst_end.replace(tzinfo=None).isoformat()}+09:00
""",
        encoding="utf-8",
    )
    return folder


def daemon_env(db_url: str, folder: Path, **settings: str) -> dict[str, str]:
    """The environment of a daemon working in `folder`; `settings` are MONITOR_* values by short name."""
    env = {
        **os.environ,
        "MONITOR_DATABASE_URL": db_url,
        "MONITOR_JOBS_DIR": str(folder / "jobs"),
        "MONITOR_ALERTS_FILE": str(folder / "alerts.jsonl"),
        "HOME": str(folder),
        "PYTHONUNBUFFERED": "1",
    }
    return env | {f"MONITOR_{name.upper()}": value for name, value in settings.items()}


def monitor(env: dict[str, str], cwd: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    """Another `monitor` command run next to the daemon, as an operator would (`ok`: it must exit 0)."""
    done = subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 or not ok, done.stderr
    return done


def _reader(stream: IO[str], lines: queue.Queue[tuple[float, str]]) -> None:
    for line in stream:
        lines.put((time.monotonic(), line))


class DaemonProcess:
    """`monitor run` in a child process; stdout (alerts) and stderr (log) are read by threads."""

    def __init__(self, env: dict[str, str], cwd: Path, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "monitor", "run", *args],
            env=env,
            cwd=cwd,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        self.errors: queue.Queue[tuple[float, str]] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=_reader, args=(self.process.stdout, self.lines), daemon=True).start()
        threading.Thread(target=_reader, args=(self.process.stderr, self.errors), daemon=True).start()

    def wait_for(self, text: str, timeout: float = 30) -> float:
        """Wait for a stdout line containing `text`; returns when (time.monotonic()) it was read."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                at, line = self.lines.get(timeout=0.2)
            except queue.Empty:
                self._check_alive()
                continue
            self.seen.append(line)
            if text in line:
                return at
        raise AssertionError(f"{text!r} not printed within {timeout}s; got:\n{''.join(self.seen)}{self.log}")

    def _check_alive(self) -> None:
        if self.process.poll() is not None:
            raise AssertionError(f"the daemon exited with {self.process.returncode}:\n{self.log}")

    @property
    def log(self) -> str:
        return "".join(line for _, line in list(self.errors.queue))

    def terminate(self, timeout: float = 20) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
