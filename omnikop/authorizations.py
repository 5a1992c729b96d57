"""Which shops will stop syncing soon because a seller authorisation or a refresh token ends.

A refresh token past its end (Shopee: 30 days after it was issued, TikTok Shop: ``refresh_token_expire_in``) or
an authorisation past its end (Shopee: what the seller chose, at most 365 days; TikTok Shop: announced by push)
cannot be renewed by omnikop: only the seller can authorise again (``omnikop shops authorize``). Listing them
ahead of time is what lets an operator ask the seller before the syncs start failing.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from connectors.base.authorize import authorizer_class
from connectors.base.errors import ConfigError
from connectors.base.registry import available_platforms
from connectors.base.tokens import Expiry, stored_expiries
from foundation.config import OmnikopConfig


def expiring_authorisations(
    engine: Engine, days: int, now: datetime | None = None, shops: Collection[tuple[str, str]] | None = None
) -> list[Expiry]:
    """Every refresh token and authorisation ending within ``days`` of ``now`` (or already ended), soonest first:
    the stored tokens' ends and what the platforms announced by push. ``shops`` ((platform, shop_ref) pairs)
    narrows the list, e.g. to the configured shops, so a shop removed from omnikop.yaml stops being reported."""
    moment = now or datetime.now(UTC)
    before = moment + timedelta(days=days)
    found = stored_expiries(engine, before)
    for platform in available_platforms():
        try:
            authorizer = authorizer_class(platform)
        except ConfigError:
            continue  # no seller authorisation on this platform: nothing ends
        found.extend(authorizer.expiry_notices(engine, before))
    if shops is not None:
        wanted = {(platform, str(shop)) for platform, shop in shops}
        found = [e for e in found if (e.platform, e.shop_ref) in wanted]
    return sorted(found, key=lambda e: (e.expires_at, e.platform, e.shop_ref, e.what))


def configured_shops(config: OmnikopConfig) -> set[tuple[str, str]]:
    return {(shop.platform, shop.shop_ref) for shop in config.shops}
