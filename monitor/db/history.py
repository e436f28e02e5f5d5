"""The tamper-evident chain: one entry per change of history (progress, statuses, silences, roster, access).

Each entry stores the canonical content of the row it records, the previous entry's hash and its own hash
over both, so rewriting any of it — or the recorded rows themselves — is caught by `monitor verify`.
Content is kept as text, not JSON, so its bytes (and hash) are exactly what was written.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from monitor.db.base import Base


class ChainEntry(Base):
    __tablename__ = "history_chain"
    __table_args__ = (Index("ix_history_chain_ref", "ref_table", "ref_id"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(32))  # insert, update, delete
    ref_table: Mapped[str] = mapped_column(String(64))
    ref_id: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)
    entered_at: Mapped[datetime]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    # HMAC-SHA256 of `hash` under the chain key (NULL: written without a key; see `monitor.db.chain`)
    mac: Mapped[str | None] = mapped_column(String(64))
