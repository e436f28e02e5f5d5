"""`monitor verify`: recompute the history chain and name the first entry rewritten behind its back."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import click

from monitor.cli.context import AppContext
from monitor.cli.output import print_json
from monitor.errors import InputError, MonitorError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from monitor.history.verify import Verification
    from monitor.vocab import Lang

pass_app = click.make_pass_decorator(AppContext)


class HistoryTampered(MonitorError):
    """The chain or the rows it records were changed outside the monitor. Exit code 4."""

    exit_code = 4


def _text(result: Verification, lang: Lang) -> list[str]:
    ko = lang == "ko"
    if result.intact:
        if ko:
            return [f"이력 무결: 항목 {result.entries}개, 헤드 {result.head}{_keyed(result, lang)}"]
        return [f"history intact: {result.entries} entries, head {result.head}{_keyed(result, lang)}"]
    first, also = ("첫 위반", "또") if ko else ("first breach", "also")
    lines = [f"{first}: {result.breaches[0].text(lang)}"]
    lines += [f"{also}: {breach.text(lang)}" for breach in result.breaches[1:20]]
    if len(result.breaches) > 20:
        more = len(result.breaches) - 20
        lines.append(f"… 외 {more}건" if ko else f"… and {more} more")
    return lines


def _keyed(result: Verification, lang: Lang) -> str:
    """What the chain key confirmed: `; 키 확인 12개, 키 이전 3개`."""
    if not result.key_checked:
        return ""
    if lang == "ko":
        return f"; 키로 확인 {result.keyed}개, 키 설정 전 항목 {result.unkeyed}개"
    return f"; {result.keyed} confirmed by the chain key, {result.unkeyed} written before it was set"


def _published_seq(session: Session, published: str) -> int | None:
    """Where the published head is: SEQ:HASH must be the entry at SEQ; a bare HASH is looked up."""
    from monitor.history.verify import contains, entry_at

    seq_text, colon, digest = published.rpartition(":")
    if not colon:
        return contains(session, published)
    if not seq_text.isdigit() or len(seq_text) > 18 or not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise _malformed(published)
    entry = entry_at(session, int(seq_text))
    if entry is None:
        raise HistoryTampered(
            f"published head {published}: there is no entry #{seq_text} any more (the chain ends at "
            "an earlier entry): history up to it was cut or rewritten",
            ko=f"공표된 헤드 {published}: 항목 #{seq_text}이(가) 없습니다 (체인이 그보다 앞에서 끝남): "
            "그때까지의 이력이 잘렸거나 다시 쓰였습니다",
        )
    if entry.hash != digest:
        raise HistoryTampered(
            f"published head {published}: entry #{seq_text} now has hash {entry.hash}, not the "
            "published one: history up to it was rewritten",
            ko=f"공표된 헤드 {published}: 항목 #{seq_text}의 해시가 지금은 {entry.hash}(으)로 공표된 것과 "
            "다릅니다: 그때까지의 이력이 다시 쓰였습니다",
        )
    return entry.seq


def _malformed(published: str) -> InputError:
    return InputError(
        f"--published {published}: expected SEQ:HASH (as `monitor verify --head` prints) or HASH",
        ko=f"--published {published}: SEQ:HASH(monitor verify --head 이 출력한 형식) 또는 HASH여야 합니다",
    )


def _not_in_chain(published: str) -> HistoryTampered:
    return HistoryTampered(
        f"published head {published} is not in the chain: history up to it was rewritten",
        ko=f"공표된 헤드 {published}이(가) 체인에 없습니다: 그때까지의 이력이 다시 쓰였습니다",
    )


def _found(found: int, since: int, lang: Lang) -> str:
    if lang == "ko":
        return f"공표된 헤드는 항목 #{found}에 있습니다. 그 뒤로 항목 {since}개"
    return f"published head found at entry #{found}; {since} entries since"


def _breached(count: int) -> HistoryTampered:
    return HistoryTampered(
        f"{count} breach(es) of the history chain; run without --head for details",
        ko=f"이력 체인 위반 {count}건 — 자세한 내용은 --head 없이 실행해 보세요",
    )


@click.command(name="verify")
@click.option("--head", "head_only", is_flag=True, help="Print only the head (SEQ:HASH) to publish.")
@click.option(
    "--published",
    metavar="HASH",
    help="A head published earlier (SEQ:HASH or HASH): check it is still in the chain.",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable result.")
@pass_app
def verify_command(app: AppContext, head_only: bool, published: str | None, as_json: bool) -> None:
    """Recompute the tamper-evident history chain (progress, official statuses, silences, the officials
    roster, access attempts) and name the first entry that was edited, deleted or reordered directly in
    the database. Exit code 0 when intact, 4 when not.

    Publish the head (`monitor verify --head`) somewhere the monitor's operators cannot change — a watchdog's
    web page, a post — and check it later with `--published`: a head that is no longer in the chain means
    history up to it was rewritten.
    """
    from monitor.history.verify import verify

    key = app.settings.chain_key.get_secret_value().encode("utf-8") if app.settings.chain_key else None
    with app.require_schema()() as session:
        result = verify(session, key)
        found = _published_seq(session, published) if published else None
    if head_only:
        click.echo(str(result.head))
    elif as_json:
        breaches = [
            {"seq": b.seq, "message": b.text(app.lang), "message_ko": b.text("ko"), "message_en": b.message}
            for b in result.breaches
        ]
        print_json(
            {
                "intact": result.intact,
                "entries": result.entries,
                "head": str(result.head),
                "breaches": breaches,
                "key_checked": result.key_checked,
                "keyed": result.keyed,
                "unkeyed": result.unkeyed,
            }
        )
    else:
        for line in _text(result, app.lang):
            click.echo(line, err=not result.intact)
    if published and found is None:
        raise _not_in_chain(published)
    if published:
        click.echo(_found(found or 0, result.entries - (found or 0), app.lang), err=True)
    if not result.intact:
        raise _breached(len(result.breaches))


def register(group: click.Group) -> None:
    group.add_command(verify_command)
