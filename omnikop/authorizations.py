"""Which shops will stop syncing soon because a seller authorisation or a refresh token ends.

A refresh token past its end (Shopee: 30 days after it was issued, TikTok Shop: ``refresh_token_expire_in``) or
an authorisation past its end (Shopee: what the seller chose, at most 365 days; TikTok Shop: announced by push)
cannot be renewed by omnikop: only the seller can authorise again (``omnikop shops authorize``). Listing them
ahead of time is what lets an operator ask the seller before the syncs start failing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from connectors.base.authorize import authorizer_class
from connectors.base.errors import ConfigError
from connectors.base.registry import available_platforms
from connectors.base.tokens import Expiry, stored_expiries


def expiring_authorisations(engine: Engine, days: int, now: datetime | None = None) -> list[Expiry]:
    """Every refresh token and authorisation ending within ``days`` of ``now`` (or already ended), soonest first:
    the stored tokens' ends and what the platforms announced by push."""
    moment = now or datetime.now(UTC)
    before = moment + timedelta(days=days)
    found = stored_expiries(engine, before)
    for platform in available_platforms():
        try:
            authorizer = authorizer_class(platform)
        except ConfigError:
            continue  # no seller authorisation on this platform: nothing ends
        found.extend(authorizer.expiry_notices(engine, before))
    return sorted(found, key=lambda e: (e.expires_at, e.platform, e.shop_ref, e.what))
