"""Plain factory functions for tests."""

from __future__ import annotations

import asyncio
import random
import shutil
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from click.testing import CliRunner, Result
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from monitor.alerts.config import LifecycleConfig
from monitor.cli import cli
from monitor.daemon.detect import CycleResult, detect
from monitor.db import migrate
from monitor.db.engine import make_engine, make_session_factory
from monitor.notify.base import Batch, Delivered, DeliveryResult
from monitor.notify.sender import RetryPolicy, Sender, SendStats
from monitor.progress import log_progress
from monitor.rules import RuleConfig
from monitor.seeds import SeedResult, load_seeds
from monitor.writecheck import ProgressInput

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)


def migrated_engine(url: str) -> Engine:
    engine = make_engine(url)
    migrate.upgrade(engine)
    return engine


def sessions_for(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


def load_shipped_seeds(
    sessions: sessionmaker[Session], now: datetime = NOW, path: Path = SEEDS
) -> SeedResult:
    return load_seeds(sessions, [path], SEOUL, now)


def copy_seeds(tmp_path: Path) -> Path:
    """A private, editable copy of the shipped seeds (with their sources)."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


def run_cli(args: Sequence[str], db_url: str | None = None, env: dict[str, str] | None = None) -> Result:
    environment = dict(env or {})
    if db_url is not None:
        environment["MONITOR_DATABASE_URL"] = db_url
    environment.setdefault("MONITOR_SEEDS_DIR", str(SEEDS))
    return CliRunner().invoke(cli, list(args), env=environment, catch_exceptions=False)


def enrol(db_url: str, name: str, *jurisdictions: str) -> None:
    """Put NAME on the officials roster for each jurisdiction (`monitor officials add`)."""
    for slug in jurisdictions:
        result = run_cli(["officials", "add", "--name", name, "--jurisdiction", slug], db_url=db_url)
        assert result.exit_code == 0, result.output


MINI_JURISDICTIONS = """jurisdictions:
  - {slug: testcity, name_ko: 시험시, name_en: Test City, level: metropolitan}
  - {slug: othercity, name_ko: 다른시, name_en: Other City, level: metropolitan}
"""

MINI_SOURCE = """시험시 공약 (단위 : 백만원)
1-1.첫째 사업 100 60 40
1-1-1.첫째 세부 70 40 30
1-1-2.둘째 세부 30 20 10
2-1.둘째 사업 50 20 30
총 계 150 80 70
3 청년주택 5,000호 공급
협약식 11:10~11:40
일시 11:10~11:30
"""

MINI_HEADER = """document:
  file: mini.txt
  title: 시험 문서
  publisher: 시험시
jurisdiction: testcity
period: {start: 2026-07-01, end: 2030-06-30}
"""

MINI_BUDGET = """budget_columns:
  - {label: "2024", years: [2024, 2024], due: 2024-12-31}
  - {label: "2025", years: [2025, 2025], due: 2025-12-31}
published_totals:
  - {label: 총계, line: 6, cells: {총계: 150, "2024": 80, "2025": 70}}
"""

MINI_COMMITMENTS = """commitments:
  - {code: T-1-1, kind: pledge, line: 2, title: 첫째 사업, budget: {총계: 100, "2024": 60, "2025": 40}}
  - {code: T-1-1-1, parent: T-1-1, kind: item, line: 3, title: 첫째 세부, budget: {총계: 70, "2024": 40, "2025": 30}}
  - {code: T-1-1-2, parent: T-1-1, kind: item, line: 4, title: 둘째 세부, budget: {총계: 30, "2024": 20, "2025": 10}}
  - {code: T-2-1, kind: pledge, line: 5, title: 둘째 사업, budget: {총계: 50, "2024": 20, "2025": 30}}
  - code: T-3
    kind: pledge
    line: 7
    title: 청년주택 5,000호 공급
    milestones:
      - {key: housing, kind: quantity, title: 청년주택, target: 5000, unit: 호, due: 2030-06-30}
"""


def mini_seeds(tmp_path: Path, body: str | None = None, source: str = MINI_SOURCE) -> Path:
    """A small, valid seed folder; `body` replaces everything after the document header."""
    folder = tmp_path / "seeds"
    (folder / "sources").mkdir(parents=True)
    (folder / "jurisdictions.yaml").write_text(MINI_JURISDICTIONS, encoding="utf-8")
    (folder / "sources" / "mini.txt").write_text(source, encoding="utf-8")
    text = MINI_HEADER + (MINI_BUDGET + MINI_COMMITMENTS if body is None else body)
    (folder / "mini.yaml").write_text(text, encoding="utf-8")
    return folder


def rule_config(**overrides: Any) -> RuleConfig:
    return RuleConfig(tz=SEOUL, **overrides)


def lifecycle(**overrides: Any) -> LifecycleConfig:
    return LifecycleConfig(**{"group_wait": timedelta(0), **overrides})


def detect_at(sessions: sessionmaker[Session], now: datetime, **overrides: Any) -> CycleResult:
    return detect(sessions, rule_config(), lifecycle(**overrides), now)


def log(sessions: sessionmaker[Session], code: str, now: datetime, **fields: Any) -> None:
    """Log progress as an official would (`monitor progress log`)."""
    with sessions.begin() as session:
        log_progress(
            session,
            ProgressInput(code=code, reporter=fields.pop("by", "담당관"), channel="cli", **fields),
            now,
            SEOUL,
        )


class RecordingNotifier:
    """A notifier that keeps what it was given (delivery to people is tested with the real notifiers)."""

    def __init__(self, name: str = "console", results: list[DeliveryResult] | None = None) -> None:
        self.name = name
        self.batches: list[Batch] = []
        self.results = list(results or [])

    async def send(self, batch: Batch) -> DeliveryResult:
        self.batches.append(batch)
        return self.results.pop(0) if self.results else Delivered()


def deliver(
    sessions: sessionmaker[Session],
    now: datetime,
    *notifiers: RecordingNotifier,
    policy: RetryPolicy | None = None,
) -> SendStats:
    sender = Sender(sessions, {n.name: n for n in notifiers}, lambda: now, policy, rng=random.Random(7))
    return asyncio.run(sender.deliver_due())
