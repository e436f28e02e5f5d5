"""Change detection without gaps (issue 13): every write the daemon must react to is numbered from one
counter row in its own transaction, so a reader that follows the numbers with a watermark sees every
committed change exactly once — however long a step waits, whatever commits late — and nothing rolled back.

The write paths are checked for what they announce (a report its commitment, a seed load or a silence
everything); the property runs writer threads against a reader on a real SQLite file and on PostgreSQL,
with reads taken while a writer holds its number uncommitted."""

from __future__ import annotations

import queue
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import timedelta
from decimal import Decimal
from itertools import count
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.alerts.silences import add_silence, remove_silence
from monitor.daemon import dbwork
from monitor.db.ha import ChangeEntry
from monitor.progress import Batch
from monitor.seeds import load_seeds
from monitor.signals import Changes, Topic, touch
from monitor.writecheck import ProgressInput
from tests.factories import NOW, SEEDS, SEOUL, log, mini_seeds, run_cli

NOTHING = frozenset[str]()


@pytest.fixture
def mini(sessions: sessionmaker[Session], tmp_path: Path) -> sessionmaker[Session]:
    load_seeds(sessions, [mini_seeds(tmp_path)], SEOUL, NOW)
    return sessions


def _unchanged(upto: int) -> Changes:
    return Changes(upto=upto, codes=NOTHING, everything=False, topics=frozenset())


def test_reports_and_statuses_announce_their_commitments_in_order(mini: sessionmaker[Session]) -> None:
    start = dbwork.current_seq(mini)
    log(mini, "T-3.housing", NOW, value=1)
    log(mini, "T-2-1", NOW, status="정상추진")
    changes = dbwork.changes_after(mini, start)
    assert changes == Changes(start + 2, frozenset({"T-3", "T-2-1"}), False, frozenset({Topic.PROGRESS}))
    assert dbwork.current_seq(mini) == changes.upto
    assert dbwork.changes_after(mini, changes.upto) == _unchanged(changes.upto)
    assert dbwork.changes_after(mini, start + 1).codes == {"T-2-1"}  # each report its own number


def test_a_batch_announces_each_commitment_once(mini: sessionmaker[Session]) -> None:
    start = dbwork.current_seq(mini)
    with mini.begin() as session:
        batch = Batch(session, NOW, SEOUL)
        for code, value, status in (
            ("T-3.housing", 1, None),
            ("T-3.housing", 2, None),
            ("T-1-1", None, "정상추진"),
        ):
            entry = ProgressInput(code=code, reporter="담당관", channel="import", status=status)
            batch.add(replace(entry, value=None if value is None else Decimal(value)))
        batch.write()
    with mini() as session:
        logged = session.execute(select(ChangeEntry.seq, ChangeEntry.code).where(ChangeEntry.seq > start))
        assert sorted(logged) == [(start + 1, "T-1-1"), (start + 2, "T-3")]


def test_a_seed_load_announces_everything_and_an_unchanged_reload_nothing(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    seeds = mini_seeds(tmp_path)
    load_seeds(sessions, [seeds], SEOUL, NOW)
    assert dbwork.changes_after(sessions, 0) == Changes(1, NOTHING, True, frozenset({Topic.SEED}))
    load_seeds(sessions, [seeds], SEOUL, NOW + timedelta(days=1))
    assert dbwork.current_seq(sessions) == 1


def _silence(session: Session, chat_id: int | None = None) -> int:
    until = NOW + timedelta(days=7)
    added = add_silence(
        session,
        code_prefix="T-3",
        jurisdiction=None,
        until=until,
        reason="점검",
        by="운영자",
        now=NOW,
        chat_id=chat_id,
    )
    return added.id


def test_silences_for_everyone_announce_everything_a_chats_mute_nothing(mini: sessionmaker[Session]) -> None:
    start = dbwork.current_seq(mini)
    with mini.begin() as session:
        silence = _silence(session)
        assert dbwork.current_seq(mini) == start  # not committed yet: nobody sees it
    added = dbwork.changes_after(mini, start)
    assert added == Changes(start + 1, NOTHING, True, frozenset({Topic.SILENCE}))
    with mini.begin() as session:
        _silence(session, chat_id=-100123)
    assert dbwork.current_seq(mini) == added.upto  # a chat's mute changes routing only
    with mini.begin() as session:
        remove_silence(session, silence, "운영자", NOW + timedelta(hours=1))
    removed = dbwork.changes_after(mini, added.upto)
    assert removed == Changes(start + 2, NOTHING, True, frozenset({Topic.SILENCE}))


def test_a_pledger_outcome_announces_everything(db_url: str, sessions: sessionmaker[Session]) -> None:
    load_seeds(sessions, [SEEDS / "jurisdictions.yaml", SEEDS / "daejeon-2026-pledges.yaml"], SEOUL, NOW)
    start = dbwork.current_seq(sessions)
    assert run_cli(["pledger", "lose", "heo-taejeong-2026"], db_url=db_url).exit_code == 0
    assert dbwork.changes_after(sessions, start) == Changes(start + 1, NOTHING, True, frozenset({Topic.SEED}))


def test_a_rolled_back_write_leaves_nothing_and_its_numbers_go_to_the_next(
    mini: sessionmaker[Session],
) -> None:
    start = dbwork.current_seq(mini)
    with mini() as session:
        assert touch(session, Topic.PROGRESS, NOW, ["T-1-1", "T-3"]) == start + 2
        session.rollback()
    assert dbwork.changes_after(mini, start) == _unchanged(start)
    with mini.begin() as session:
        assert touch(session, Topic.PROGRESS, NOW, ["T-2-1"]) == start + 1


def test_pruning_forgets_processed_changes_once_old(mini: sessionmaker[Session]) -> None:
    start = dbwork.current_seq(mini)
    for hours, code in ((0, "A"), (1, "B"), (2, "C")):
        with mini.begin() as session:
            touch(session, Topic.PROGRESS, NOW + timedelta(hours=hours), [code])
    later = NOW + timedelta(hours=2)
    gone = dbwork.prune_changes(mini, start + 3, later, keep=timedelta(minutes=90))
    assert gone == start + 1  # the seed load's and A's (B is too young, C too)
    assert dbwork.changes_after(mini, 0).codes == {"B", "C"}
    assert dbwork.prune_changes(mini, start + 2, later + timedelta(days=1), keep=timedelta(0)) == 1
    assert dbwork.changes_after(mini, 0).codes == {"C"}  # past the watermark given: kept however old


# The property. A transaction: how many codes it announces (0: "everything"), whether it commits, and whether
# the reader is made to read while it holds its numbers uncommitted.
Txn = tuple[int, bool, bool]
_RUNS = count()


@dataclass
class Outcome:
    committed: set[str] = field(default_factory=set)
    rolled_back: set[str] = field(default_factory=set)
    everything_committed: bool = False


class Reader:
    """Follows the change log with a watermark, reading in a loop and whenever a writer asks."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        self.watermark = dbwork.current_seq(sessions)
        self.asks: queue.Queue[threading.Event] = queue.Queue()
        self.writers_done = threading.Event()
        self.seen: set[str] = set()
        self.everything = False

    def follow(self) -> None:
        while True:
            finished = self.writers_done.is_set()  # then this read comes after every commit
            try:
                ask: threading.Event | None = self.asks.get(timeout=0.002)
            except queue.Empty:
                ask = None
            self.read()
            if ask is not None:
                ask.set()
            elif finished:
                return

    def read(self) -> None:
        changes = dbwork.changes_after(self.sessions, self.watermark)
        assert changes.upto >= self.watermark
        self.seen |= changes.codes
        self.everything |= changes.everything
        self.watermark = changes.upto

    def read_now(self) -> None:
        done = threading.Event()
        self.asks.put(done)
        assert done.wait(10), "the reader did not answer"


def _write(sessions: sessionmaker[Session], name: str, script: list[Txn], reader: Reader) -> Outcome:
    outcome = Outcome()
    for i, (size, commit, pause) in enumerate(script):
        codes = {f"{name}.{i}.{j}" for j in range(size)}
        with sessions() as session:
            touch(session, Topic.PROGRESS, NOW, codes)
            if pause:  # the number is taken and uncommitted: read now, and again once others had time
                reader.read_now()
                time.sleep(0.01)
                reader.read_now()
            if commit:
                session.commit()
                outcome.committed |= codes
                outcome.everything_committed |= not codes
            else:
                session.rollback()
                outcome.rolled_back |= codes
    return outcome


def _play(sessions: sessionmaker[Session], scripts: list[list[Txn]]) -> tuple[Reader, list[Outcome]]:
    run = next(_RUNS)
    reader = Reader(sessions)
    with ThreadPoolExecutor(len(scripts) + 1) as pool:
        following = pool.submit(reader.follow)
        writers: list[Future[Outcome]] = [
            pool.submit(_write, sessions, f"r{run}w{w}", script, reader) for w, script in enumerate(scripts)
        ]
        try:
            outcomes = [writer.result(timeout=60) for writer in writers]
        finally:
            reader.writers_done.set()
        following.result(timeout=60)
    return reader, outcomes


SCRIPTS = st.lists(
    st.lists(st.tuples(st.integers(0, 3), st.booleans(), st.booleans()), min_size=1, max_size=4),
    min_size=2,
    max_size=4,
)


@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(scripts=SCRIPTS)
def test_the_reader_sees_exactly_the_committed_changes_however_writes_interleave(
    sessions: sessionmaker[Session], scripts: list[list[Txn]]
) -> None:
    reader, outcomes = _play(sessions, scripts)
    committed = set().union(*(o.committed for o in outcomes))
    rolled_back = set().union(*(o.rolled_back for o in outcomes))
    assert reader.seen == committed
    assert not reader.seen & rolled_back
    assert reader.everything == any(o.everything_committed for o in outcomes)
    assert reader.watermark == dbwork.current_seq(sessions)
