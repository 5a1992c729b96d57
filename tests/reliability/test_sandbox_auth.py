"""Every sandbox refuses what a real partner API refuses: a wrong access token (all four platforms), a
tampered signature and a stale timestamp (the platforms that sign requests: Shopee and TikTok Shop).

Wrong client secrets and partner keys are refused in every platform's conformance kit
(``test_auth_works_and_bad_credentials_fail_cleanly``); webhook bodies that are unsigned, badly signed or
oversize are refused by the receiver in the push kit and ``tests/connectors/base/test_webhooks.py``. GoBiz, Grab
and Tokopedia's legacy API authenticate with OAuth bearer tokens alone: no request signature or timestamp to
tamper with, so only the token cases apply to them.

Requests go over real HTTP to the sandbox on loopback; a recorder around ``requests.Session.request`` keeps
each answer (status and body) so the test sees the refusal itself, not just the client's reaction to it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import requests
from sqlalchemy import update

from connectors.base.errors import ConnectorError
from connectors.base.http import HttpClient
from connectors.base.tokens import StoredToken
from foundation.db import Base, make_engine, transaction
from tests.reliability.bench import Instance, serve

Answer = tuple[int, str, bytes, bool]  # status, path, body, whether its signature was tampered with


@contextmanager
def recorded(tamper_sign: bool = False) -> Iterator[list[Answer]]:
    """Record every answer; with ``tamper_sign`` flip the request's signature before it is sent."""
    answers: list[Answer] = []
    real = requests.Session.request

    def request(self: requests.Session, method: str, url: str, **options: Any) -> requests.Response:
        params = options.get("params")
        tampered = tamper_sign and isinstance(params, dict) and bool(params.get("sign"))
        if tampered:
            options["params"] = {**params, "sign": "0" * len(str(params["sign"]))}  # type: ignore[dict-item]
        response = real(self, method, url, **options)
        answers.append((response.status_code, url.split("?")[0], response.content[:300], tampered))
        return response

    with mock.patch.object(requests.Session, "request", request):
        yield answers


def _instance_shops(instance: Instance) -> list[str]:
    """One shop per flavor (TikTok and legacy Tokopedia differ; GoFood/GoMart do not in auth)."""
    return list({instance.flavor(shop): shop for shop in instance.shops}.values())


def _http_clients(holder: object, depth: int = 0) -> list[HttpClient]:
    """The connector's HTTP clients, wherever its flavor keeps them (a few attributes deep)."""
    if isinstance(holder, HttpClient):
        return [holder]
    if depth > 3 or not hasattr(holder, "__dict__") or isinstance(holder, type):
        return []
    found: list[HttpClient] = []
    for value in vars(holder).values():
        found += [client for client in _http_clients(value, depth + 1) if client not in found]
    return found


def _refused(answer: Answer) -> bool:
    status, _, body, _ = answer
    return status in (400, 401, 403) or b'"error":"' in body and b'"error":""' not in body


@pytest.mark.parametrize("platform", ["shopee", "tokopedia", "gojek", "grab"])
def test_a_wrong_access_token_is_refused_and_the_client_refreshes_once(platform: str, tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/auth.db")
    Base.metadata.create_all(engine)
    with serve(platform) as instance:
        for shop in _instance_shops(instance):
            instance.connector(engine, shop).check()
            with transaction(engine) as session:
                session.execute(
                    update(StoredToken).where(StoredToken.shop_ref == shop).values(access_token="forged-0123456789")
                )
            connector = instance.connector(engine, shop)
            with recorded() as answers:
                connector.check()
            assert answers and _refused(answers[0]), (shop, answers[:1])
            assert connector.context.tokens.renewals == 1 and not _refused(answers[-1]), (shop, answers)
    engine.dispose()


@pytest.mark.parametrize(("platform", "flavor"), [("shopee", None), ("tokopedia", "tiktok")])
def test_a_tampered_signature_is_refused(platform: str, flavor: str | None, tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/auth.db")
    Base.metadata.create_all(engine)
    with serve(platform) as instance:
        shop = next(s for s in instance.shops if instance.flavor(s) == flavor)
        with recorded(tamper_sign=True) as answers, pytest.raises(ConnectorError):
            instance.connector(engine, shop).check()
    tampered = [answer for answer in answers if answer[3]]
    assert tampered and all(_refused(answer) for answer in tampered), answers
    assert any(b"sign" in body.lower() for _, _, body, _ in tampered), tampered
    engine.dispose()


@pytest.mark.parametrize(("platform", "flavor"), [("shopee", None), ("tokopedia", "tiktok")])
def test_a_correctly_signed_request_with_a_stale_timestamp_is_refused(
    platform: str, flavor: str | None, tmp_path: Path
) -> None:
    """Both platforms allow ±5 minutes; the client signs with a clock an hour slow, so the signature is right
    and only the timestamp is wrong."""
    engine = make_engine(f"sqlite:///{tmp_path}/auth.db")
    Base.metadata.create_all(engine)
    with serve(platform) as instance:
        shop = next(s for s in instance.shops if instance.flavor(s) == flavor)
        connector = instance.connector(engine, shop)
        clients = _http_clients(connector)
        assert clients, "no HTTP client found on the connector"
        for client in clients:
            client._clock = lambda: time.time() - 3600
        with recorded() as answers, pytest.raises(ConnectorError):
            connector.check()
    # TikTok's token endpoint is not signed (its secret is in the body), so only it may answer 200
    api = [answer for answer in answers if not (answer[0] == 200 and "/token/" in answer[1])]
    assert api and all(_refused(answer) for answer in api), answers
    assert any(b"timestamp" in body.lower() for _, _, body, _ in answers), answers
    engine.dispose()
