"""Column types that keep the database portable between SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import DateTime, Dialect, Numeric, String
from sqlalchemy.types import TypeDecorator, TypeEngine


class UTCDateTime(TypeDecorator[datetime]):
    """An aware instant stored in UTC.

    SQLite keeps no time zone, so values are written as naive UTC and read back as aware UTC;
    PostgreSQL gets `timestamp with time zone`. A naive datetime is refused on the way in.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"refusing to store naive datetime {value!r}; pass an aware instant")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)

        def process(value: Any) -> datetime | None:
            if value is None:
                return None
            if isinstance(value, datetime):
                return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
            return _sqlite_instant(value)

        return process


# SQLite hands back the stored text ("2030-06-30 15:00:00.000000"). A national pass reads half a million
# rows whose deadlines and amounts repeat (quarter and year ends, standard targets): parsing each distinct
# text once (`fromisoformat`, many times faster than the dialect's regular expression) and sharing the
# immutable result is most of the cost of reading them. The caches are bounded.
@lru_cache(maxsize=1 << 16)
def _sqlite_instant(text: str) -> datetime:
    parsed = datetime.fromisoformat(text)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


@lru_cache(maxsize=1 << 16)
def _decimal(text: str) -> Decimal:
    return Decimal(text)


class ExactDecimal(TypeDecorator[Decimal]):
    """An exact decimal (amounts in 백만원, measured quantities), digits kept as published.

    PostgreSQL gets an unconstrained NUMERIC, which keeps the scale it is given ("873.20" stays
    "873.20"). SQLite's NUMERIC affinity would turn the value into a binary float, so there it is
    stored as text. Arithmetic happens in Python on `Decimal`, never on floats.
    """

    impl = Numeric(asdecimal=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(40))
        return dialect.type_descriptor(Numeric(asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, Decimal | int):
            raise TypeError(
                f"refusing to store {type(value).__name__} {value!r} as an exact amount; use Decimal"
            )
        return str(value) if dialect.name == "sqlite" else Decimal(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return _decimal(value if isinstance(value, str) else str(value))
