"""Scheduled job definitions: one TOML file per job in `jobs/` (format: jobs/README.md).

A bad file stops the daemon with one line naming it, in English and Korean (monitor.settings_errors
words pydantic's and tomllib's errors in both)."""

from __future__ import annotations

import tomllib
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from sqlalchemy.orm import Session

from monitor.daemon.report_jobs import ReportParams
from monitor.db import models as m
from monitor.durations import parse_duration
from monitor.errors import LocalizedValueError, SettingsError
from monitor.settings_checks import check_timezone
from monitor.settings_errors import first_problem, toml_problem

JOB_KINDS = ("evaluate", "digest", "report")


class _NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DigestParams(BaseModel):
    """What a digest job may be given (checked when the daemon starts, not when the job first runs)."""

    model_config = ConfigDict(extra="forbid")

    top: Annotated[int, Field(ge=1)] = 10
    jurisdictions: list[str] = []
    chart: Literal["status", "budget"] | None = None


PARAMS: dict[str, type[BaseModel]] = {"evaluate": _NoParams, "digest": DigestParams, "report": ReportParams}


def _zone(name: str | None) -> str | None:
    return None if name is None else check_timezone(name)


class JobSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    kind: Literal["evaluate", "digest", "report"]
    cron: str | None = None
    interval: Annotated[timedelta | None, BeforeValidator(parse_duration)] = None
    timezone: Annotated[str | None, AfterValidator(_zone)] = None
    catch_up: bool = True
    enabled: bool = True
    params: dict[str, Any] = {}
    file: str = ""

    @model_validator(mode="after")
    def _one_schedule(self) -> JobSpec:
        if (self.cron is None) == (self.interval is None):
            raise LocalizedValueError(
                "give exactly one of cron or interval", ko="cron과 interval 중 하나만 주세요"
            )
        if self.cron is not None:
            try:
                CronTrigger.from_crontab(self.cron)
            except ValueError as exc:
                raise LocalizedValueError(
                    f"cron: {exc}",
                    ko=f"cron: {self.cron!r}은(는) cron 식이 아닙니다 (분 시 일 월 요일, 예: 0 9 * * 1)",
                ) from None
        try:
            PARAMS[self.kind].model_validate(self.params)
        except ValidationError as exc:
            where, english, korean = first_problem(exc)
            raise LocalizedValueError(f"params.{where}: {english}", ko=f"params.{where}: {korean}") from None
        return self

    def trigger(self, default_tz: tzinfo) -> BaseTrigger:
        tz = ZoneInfo(self.timezone) if self.timezone else default_tz
        if self.cron is not None:
            return CronTrigger.from_crontab(self.cron, timezone=tz)
        assert self.interval is not None
        return IntervalTrigger(seconds=self.interval.total_seconds(), timezone=tz)


def load_jobs(folder: Path) -> list[JobSpec]:
    """Every `*.toml` job in `folder`; a bad file stops the daemon with a message naming it."""
    if not folder.is_dir():
        return []
    jobs: list[JobSpec] = []
    for path in sorted(folder.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            jobs.append(JobSpec.model_validate({**data, "file": str(path)}))
        except tomllib.TOMLDecodeError as exc:
            english, korean = toml_problem(exc)
            raise SettingsError(
                f"{path}: not valid TOML: {english}", ko=f"{path}: TOML 문법 오류입니다: {korean}"
            ) from None
        except ValidationError as exc:
            where, english, korean = first_problem(exc)
            at = f"{where}: " if where else ""
            raise SettingsError(f"{path}: {at}{english}", ko=f"{path}: {at}{korean}") from None
    seen: set[str] = set()
    for job in jobs:
        if job.id in seen:
            raise SettingsError(
                f"{job.file}: job id {job.id!r} is used by another file",
                ko=f"{job.file}: 작업 id {job.id!r}은(는) 다른 파일이 이미 씁니다",
            )
        seen.add(job.id)
    return [job for job in jobs if job.enabled]


def missed_run(trigger: BaseTrigger, last_run: datetime, now: datetime) -> datetime | None:
    """The latest fire time in (last_run, now], if the job should have run while the daemon was down."""
    fire = trigger.get_next_fire_time(None, last_run + timedelta(microseconds=1))
    latest = None
    for _ in range(100_000):  # bounded: a minutely job down for two months
        if fire is None or fire > now:
            break
        latest = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(microseconds=1))
    return latest


def missed_since_last_run(
    session: Session, job: JobSpec, trigger: BaseTrigger, now: datetime
) -> datetime | None:
    """The run missed while the daemon was down, from `job_runs`; a new job registers itself instead."""
    run = session.get(m.JobRun, job.id)
    if run is None:  # first start with this job: nothing was missed yet
        session.add(
            m.JobRun(
                job_id=job.id,
                last_scheduled_at=now,
                last_started_at=now,
                last_finished_at=now,
                last_status="registered",
            )
        )
        return None
    return missed_run(trigger, run.last_scheduled_at, now)


def previous_run(session: Session, job: JobSpec) -> datetime | None:
    """When the job last ran for real (not the registration at the daemon's first start)."""
    run = session.get(m.JobRun, job.id)
    return run.last_scheduled_at if run is not None and run.last_status != "registered" else None


def record_run(
    session: Session,
    job: JobSpec,
    times: tuple[datetime, datetime, datetime],
    status: str,
    error: str | None,
) -> None:
    """Remember a run: `times` are when it was scheduled, started and finished."""
    run = session.get(m.JobRun, job.id) or m.JobRun(job_id=job.id)
    run.last_scheduled_at, run.last_started_at, run.last_finished_at = times
    run.last_status, run.last_error = status, error
    session.add(run)
