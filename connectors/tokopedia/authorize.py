"""Authorising a TikTok Shop (flavor ``tiktok``) shop (marketplace_apis.md §3.2).

The seller opens the app's authorisation link — ``https://services.tiktokshop.com/open/authorize?service_id=…``
for Partner Center apps (Connection extra ``service_id``), else ``{auth host}/oauth/authorize?app_key=…`` — with
our ``state``. TikTok redirects to the redirect URL *registered for the app* (not one in the link) with ``code``
and ``state``; the code goes to ``GET {auth host}/api/v2/token/get?grant_type=authorized_code`` through
``TikTokClient``, and ``/authorization/202309/shops`` proves the shop is among those authorised. TikTok sends
``refresh_token_expire_in`` (stored as the refresh token's end) but no end of the authorisation itself; it
announces that end by the ``UPCOMING_AUTHORIZATION_EXPIRATION`` push (type 7), "30 days before the
authorization automatically expires, and once a day" after (TikTok Shop webhook docs, as EcomPHP/tiktokshop-php
``Webhook.php`` names it), which the webhook receiver lands as ``push_authorization_expiring``.

Legacy Tokopedia shops (flavor ``legacy``) use client credentials: there is no seller consent to ask for.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from connectors.base.authorize import AuthorizationRefused, Authorizer, add_query
from connectors.base.errors import ConfigError
from connectors.base.landing import RawPage
from connectors.base.tokens import AUTHORIZED_AT, Expiry, StoredToken
from connectors.base.windows import from_timestamp
from connectors.tokopedia.tiktok.client import AUTH_HOST

SERVICES_AUTHORIZE = "https://services.tiktokshop.com/open/authorize"
EXPIRING_PUSH = "push_authorization_expiring"  # connectors/tokopedia/webhooks.py, type 7
NOTICE_LEAD = timedelta(days=30)  # the first push comes 30 days before the authorisation ends


class TikTokAuthorizer(Authorizer):
    platform = "tokopedia"
    code_extra = "auth_code"
    flavor = "tiktok"

    def authorize_url(self, redirect_url: str, state: str) -> str:
        if str(self.connection.extra.get("flavor") or "tiktok") != "tiktok":
            raise ConfigError("legacy Tokopedia shops use client credentials: there is no seller authorisation")
        extra = self.connection.extra
        if extra.get("authorize_url"):
            return add_query(str(extra["authorize_url"]), app_key=self.connection.require("login"), state=state)
        if extra.get("service_id"):
            return add_query(SERVICES_AUTHORIZE, service_id=str(extra["service_id"]), state=state)
        auth_host = str(extra.get("auth_host") or AUTH_HOST).rstrip("/")
        return add_query(f"{auth_host}/oauth/authorize", app_key=self.connection.require("login"), state=state)

    def redirect_note(self, redirect_url: str) -> str | None:
        return (
            f"TikTok redirects to the app's registered redirect URL: set it to {redirect_url} in Partner Center"
            " for this run, or authorise as usual and pass the code with --code"
        )

    def code_from(self, query: Mapping[str, str], state: str) -> str:
        if query.get("state") != state:
            raise AuthorizationRefused("the callback does not answer this authorisation link (state differs)")
        if not query.get("code"):
            raise AuthorizationRefused(f"the callback carries no code: {sorted(query)}")
        return query["code"]

    @classmethod
    def expiry_notices(cls, engine: Engine, before: datetime) -> list[Expiry]:
        """One ``Expiry`` per shop with ``push_authorization_expiring`` pushes since its last authorisation:
        the first such push plus 30 days. Pushes older than the shop's ``authorized_at`` are answered already."""
        with Session(engine) as session:
            authorized = {
                row.shop_ref: json.loads(row.extra or "{}").get(AUTHORIZED_AT)
                for row in session.scalars(select(StoredToken).where(StoredToken.platform == cls.platform))
            }
            pages = session.execute(
                select(RawPage.shop_ref, RawPage.body, RawPage.fetched_at).where(
                    RawPage.platform == cls.platform, RawPage.kind == EXPIRING_PUSH
                )
            ).all()
        first: dict[str, datetime] = {}
        for landed_shop, body, fetched_at in pages:
            shop, pushed_at = _push_facts(body, landed_shop, _utc(fetched_at))
            since = authorized.get(shop)
            if since and pushed_at <= _utc(datetime.fromisoformat(since)):
                continue
            first[shop] = min(first.get(shop, pushed_at), pushed_at)
        return sorted(
            (
                Expiry(cls.platform, shop, "authorisation", pushed + NOTICE_LEAD, source="TikTok push")
                for shop, pushed in first.items()
                if pushed + NOTICE_LEAD < before
            ),
            key=lambda e: (e.expires_at, e.shop_ref),
        )


def _push_facts(body: bytes, landed_shop: str, fetched_at: datetime) -> tuple[str, datetime]:
    """The push's own ``shop_id`` and ``timestamp`` where it has them, else where and when it was landed."""
    try:
        payload = json.loads(body)
    except ValueError:
        return landed_shop, fetched_at
    if not isinstance(payload, dict):
        return landed_shop, fetched_at
    shop = str(payload.get("shop_id") or landed_shop)
    stamp = payload.get("timestamp")
    return shop, from_timestamp(stamp) if isinstance(stamp, int) and stamp > 0 else fetched_at


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


AUTHORIZER = TikTokAuthorizer
