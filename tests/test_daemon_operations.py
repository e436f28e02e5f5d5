"""Running the daemon as an operator does: its Prometheus metrics while it runs, `monitor status` while it
runs and after it stopped, `monitor run --once` refused beside it, SIGTERM ending it with exit 0."""

from __future__ import annotations

import json
import socket
import urllib.request
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from tests.daemon_process import DaemonProcess, daemon_env, monitor
from tests.factories import SEEDS
from tests.test_telegram_e2e import wait_until


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _samples(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as answer:
        text = answer.read().decode("utf-8")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_a_running_daemon_serves_metrics_shows_in_status_and_refuses_a_once_run_beside_it(
    sqlite_url: str, tmp_path: Path
) -> None:
    port = _free_port()
    env = daemon_env(sqlite_url, tmp_path, seeds_dir=str(SEEDS), metrics_port=str(port), poll_interval="0.2s")
    daemon = DaemonProcess(env, tmp_path)
    try:
        daemon.wait_for("[공약 이행 모니터]", 60)  # the summary, printed just before the pass is counted
        full = ("monitor_passes_total", (("kind", "full"),))
        wait_until(lambda: _samples(port)[full] >= 1.0, "the first pass counted", daemon)
        samples = _samples(port)
        assert samples[("monitor_leader", ())] == 1.0
        assert samples[("monitor_alerts", (("state", "firing"),))] > 0
        status = monitor(env, tmp_path, "status", "--format", "json")
        assert status.returncode == 0, status.stderr
        assert json.loads(status.stdout)["leader"]["pid"] == daemon.process.pid
        once = monitor(env, tmp_path, "run", "--once", "--no-seed", ok=False)
        assert once.returncode == 1 and "Traceback" not in once.stderr
        assert "SQLite에서는 데몬을 하나만" in once.stderr
        assert daemon.terminate() == 0
    finally:
        daemon.kill()
    stopped = monitor(env, tmp_path, "status", ok=False)
    assert stopped.returncode == 1 and "Traceback" not in stopped.stderr
    assert "Traceback" not in daemon.log
