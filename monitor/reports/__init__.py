"""Reports people read: the digest, the Korean evaluation table (status), the pledge budget, one pledge's
card — as Markdown, CSV, JSON or a single self-contained HTML file.

Each kind has a builder (`build_*`: database and instant in, a typed dataclass out, no formatting) and
`render` turns any built report into bytes. `render_report` does both; scheduled jobs call it.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from monitor.errors import InputError
from monitor.reports.budget import BudgetReport, build_budget
from monitor.reports.card import CardReport, build_card
from monitor.reports.digest import DigestReport, build_digest
from monitor.reports.render import FORMATS, render
from monitor.reports.status import StatusReport, build_status
from monitor.reports.tables import Report
from monitor.rules import RuleConfig
from monitor.timeutil import require_aware
from monitor.vocab import Lang

REPORT_KINDS = ("digest", "status", "budget", "card")


def build_report(
    session: Session,
    kind: str,
    *,
    as_of: datetime,
    tz: ZoneInfo,
    lang: Lang,
    jurisdiction: str | None = None,
    code: str | None = None,
    since: datetime | None = None,
    days: int = 30,
    config: RuleConfig | None = None,
) -> Report:
    """The report of `kind` as known at `as_of`. `config` defaults to the rules' defaults in `tz`."""
    rules = config or RuleConfig(tz=tz)
    require_aware(as_of)
    if lang not in ("ko", "en"):
        raise InputError(
            f"unknown language {lang!r} (use ko or en)", ko=f"알 수 없는 언어 {lang!r}입니다 (ko 또는 en)"
        )
    if kind == "status":
        return build_status(session, as_of=as_of, tz=tz, lang=lang, config=rules, jurisdiction=jurisdiction)
    if kind == "budget":
        return build_budget(session, as_of=as_of, tz=tz, lang=lang, config=rules, jurisdiction=jurisdiction)
    if kind == "digest":
        if days < 0:
            raise InputError(f"--days {days}: must be 0 or more", ko=f"--days {days}: 0 이상이어야 합니다")
        if since is not None and require_aware(since) > as_of:
            raise InputError("--since is after --as-of", ko="--since이(가) --as-of보다 늦습니다")
        return build_digest(
            session,
            as_of=as_of,
            tz=tz,
            lang=lang,
            config=rules,
            jurisdiction=jurisdiction,
            since=since,
            days=days,
        )
    if kind == "card":
        if not code:
            raise InputError(
                "the card report needs a commitment code (monitor report card CODE)",
                ko="공약관리카드에는 공약 코드가 필요합니다 (monitor report card 코드)",
            )
        return build_card(session, code=code, as_of=as_of, tz=tz, lang=lang, config=rules)
    kinds = ", ".join(REPORT_KINDS)
    raise InputError(
        f"unknown report {kind!r} (use one of: {kinds})",
        ko=f"알 수 없는 보고서 {kind!r}입니다 ({kinds} 중 하나)",
    )


def render_report(
    session: Session,
    kind: str,
    fmt: str,
    *,
    as_of: datetime,
    tz: ZoneInfo,
    lang: Lang,
    jurisdiction: str | None = None,
    code: str | None = None,
    since: datetime | None = None,
    days: int = 30,
    config: RuleConfig | None = None,
) -> bytes:
    """Build and render one report: UTF-8 bytes (Markdown, CSV, JSON or one self-contained HTML file)."""
    if fmt not in FORMATS:
        formats = ", ".join(FORMATS)
        raise InputError(
            f"unknown format {fmt!r} (use one of: {formats})",
            ko=f"알 수 없는 형식 {fmt!r}입니다 ({formats} 중 하나)",
        )
    report = build_report(
        session,
        kind,
        as_of=as_of,
        tz=tz,
        lang=lang,
        jurisdiction=jurisdiction,
        code=code,
        since=since,
        days=days,
        config=config,
    )
    return render(report, fmt)


__all__ = [
    "FORMATS",
    "REPORT_KINDS",
    "BudgetReport",
    "CardReport",
    "DigestReport",
    "Report",
    "StatusReport",
    "build_report",
    "render",
    "render_report",
]
