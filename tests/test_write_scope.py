"""Every write path checks the actor against the officials roster and its jurisdictions; refusals are
recorded (and so chained), the refused write is not."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from monitor.db import models as m
from monitor.db.engine import make_engine, make_session_factory
from monitor.history.verify import verify
from tests.factories import enrol, run_cli


@pytest.fixture
def initialised(db_url: str) -> str:
    assert run_cli(["init"], db_url=db_url).exit_code == 0
    enrol(db_url, "대전 기획조정실", "daejeon")
    enrol(db_url, "서울 균형발전과", "seoul")
    return db_url


def _state(db_url: str) -> tuple[int, int, list[m.AccessAttempt], bool]:
    engine = make_engine(db_url)
    try:
        with make_session_factory(engine)() as session:
            reports = session.scalar(select(func.count()).select_from(m.ProgressReport)) or 0
            statuses = session.scalar(select(func.count()).select_from(m.StatusChange)) or 0
            attempts = list(session.scalars(select(m.AccessAttempt).order_by(m.AccessAttempt.id)))
            intact = verify(session).intact
    finally:
        engine.dispose()
    return reports, statuses, attempts, intact


def _log(db_url: str, code: str, by: str, *args: str) -> tuple[int, str]:
    result = run_cli(["--lang", "en", "progress", "log", code, *args, "--by", by], db_url=db_url)
    return result.exit_code, result.output


def test_an_official_writes_within_their_jurisdiction(initialised: str) -> None:
    before = _state(initialised)
    assert _log(initialised, "DJ-9-3.youth-housing", "대전 기획조정실", "--value", "1200")[0] == 0
    reports, _statuses, attempts, intact = _state(initialised)
    assert reports == before[0] + 1 and attempts == [] and intact


def test_a_name_not_on_the_roster_is_refused_recorded_and_nothing_is_written(initialised: str) -> None:
    before = _state(initialised)
    code, output = _log(initialised, "DJ-9-3.youth-housing", "아무개", "--value", "1200")
    assert code == 3
    assert output.strip().splitlines() == [
        "error: 아무개 is not on the officials roster: ask an administrator to run "
        "`monitor officials add --name NAME --jurisdiction SLUG`"
    ]
    reports, statuses, attempts, intact = _state(initialised)
    assert (reports, statuses) == before[:2]
    [attempt] = attempts
    assert (attempt.channel, attempt.actor, attempt.command, attempt.allowed) == (
        "cli",
        "아무개",
        "progress log",
        False,
    )
    assert attempt.reason == "not on the officials roster"
    assert intact  # the refusal is part of the chain


def test_an_official_of_another_jurisdiction_is_refused(initialised: str) -> None:
    code, output = _log(initialised, "DG-2022-01", "대전 기획조정실", "--status", "완료")
    assert code == 3
    assert "reports for Daejeon Metropolitan City only; not for DG-2022-01" in output  # a name, not a slug
    korean = run_cli(
        ["progress", "log", "DG-2022-01", "--status", "완료", "--by", "대전 기획조정실"], initialised
    )
    assert "대전 기획조정실의 담당 지역은 대전광역시입니다. DG-2022-01은 담당 범위 밖입니다." in korean.output
    first, _second = _state(initialised)[2]
    assert first.reason.startswith("outside the official's jurisdiction (daejeon)")  # the record keeps slugs


def test_an_agreement_takes_reports_from_an_official_of_any_party(initialised: str) -> None:
    enrol(initialised, "세종 정책기획관", "sejong")
    assert _log(initialised, "SEOUL-SEJONG-2023", "세종 정책기획관", "--status", "정상추진")[0] == 0
    assert _log(initialised, "SEOUL-SEJONG-2023", "서울 균형발전과", "--status", "정상추진")[0] == 0


def test_an_official_taken_off_the_roster_can_no_longer_write(initialised: str) -> None:
    assert run_cli(["officials", "remove", "대전 기획조정실"], db_url=initialised).exit_code == 0
    assert _log(initialised, "DJ-9-3.youth-housing", "대전 기획조정실", "--value", "1")[0] == 3
    _reports, _statuses, attempts, intact = _state(initialised)
    assert [a.reason for a in attempts] == ["not on the officials roster"] and intact
