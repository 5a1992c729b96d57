"""The partner-issued OAuth that Grab must present on the receiver: token endpoint and bearer checks."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator

import pytest
import requests

from connectors.base.connection import connection_json, env_var_name
from connectors.base.sandbox.server import SandboxServer
from connectors.base.webhooks import PushShop, Receiver, build_app
from connectors.grab.webhooks import issue_token, token_client
from foundation.db import make_engine

CLIENT, SECRET = "grab-to-coop", "push-secret-0123456789"
ORDER = b'{"orderID":"1-1","merchantID":"1-M","state":"COMPLETED"}'


def use_secret(monkeypatch: pytest.MonkeyPatch, secret: str) -> None:
    extra = {"push_client_id": CLIENT, "push_client_secret": secret}
    monkeypatch.setenv(env_var_name("grab_m"), connection_json("grab", host="h", login="l", password="p", extra=extra))


@pytest.fixture
def receiver_url(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    use_secret(monkeypatch, SECRET)
    extra = {"push_client_id": "another-client", "push_client_secret": "another-secret-0123"}
    monkeypatch.setenv(env_var_name("grab_n"), connection_json("grab", host="h", login="l", password="p", extra=extra))
    shops = [PushShop("grab", "1-M", "grab_m"), PushShop("grab", "1-N", "grab_n")]
    with SandboxServer(build_app(Receiver(make_engine(db_url), shops))) as server:
        yield server.url


def test_tokens_are_issued_for_the_configured_client_in_json_form_or_basic(receiver_url: str) -> None:
    url = receiver_url + "/webhooks/grab/oauth/token"
    grant = {"client_id": CLIENT, "client_secret": SECRET, "grant_type": "client_credentials"}
    basic = {"Authorization": "Basic " + base64.b64encode(f"{CLIENT}:{SECRET}".encode()).decode()}
    for answer in (
        requests.post(url, json=grant, timeout=5),
        requests.post(url, data=grant, timeout=5),
        requests.post(url, headers=basic, timeout=5),
    ):
        assert answer.status_code == 200 and answer.json()["token_type"] == "Bearer"
        assert answer.json()["expires_in"] == 604799 and SECRET not in answer.text
    for bad in ({**grant, "client_secret": "wrong"}, {**grant, "grant_type": "password"}, {}):
        assert requests.post(url, json=bad, timeout=5).status_code == 401


def test_pushes_need_a_valid_unexpired_token_from_the_current_secret(receiver_url: str, monkeypatch) -> None:
    url = receiver_url + "/webhooks/grab/order-state"
    fresh = issue_token(CLIENT, SECRET, time.time())
    expired = issue_token(CLIENT, SECRET, time.time() - 8 * 86400)
    tampered = fresh[:-1] + ("1" if fresh.endswith("0") else "0")  # never equal to the real token
    for token in (expired, fresh.replace(CLIENT, "someone-else"), tampered, "garbage"):
        assert (
            requests.post(url, data=ORDER, headers={"Authorization": f"Bearer {token}"}, timeout=5).status_code == 401
        )
    assert requests.post(url, data=ORDER, headers={"Authorization": f"Bearer {fresh}"}, timeout=5).status_code == 200
    other_merchant = ORDER.replace(b"1-M", b"1-N")  # a merchant configured with another client
    headers = {"Authorization": f"Bearer {fresh}"}
    assert requests.post(url, data=other_merchant, headers=headers, timeout=5).status_code == 403
    use_secret(monkeypatch, "rotated-secret-9876543210")  # rotating the secret revokes every issued token
    assert requests.post(url, data=ORDER, headers={"Authorization": f"Bearer {fresh}"}, timeout=5).status_code == 401


def test_token_check_is_exact():
    token = issue_token(CLIENT, SECRET, 1_000)
    assert token_client(token, {CLIENT: SECRET}, 1_000) == CLIENT
    assert token_client(token, {CLIENT: "other"}, 1_000) is None
    assert token_client(token, {CLIENT: SECRET}, 1_000 + 604_800) is None
