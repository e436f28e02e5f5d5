"""Read-only bot commands: /help, /status, /overdue, /upcoming, /show, /subscriptions.

/status, /overdue and /upcoming answer from one snapshot of what was asked (a jurisdiction with those
below it, a commitment subtree, or the chat's subscriptions) as of the message, so the bot says what
`monitor check` and `monitor metrics` would, whether or not the daemon has run since.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor import snapshot
from monitor.db import models as m
from monitor.display import NamedPlace, milestone_deadline, place_name
from monitor.i18n import t
from monitor.metrics import from_snapshot
from monitor.notify.labels import CONDITION_LABELS, label
from monitor.registry import citation, commitment_detail, find_code
from monitor.rules import Evaluation, MilestoneFacts, Rule
from monitor.rules.outcome import State
from monitor.snapshot import Snapshot
from monitor.snapshot.scope import places, self_and_above
from monitor.telegram import chats
from monitor.telegram.protocol import Env, Reply, Request, Scope, UsageError, h, link, scope_from
from monitor.telegram.texts import COMMANDS, pick, say, subscription_filters
from monitor.vocab import Lang, Status

# Conditions that mean "the deadline has passed": a target, a budget year's report, an event.
PAST_DUE = frozenset({State.OVERDUE, State.UNREPORTED, State.UNCONFIRMED})
MAX_UPCOMING_DAYS = 366
SOURCE_EXCERPT = 400  # characters of the source text /show quotes


def help_text(session: Session, request: Request, env: Env) -> Reply:
    lines = [f"<b>{h(say('welcome', env.lang))}</b>", ""]
    lines += [f"/{name} — {h(pick(text, env.lang))}" for name, text in COMMANDS.items()]
    return Reply("\n".join(lines))


def start(session: Session, request: Request, env: Env) -> Reply:
    chats.ensure_chat(session, request.chat_id, request.now, request.chat_type, request.chat_title)
    return help_text(session, request, env)


def _one_arg(request: Request) -> str | None:
    if len(request.args) > 1:
        raise UsageError(request.command)
    return request.args[0] if request.args else None


def _capped(lines: list[str], env: Env) -> list[str]:
    if len(lines) <= env.list_limit:
        return lines
    return [*lines[: env.list_limit], h(say("more", env.lang, count=len(lines) - env.list_limit))]


def _percent(value: Any) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def _snapshot(session: Session, request: Request, env: Env, scope: Scope) -> Snapshot:
    """One snapshot for the question: a subtree, one jurisdiction with those below it, or everything
    (several subscribed jurisdictions: see `_places`)."""
    config = env.rules
    if scope.prefix is not None:
        return snapshot.take(session, config, request.now, prefix=scope.prefix)
    only = next(iter(scope.jurisdictions)) if len(scope.jurisdictions) == 1 else None
    return snapshot.take(session, config, request.now, jurisdiction=only)


def _places(snap: Snapshot, scope: Scope) -> set[str] | None:
    """The jurisdictions asked about, those below them included; None: the snapshot's own scope."""
    if len(scope.jurisdictions) < 2:
        return None
    return {p for p in snap.places if not scope.jurisdictions.isdisjoint(self_and_above(snap.places, p))}


def status(session: Session, request: Request, env: Env) -> Reply:
    scope = scope_from(session, request, _one_arg(request))
    snap = _snapshot(session, request, env, scope)
    places = _places(snap, scope)
    rows = from_snapshot(snap, request.now.astimezone(env.tz).year, by_category=False)
    lines = []
    for row in rows:
        if places is not None and row.jurisdiction not in places:
            continue
        # every 공약관리카드-level item (pledges, agendas, agreement areas), as /status always counted
        head = say(
            "status_line",
            env.lang,
            place=snap.name(row.jurisdiction, env.lang),
            pledges=row.items,
            rate=_percent(row.completion_rate),
        )
        lines.append(f"<b>{h(head)}</b>")
        for key, count in sorted(row.statuses.items(), key=lambda kv: -kv[1]):
            lines.append(f"  {h(status_name(key, env.lang))} {count}")
    return Reply("\n".join(lines) or h(say("no_subscriptions", env.lang)))


def status_name(key: str, lang: Lang) -> str:
    return Status(key).label(lang) if key in Status._value2member_map_ else t("status.unreported", lang)


def overdue(session: Session, request: Request, env: Env) -> Reply:
    scope = scope_from(session, request, _one_arg(request))
    snap = _snapshot(session, request, env, scope)
    problems = snap.problems(_places(snap, scope))
    found = sorted((e for e in problems if e.condition in PAST_DUE), key=lambda e: (e.since, e.subject))
    if not found:
        return Reply(h(say("nothing_overdue", env.lang)))
    lines = [f"<b>{h(say('overdue_head', env.lang, count=len(found)))}</b>"]
    lines += _capped([_evaluation_line(e, env.lang) for e in found], env)
    return Reply("\n".join(lines))


def _evaluation_line(evaluation: Evaluation, lang: Lang) -> str:
    condition = label(CONDITION_LABELS, evaluation.condition, lang)
    reason = evaluation.reason.text(lang)
    return f"• <b>{h(evaluation.subject)}</b> [{h(condition)}] {h(evaluation.title)}\n  {h(reason)}"


def _alert_line(alert: m.Alert, lang: Lang) -> str:
    reason = alert.reason_ko if lang == "ko" else alert.reason_en
    condition = label(CONDITION_LABELS, alert.condition, lang)
    return f"• <b>{h(alert.subject)}</b> [{h(condition)}] {h(alert.title)}\n  {h(reason)}"


def upcoming(session: Session, request: Request, env: Env) -> Reply:
    days, rest = 30, list(request.args)
    if rest and rest[0].isdigit():
        days = int(rest.pop(0))
    if len(rest) > 1 or not 1 <= days <= MAX_UPCOMING_DAYS:
        raise UsageError(request.command)
    scope = scope_from(session, request, rest[0] if rest else None)
    snap = _snapshot(session, request, env, scope)
    places = _places(snap, scope)
    end = request.now + timedelta(days=days)
    achieved = {e.subject for e in snap.evaluations if e.rule is Rule.ACHIEVED}
    found = [
        f
        for f in sorted(snap.milestones, key=lambda f: (f.due_at, f.code))
        if request.now < f.due_at <= end
        and f.code not in achieved
        and (snap.scope.concerns(f.parties) if places is None else not places.isdisjoint(f.parties))
    ]
    if not found:
        return Reply(h(say("nothing_upcoming", env.lang, days=days)))
    lines = [f"<b>{h(say('upcoming_head', env.lang, days=days, count=len(found)))}</b>"]
    lines += _capped([f"• {h(_when(f, env))} <b>{h(f.code)}</b> {h(f.title)}" for f in found], env)
    return Reply("\n".join(lines))


def _when(facts: MilestoneFacts, env: Env) -> str:
    """The deadline day as published, else the local start (events) or due instant."""
    return milestone_deadline(facts.due_date, facts.due_at, facts.starts_at, env.tz)


def _due_label(row: dict[str, Any]) -> str:
    return str(row["due_date"] or str(row["starts_at"] or row["due"])[:16].replace("T", " "))


def show(session: Session, request: Request, env: Env) -> Reply:
    code = _one_arg(request)
    if code is None:
        raise UsageError(request.command)
    target = find_code(session, code)
    commitment = target if isinstance(target, m.Commitment) else target.commitment
    detail = commitment_detail(session, commitment, env.tz)
    milestones = detail["milestones"]
    reports = detail["progress"]
    if isinstance(target, m.Milestone):
        milestones = [row for row in milestones if row["code"] == target.code]
        reports = [row for row in reports if row["milestone"] == target.code]
    lines = [f"<b>{h(target.code)} {h(target.title)}</b>", h(_facts_line(detail, env.lang))]
    if milestones:
        lines.append(f"<b>{h(say('targets', env.lang))}</b>")
        lines += _capped([f"• {h(_target_text(row))}" for row in milestones], env)
    if reports:
        lines.append(f"<b>{h(say('reports', env.lang))}</b>")
        lines += [_report_line(row, env.lang) for row in reports[-5:]]
    lines.append(f"<b>{h(say('alerts', env.lang))}</b>")
    lines += _alert_lines(session, target.code, env) or [h(say("no_alerts", env.lang))]
    lines.append(_source_line(target))
    return Reply("\n".join(lines))


def _source_line(target: m.Commitment | m.Milestone) -> str:
    """The cited source lines as published — raw fragments and all — escaped like any data."""
    source = target.source if isinstance(target, m.Commitment) else target.commitment.source
    where = citation(source, target.source_line, target.source_end_line)
    excerpt = " ".join(source.excerpt(target.source_line, target.source_end_line).split())
    if len(excerpt) > SOURCE_EXCERPT:
        excerpt = excerpt[:SOURCE_EXCERPT] + "…"
    return f"<i>{h(where)}</i> {h(excerpt)}"


def _facts_line(detail: dict[str, Any], lang: Lang) -> str:
    official = detail["official_status"]
    status_text = (
        f"{official['label_ko' if lang == 'ko' else 'label_en']} ({official['as_of']})"
        if official
        else t("status.unreported", lang)
    )
    parts = [
        ", ".join(detail["parties"]),
        detail["category"],
        say("official_status", lang, status=status_text),
    ]
    return " · ".join(str(p) for p in parts if p)


def _target_text(row: dict[str, Any]) -> str:
    if row["kind"] == "budget":
        years = "~".join(str(y) for y in dict.fromkeys(row["fiscal_years"] or []))
        what = f"{years} {row['planned_amount']} 백만원"
    elif row["kind"] == "quantity" and row["target"] is not None:
        what = f"{row['target']} {row['unit'] or ''}".strip()
    else:
        what = row["title"]
    return f"{row['code']} — {what} ({_due_label(row)})"


def _report_line(row: dict[str, Any], lang: Lang) -> str:
    figures = [str(row[k]) for k in ("value", "status", "executed_amount") if row[k] is not None]
    text = f"• {row['as_of']} {' '.join(figures)} {row['note'] or ''}".rstrip()
    links = [link(url, say("evidence", lang)) for url in row["evidence"]]
    return " ".join([h(text), *links])


def _alert_lines(session: Session, code: str, env: Env) -> list[str]:
    alerts = session.scalars(
        select(m.Alert).where(m.Alert.state == "firing", m.Alert.rule != "achieved").order_by(m.Alert.subject)
    )
    scope = Scope(prefix=code)
    return _capped([_alert_line(a, env.lang) for a in alerts if scope.covers(a.subject, a.parties)], env)


def subscription_list(session: Session, request: Request, env: Env) -> Reply:
    found = chats.subscriptions(session, request.chat_id)
    if not found:
        return Reply(h(say("no_subscriptions", env.lang)))
    known = places(session)  # one query for the list, not one per subscription
    return Reply("\n".join(f"#{s.id} {h(describe(known, s, env.lang))}" for s in found))


def describe(known: Mapping[str, NamedPlace], subscription: m.Subscription, lang: Lang) -> str:
    """What a subscription matches, places by name: "광주광역시 서구 · 코드 SEOGU-1 · 경고 이상"."""
    place = None
    if subscription.jurisdiction:
        place = place_name(known, subscription.jurisdiction, lang)
    return subscription_filters(
        place, subscription.category, subscription.code_prefix, subscription.min_severity, lang
    )
