"""An unmodified TikTok Shop client works against the sandbox exactly as against TikTok's hosts (issue 18).

The client here is independent of ``connectors/tokopedia/signing.py``: it signs as TikTok's documented algorithm
does (``hex(HMAC-SHA256(secret, secret + path + sorted key+value pairs + body + secret))``, ``sign`` and
``access_token`` left out), reimplemented from two public SDKs read through the search tool:

- TikTok's own Node SDK (``tiktok_sdk/utils/generate-sign.js``, as vendored in tiananugerah/titktok-shop): the
  signed path is ``new URL(uri).pathname``, the path of the URL actually requested, and the URL is the base
  URL with the API path appended;
- hsib19/tiktok-shop-sdk (``src/client/Request.ts``, ``src/utils/signature.ts``): the URL is
  ``new URL(path, baseURL)`` (an absolute API path replaces any path of the base URL) and the API path is signed.

Both must work with nothing but the Connection's ``host`` / ``auth_host`` as base URLs.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from connectors.base.testing.conformance import KitEnv
from tests.connectors.tokopedia.conftest import shop_of

UNSIGNED = ("sign", "access_token")


def appended(base: str, path: str) -> str:
    """TikTok's Node SDK: the API path appended to the configured base path."""
    return base.rstrip("/") + path


def resolved(base: str, path: str) -> str:
    """hsib19's SDK: ``new URL(path, base)``; an absolute path replaces the base URL's own path."""
    return urljoin(base, path)


class StandardClient:
    """A minimal TikTok Shop Partner API client, as a third party would write it from TikTok's docs."""

    def __init__(self, connection: dict[str, Any], url_of: Callable[[str, str], str]) -> None:
        self.host, self.auth_host = connection["host"], connection["extra"]["auth_host"]
        self.app_key, self.app_secret = connection["login"], connection["password"]
        self.refresh_token = connection["extra"]["refresh_token"]
        self.url_of = url_of
        self.access_token = ""

    def sign(self, url: str, params: dict[str, str], body: str) -> str:
        path = urlsplit(url).path  # the path the request goes to, as TikTok receives it
        pairs = "".join(key + params[key] for key in sorted(params) if key not in UNSIGNED)
        text = self.app_secret + path + pairs + body + self.app_secret
        return hmac.new(self.app_secret.encode(), text.encode(), hashlib.sha256).hexdigest()

    def refresh(self) -> dict[str, Any]:
        params = {
            "app_key": self.app_key,
            "app_secret": self.app_secret,
            "refresh_token": self.refresh_token,
            "grant_type": "refresh_token",
        }
        answer = requests.get(self.url_of(self.auth_host, "/api/v2/token/refresh"), params=params, timeout=10)
        payload = answer.json()
        assert answer.status_code == 200 and payload["code"] == 0, payload
        self.access_token = payload["data"]["access_token"]
        return payload

    def call(self, method: str, path: str, params: dict[str, Any], body: Any = None) -> dict[str, Any]:
        url = self.url_of(self.host, path)
        query = {key: str(value) for key, value in params.items()}
        query.update(app_key=self.app_key, timestamp=str(int(time.time())))
        text = "" if body is None else json.dumps(body)
        query["sign"] = self.sign(url, query, text if method != "GET" else "")
        headers = {"x-tts-access-token": self.access_token, "content-type": "application/json"}
        answer = requests.request(method, url, params=query, data=text or None, headers=headers, timeout=10)
        assert answer.headers.get("content-type", "").startswith("application/json"), (answer.status_code, url)
        return answer.json()


@pytest.mark.parametrize("url_of", [appended, resolved], ids=["tiktok-node-sdk", "hsib19-sdk"])
def test_an_unmodified_client_pointed_at_the_connection_hosts_is_served(env: KitEnv, url_of):
    shop = shop_of(env.world, "tiktok")
    client = StandardClient(env.connection(shop), url_of)
    client.refresh()
    shops = client.call("GET", "/authorization/202309/shops", {})
    assert shops["code"] == 0, shops
    [row] = shops["data"]["shops"]
    assert row["id"] == shop
    first = env.world.orders_of("tokopedia", shop)[0].order_ref
    detail = client.call("GET", "/order/202309/orders", {"ids": first, "shop_cipher": row["cipher"]})
    assert detail["code"] == 0, detail
    assert [o["id"] for o in detail["data"]["orders"]] == [first]


def test_the_signature_still_covers_the_path_a_client_signing_another_path_is_refused(env: KitEnv):
    shop = shop_of(env.world, "tiktok")
    client = StandardClient(env.connection(shop), appended)
    client.refresh()
    honest = client.sign
    client.sign = lambda url, params, body: honest(url.replace("/shops", "/shop"), params, body)  # type: ignore[method-assign]
    refused = client.call("GET", "/authorization/202309/shops", {})
    assert refused["code"] == 106001
