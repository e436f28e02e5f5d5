"""Telegram tables: chats and their subscriptions, the officials roster, access attempts, pending /log
confirmations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from monitor.db.base import Base


class TelegramChat(Base):
    """A chat the bot talks to. A permanent delivery error disables it (with the reason); a migration to a
    supergroup records where it went."""

    __tablename__ = "telegram_chats"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(16))  # private, group, supergroup, channel
    title: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2), default="ko")
    disabled_at: Mapped[datetime | None]
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    migrated_to: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    subscriptions: Mapped[list[Subscription]] = relationship(
        back_populates="chat", order_by="Subscription.id"
    )

    @property
    def is_group(self) -> bool:
        return self.type in {"group", "supergroup"}


class Subscription(Base):
    """What a chat wants to hear about. Empty filters match everything."""

    __tablename__ = "subscriptions"
    __table_args__ = (CheckConstraint("min_severity IN ('info', 'warning', 'critical')", name="severity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("telegram_chats.chat_id"), index=True)
    jurisdiction: Mapped[str | None] = mapped_column(String(64))
    category: Mapped[str | None] = mapped_column(String(200))
    code_prefix: Mapped[str | None] = mapped_column(String(128))
    min_severity: Mapped[str] = mapped_column(String(16), default="info")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]

    chat: Mapped[TelegramChat] = relationship(back_populates="subscriptions")


class Official(Base):
    """A person allowed to report progress for one jurisdiction: by name on the command line and in
    imports (`--by`), and through the bot when a Telegram user id is on file."""

    __tablename__ = "officials"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    jurisdiction: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime]
    removed_at: Mapped[datetime | None]
    removed_by: Mapped[str | None] = mapped_column(String(200))


class AccessAttempt(Base):
    """Every attempt to write through the bot (or change a group's settings), allowed or refused, and
    every refused write from the command line or an import."""

    __tablename__ = "access_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    channel: Mapped[str] = mapped_column(String(32), default="telegram", server_default="telegram")
    actor: Mapped[str | None] = mapped_column(String(200))  # the --by name (command line, import)
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    command: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text)
    allowed: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text)


class PendingLog(Base):
    """A /log waiting for its inline-keyboard confirmation (kept in the database: a restart keeps it)."""

    __tablename__ = "pending_logs"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'confirmed', 'cancelled', 'expired')", name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    code: Mapped[str] = mapped_column(String(128))
    request: Mapped[dict[str, Any]] = mapped_column()
    state: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    message_id: Mapped[int | None] = mapped_column(Integer)
