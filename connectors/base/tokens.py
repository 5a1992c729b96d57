"""Per-shop OAuth tokens, persisted atomically under a per-shop lock before they are used.

Shopee refresh tokens are single-use (marketplace_apis.md §1.3): two workers refreshing the same shop at
once would burn the token and de-authorise the shop. ``TokenStore.obtain`` serialises refreshes per shop:
on PostgreSQL with a row lock (``SELECT … FOR UPDATE``), on SQLite with the database write lock that every
omnikop transaction takes. The second worker waits, then finds the fresh pair and makes no refresh call.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import DateTime, Engine, String, Text, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from foundation.db import Base, transaction


class StoredToken(Base):
    __tablename__ = "connector_tokens"

    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    shop_ref: Mapped[str] = mapped_column(String(80), primary_key=True)
    access_token: Mapped[str | None] = mapped_column(Text, nullable=True)
    refresh_token: Mapped[str | None] = mapped_column(Text, nullable=True)
    access_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    refresh_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    extra: Mapped[str] = mapped_column(Text, default="{}")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# Facts about the seller's authorisation itself, not about one token pair: kept when a refresh writes a new pair
# (``TokenStore.note``). ISO-8601 UTC strings.
AUTHORIZED_AT, AUTHORIZATION_EXPIRES_AT = "authorized_at", "authorization_expires_at"
STICKY_EXTRA = (AUTHORIZED_AT, AUTHORIZATION_EXPIRES_AT)

GRANT_READ_TIMEOUT = 30.0  # seconds: the shortest read timeout a single-use token grant is given


def grant_timeout(timeout: tuple[float, float]) -> tuple[float, float]:
    """The (connect, read) timeout for a call that spends a single-use refresh token or authorisation code
    (Shopee, TikTok Shop): its answer must not be given up on. The platform has already spent the old token when
    the answer is lost to a read timeout, so a retry is refused and the seller has to re-authorise the shop.
    The connect timeout stays: a connection never made spends nothing."""
    connect, read = timeout
    return connect, max(read, GRANT_READ_TIMEOUT)


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    access_expires_at: datetime
    refresh_token: str | None = None
    refresh_expires_at: datetime | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def usable_at(self, moment: datetime, margin_seconds: int = 60) -> bool:
        return (self.access_expires_at - moment).total_seconds() > margin_seconds

    def __repr__(self) -> str:
        refresh = "yes" if self.refresh_token else "no"
        return f"TokenPair(access_expires_at={self.access_expires_at.isoformat()}, refresh={refresh})"


Renew = Callable[[TokenPair | None], TokenPair]


class TokenStore:
    """Tokens of one shop. ``obtain`` is the only way a connector gets a token it will use."""

    def __init__(self, engine: Engine, platform: str, shop_ref: str) -> None:
        self.engine, self.platform, self.shop_ref = engine, platform, shop_ref
        self.renewals = 0  # refresh/grant calls made through this store, for tests and run summaries

    def current(self) -> TokenPair | None:
        with transaction(self.engine) as session:
            row = session.get(StoredToken, (self.platform, self.shop_ref))
            return _pair(row) if row is not None and row.access_token else None

    def obtain(self, usable: Callable[[TokenPair], bool], renew: Renew) -> TokenPair:
        """Return the stored pair if ``usable``; otherwise call ``renew`` under the shop's lock and persist
        its result before returning it. ``renew`` receives the stored pair (or None before the first grant)."""
        stored = self.current()
        if stored is not None and usable(stored):
            return stored
        self._ensure_row()
        with transaction(self.engine) as session:
            row = self._lock(session)
            stored = _pair(row) if row.access_token else None
            if stored is not None and usable(stored):
                return stored  # another worker renewed while we waited for the lock
            fresh = renew(stored)
            self.renewals += 1
            row.access_token, row.refresh_token = fresh.access_token, fresh.refresh_token
            row.access_expires_at, row.refresh_expires_at = fresh.access_expires_at, fresh.refresh_expires_at
            kept = {k: v for k, v in json.loads(row.extra or "{}").items() if k in STICKY_EXTRA}
            row.extra, row.updated_at = json.dumps({**kept, **fresh.extra}), datetime.now(UTC)
            return fresh

    def forget(self) -> None:
        """Drop the shop's stored pair: a new authorisation code must be exchanged, not the old refresh token
        refreshed (``omnikop shops authorize`` on a shop that was authorised before)."""
        with transaction(self.engine) as session:
            row = session.get(StoredToken, (self.platform, self.shop_ref))
            if row is not None:
                session.delete(row)

    def note(self, **facts: str) -> None:
        """Record facts about the shop's authorisation (``STICKY_EXTRA``) next to its pair; refreshes keep them."""
        unknown = set(facts) - set(STICKY_EXTRA)
        if unknown:
            raise ValueError(f"not an authorisation fact: {sorted(unknown)}")
        self._ensure_row()
        with transaction(self.engine) as session:
            row = self._lock(session)
            row.extra = json.dumps({**json.loads(row.extra or "{}"), **facts})

    def _ensure_row(self) -> None:
        with transaction(self.engine) as session:
            insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
            session.execute(
                insert(StoredToken)
                .values(platform=self.platform, shop_ref=self.shop_ref, extra="{}", updated_at=datetime.now(UTC))
                .on_conflict_do_nothing()
            )

    def _lock(self, session: Session) -> StoredToken:
        query = select(StoredToken).where(StoredToken.platform == self.platform, StoredToken.shop_ref == self.shop_ref)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        return session.scalars(query).one()


def _pair(row: StoredToken) -> TokenPair:
    return TokenPair(
        access_token=row.access_token or "",
        access_expires_at=_aware(row.access_expires_at),
        refresh_token=row.refresh_token,
        refresh_expires_at=_aware(row.refresh_expires_at) if row.refresh_expires_at else None,
        extra=json.loads(row.extra or "{}"),
    )


def _aware(moment: datetime | None) -> datetime:
    if moment is None:
        return datetime.min.replace(tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Expiry:
    """A shop whose refresh token or seller authorisation ends at ``expires_at``; past that, syncs fail until the
    seller authorises again (``omnikop shops authorize``)."""

    platform: str
    shop_ref: str
    what: str  # "refresh token" or "authorisation"
    expires_at: datetime
    source: str = "connector_tokens"

    def describe(self, now: datetime) -> str:
        left = self.expires_at - now
        when = "has ended" if left.total_seconds() <= 0 else f"ends in {left.days} d {left.seconds // 3600} h"
        return (
            f"{self.platform}:{self.shop_ref} {self.what} {when} ({self.expires_at:%Y-%m-%d %H:%M} UTC, {self.source})"
        )


def stored_expiries(engine: Engine, before: datetime) -> list[Expiry]:
    """Every stored refresh token and recorded authorisation that ends before ``before`` (already ended ones too),
    soonest first. Tokens without an end (client-credentials grants) never appear."""
    found: list[Expiry] = []
    with transaction(engine) as session:
        for row in session.scalars(select(StoredToken)):
            if row.refresh_token and row.refresh_expires_at is not None and _aware(row.refresh_expires_at) < before:
                found.append(Expiry(row.platform, row.shop_ref, "refresh token", _aware(row.refresh_expires_at)))
            recorded = json.loads(row.extra or "{}").get(AUTHORIZATION_EXPIRES_AT)
            if recorded and _aware(datetime.fromisoformat(recorded)) < before:
                found.append(
                    Expiry(row.platform, row.shop_ref, "authorisation", _aware(datetime.fromisoformat(recorded)))
                )
    return sorted(found, key=lambda e: (e.expires_at, e.platform, e.shop_ref, e.what))
