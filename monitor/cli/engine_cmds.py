"""`monitor run`, `monitor check` (and `monitor replay`, in replay_cmds): the detection engine from the
command line."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

from monitor.cli.context import AppContext
from monitor.cli.output import Col, Tables, format_option, stream_json, wide_option
from monitor.i18n import t
from monitor.notify.labels import CONDITION_LABELS, label
from monitor.timeutil import isoformat_local

# The engine, the daemon and Telegram are imported by the commands that run them, not here: `monitor
# check` must not pay for the daemon, Telegram or matplotlib, nor `--help` for any of it.
if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from monitor import snapshot
    from monitor.daemon.head import HeadPublishing
    from monitor.daemon.jobs import JobSpec
    from monitor.daemon.service import DaemonConfig
    from monitor.ops.server import MetricsServer
    from monitor.ops.telemetry import Telemetry
    from monitor.rules import Evaluation
    from monitor.settings import Settings
    from monitor.vocab import Lang

pass_app = click.make_pass_decorator(AppContext)


@click.command()
@click.option("--once", is_flag=True, help="Evaluate and deliver once, then exit (for cron or a first look).")
@click.option("--no-seed", is_flag=True, help="Do not (re)load the seeds at start.")
@pass_app
def run(app: AppContext, once: bool, no_seed: bool) -> None:
    """Run the monitor: detect, alert and sleep until the next state change.

    Creates or upgrades the database and loads the seeds first (idempotent). Alerts are printed here and
    appended to the alerts_file setting (JSON lines); with a Telegram token, subscribed chats get them too.
    Stop with Ctrl-C or SIGTERM: the step in flight finishes, then the exit status is 0.
    """
    import asyncio

    from monitor.daemon.jobs import load_jobs
    from monitor.daemon.report_jobs import ReportContext
    from monitor.daemon.service import DaemonConfig
    from monitor.db import migrate
    from monitor.seeds import store_seeds, validate_seeds

    settings = app.settings
    jobs = load_jobs(settings.jobs_dir)
    checked = None if no_seed else validate_seeds([settings.seeds_dir])  # before the database exists
    migrate.upgrade(app.engine)
    if checked is not None:
        store_seeds(app.sessions, *checked, settings.tz, app.now())
    config = DaemonConfig(
        rules=app.rule_config(),
        lifecycle=app.lifecycle_config(),
        reports=ReportContext(
            settings.reports_dir,
            settings.tz,
            app.lang,
            telegram=settings.telegram_token is not None,
            rules=app.rule_config(),
        ),
        sweep_interval=settings.sweep_interval,
        poll_interval=settings.poll_interval,
        head=_head_publishing(settings),
        leader_lease=settings.leader_lease,
        shutdown_timeout=settings.shutdown_timeout,
    )
    raise SystemExit(asyncio.run(_serve(app, config, jobs, once)))


def _head_publishing(settings: Settings) -> HeadPublishing | None:
    from monitor.daemon.head import HeadPublishing

    if settings.head_channel is None:
        return None
    return HeadPublishing(settings.head_channel, settings.head_publish_interval)


async def _serve(app: AppContext, config: DaemonConfig, jobs: list[JobSpec], once: bool) -> int:
    """Built inside the loop: the Telegram application and the daemon share it. With `metrics_port`,
    Prometheus metrics are served while the daemon runs."""
    from monitor.daemon.ha import Identity
    from monitor.daemon.service import Daemon
    from monitor.notify.sender import RetryPolicy, Sender

    telemetry, server = _telemetry(app) if not once else (None, None)
    policy = RetryPolicy(retry_for=app.settings.retry_for, lease=app.settings.delivery_lease)
    try:
        if app.settings.telegram_token is None:
            me = Identity()
            sender = Sender(app.sessions, app.notifiers(), app.now, policy, holder=me.id, lang=app.lang)
            daemon = Daemon(app.sessions, sender, config, jobs, app.now, observer=telemetry, identity=me)
            return await daemon.run(once=once)
        return await _serve_with_telegram(app, config, jobs, once, telemetry)
    finally:
        if server is not None:
            server.stop()


def _telemetry(app: AppContext) -> tuple[Telemetry | None, MetricsServer | None]:
    if app.settings.metrics_port is None:
        return None, None
    from monitor.ops.telemetry import Telemetry, status_source  # prometheus-client: only here

    telemetry = Telemetry(status_source(app.sessions, app.now), app.lang)
    return telemetry, telemetry.serve(app.settings.metrics_host, app.settings.metrics_port)


async def _serve_with_telegram(
    app: AppContext, config: DaemonConfig, jobs: list[JobSpec], once: bool, telemetry: Telemetry | None
) -> int:
    from monitor.alerts.routing import TELEGRAM
    from monitor.daemon.ha import Identity
    from monitor.daemon.service import Daemon
    from monitor.notify.sender import RetryPolicy, Sender
    from monitor.telegram.service import build_telegram  # python-telegram-bot, matplotlib: only here

    daemon: Daemon | None = None

    async def kick() -> None:
        if daemon is not None:
            await daemon.poke()

    flood = telemetry.flood_waited if telemetry is not None else None
    telegram = build_telegram(app.settings, app.sessions, app.now, kick, flood)
    notifiers = {**app.notifiers(), TELEGRAM: telegram.notifier}
    me = Identity()
    policy = RetryPolicy(retry_for=app.settings.retry_for, lease=app.settings.delivery_lease)
    sender = Sender(
        app.sessions, notifiers, app.now, policy, on_failure=telegram.on_failure, holder=me.id, lang=app.lang
    )
    daemon = Daemon(app.sessions, sender, config, jobs, app.now, [telegram], observer=telemetry, identity=me)
    return await daemon.run(once=once)


def evaluation_json(e: Evaluation, tz: ZoneInfo, lang: Lang) -> dict[str, Any]:
    """One state as `check --format json` lists it (enums are str: they encode as their values)."""
    from monitor.display import evaluation_due_date

    return {
        "code": e.subject,
        "subject_type": e.subject_type,
        "commitment_code": e.commitment_code,
        "title": e.title,
        "jurisdiction": e.jurisdiction,
        "parties": list(e.parties),
        "rule": e.rule,
        "state": e.condition,
        "stage": e.stage,
        "severity": e.behaviour.severity,
        "since": isoformat_local(e.since, tz),
        "due": isoformat_local(e.due, tz),
        "due_date": evaluation_due_date(e, tz),
        "reason": e.reason.text(lang),
        "reason_ko": e.reason.ko,
        "reason_en": e.reason.en,
        "details": e.details.to_json(),
        "pledge": _pledge_json(e),
    }


@click.command()
@click.option(
    "--as-of",
    "as_of",
    metavar="INSTANT",
    help="Evaluate the world at this instant, using only progress entered by then (default: now).",
)
@click.option(
    "--jurisdiction",
    metavar="SLUG",
    help="Only items this jurisdiction, or one below it, is party to (gwangju covers gwangju-seo).",
)
@format_option("table", "json")
@wide_option
@pass_app
def check(app: AppContext, as_of: str | None, jurisdiction: str | None, fmt: str, wide: bool) -> None:
    """Run one evaluation pass and print every state that is not OK, with its reason.

    Read-only: alerts are neither created nor sent. JSON objects carry code, jurisdiction, rule, state,
    since, due and reason (see the README); the whole country is streamed part by part.
    """
    from monitor import snapshot

    now = app.instant(as_of)
    sessions = app.require_schema()
    with sessions() as session:
        scope = snapshot.resolve(session, snapshot.Scope(jurisdiction=jurisdiction))
        pieces = snapshot.parts(session, scope)
        places = snapshot.places(session)

    def found() -> Iterator[Evaluation]:
        for piece in pieces:
            with sessions() as session:
                snap = snapshot.build(session, app.rule_config(), now, piece)
            yield from sorted(
                (e for e in snap.evaluations if scope.concerns(e.parties)),
                key=lambda e: (e.jurisdiction, e.subject, e.rule),
            )

    if fmt == "json":
        stream_json(evaluation_json(e, app.settings.tz, app.lang) for e in found())
        return
    _check_table(Tables(app, wide, places), now, list(found()), scope)


def _check_table(view: Tables, now: datetime, found: list[Evaluation], scope: snapshot.ResolvedScope) -> None:
    """At 80 columns the place and the title go under the code, the since column goes first."""
    from monitor.display import evaluation_deadline, minute, place_name

    lang, tz = view.lang, view.app.settings.tz
    rows = [
        (
            e.subject,
            e.title,
            place_name(view.places, e.jurisdiction, lang),
            label(CONDITION_LABELS, e.condition, lang)
            + (f" ({e.stage})" if e.stage else "")
            + _whose(e, lang),
            minute(e.since, tz),
            evaluation_deadline(e, tz),
            e.reason.text(lang),
        )
        for e in found
    ]
    heads = [
        t("col." + k, lang) for k in ("code", "title", "jurisdiction", "state", "since", "due", "reason")
    ]
    cols = [Col(heads[0], code=True), Col(heads[1], keep=3, into=0), Col(heads[2], keep=4, into=0)]
    cols += [Col(heads[3]), Col(heads[4], keep=5), Col(heads[5], keep=2), Col(heads[6])]
    view.table(rows, cols, title=t("heading.check", lang, at=minute(now, tz)))
    if scope.jurisdictions is not None:
        included = t("summary.included", lang, places=view.parties(scope.jurisdictions))
        view.app.console.print(included, markup=False, highlight=False)
    view.app.console.print(_check_footer(found, lang), markup=False, highlight=False)


def _whose(e: Evaluation, lang: Lang) -> str:
    """ "(후보)" under the state of a candidate's pledge (before the outcome is recorded): a watchdog
    reads a candidate's book differently from an officeholder's commitments."""
    if e.pledge is None or not e.pledge.candidate:
        return ""
    return f"\n({t('pledger.role.candidate', lang)})"


def _pledge_json(e: Evaluation) -> dict[str, Any] | None:
    """Whose promise the state is about: role, outcome and names (null where no pledger is recorded)."""
    if e.pledge is None:
        return None
    return {"role": e.pledge.role.value, "outcome": e.pledge.outcome.value, "names": list(e.pledge.names)}


def _check_footer(found: list[Evaluation], lang: Lang) -> str:
    """How many states are problems, per state; achieved items are listed but never counted."""
    from collections import Counter

    from monitor.rules.outcome import State

    achieved = sum(1 for e in found if e.condition is State.ACHIEVED)
    per_state = Counter(
        label(CONDITION_LABELS, e.condition, lang) for e in found if e.condition is not State.ACHIEVED
    )
    line = t("summary.check", lang, count=len(found) - achieved)
    if per_state:
        line += ": " + ", ".join(f"{state} {n}" for state, n in per_state.most_common())
    return line + (t("summary.check_achieved", lang, count=achieved) if achieved else "")


def register(group: click.Group) -> None:
    from monitor.cli.replay_cmds import replay_command  # its own module: engine_cmds stays readable

    for command in (run, check, replay_command):
        group.add_command(command)
