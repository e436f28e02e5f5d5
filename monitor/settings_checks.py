"""The checks of single setting values (time zone, database URL, token, chain key, base URL): each raises
a `LocalizedValueError`, so the one-line message of a bad setting is Korean first. A secret is never
echoed: its message names only the expected shape."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import SecretStr

from monitor.errors import LocalizedValueError


def check_timezone(name: str) -> str:
    """An IANA time zone name (the `timezone` setting, a job's `timezone`)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise LocalizedValueError(
            f"unknown time zone {name!r} (use an IANA name such as Asia/Seoul)",
            ko=f"알 수 없는 시간대 {name!r}입니다 (Asia/Seoul 같은 IANA 이름을 쓰세요)",
        ) from exc
    return name


def check_database_url(url: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise LocalizedValueError(
            "not a database URL (expected e.g. sqlite:///path or postgresql+psycopg://…)",
            ko="데이터베이스 URL이 아닙니다 (예: sqlite:///경로 또는 postgresql+psycopg://…)",
        ) from exc
    backend = parsed.get_backend_name()
    if backend not in {"sqlite", "postgresql"}:
        raise LocalizedValueError(
            f"unsupported database {backend!r} (use sqlite or postgresql)",
            ko=f"지원하지 않는 데이터베이스 {backend!r}입니다 (sqlite나 postgresql을 쓰세요)",
        )
    return url


def check_token(token: SecretStr | None) -> SecretStr | None:
    # The value itself must never be echoed, so the message names only the expected shape.
    if token is None or token.get_secret_value() == "":
        return None
    head, _, tail = token.get_secret_value().partition(":")
    if not head.isdigit() or len(tail) < 30:
        raise LocalizedValueError(
            "does not look like a bot token from @BotFather (digits:secret)",
            ko="@BotFather가 준 봇 토큰의 모양(숫자:비밀값)이 아닙니다",
        )
    return token


def check_chain_key(key: SecretStr | None) -> SecretStr | None:
    # Like the token, the value is never echoed.
    if key is None or key.get_secret_value() == "":
        return None
    if len(key.get_secret_value().encode("utf-8")) < 16:
        raise LocalizedValueError(
            "too short for a MAC key (at least 16 bytes; e.g. `openssl rand -hex 32`)",
            ko="MAC 키로는 너무 짧습니다 (16바이트 이상, 예: openssl rand -hex 32)",
        )
    return key


def check_base_url(url: str | None) -> str | None:
    if url in (None, ""):
        return None
    assert url is not None
    if not url.startswith(("http://", "https://")):
        raise LocalizedValueError(
            "must start with http:// or https://", ko="http:// 또는 https://(으)로 시작해야 합니다"
        )
    return url
