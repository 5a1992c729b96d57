"""The shared HTTP loop: retries within budget, Retry-After honoured, 4xx never retried, one token refresh."""

from __future__ import annotations

import http.server
import threading
from typing import Any

import pytest
import requests
import responses
from responses import matchers

from connectors.base.errors import InvalidRequest, RateLimited, ServerError, TokenExpired
from connectors.base.http import Call, HttpClient, RetryBudget, SignedCall

URL = "http://platform.test"


class Signer:
    def __init__(self) -> None:
        self.timestamps: list[int] = []

    def sign(self, call: Call, now: int) -> SignedCall:
        self.timestamps.append(now)
        return SignedCall(URL + call.path, {**call.params, "sign": f"sig{now}"}, {})


class Interpreter:
    def interpret(self, call: Call, response: requests.Response, payload: Any) -> Any:
        if response.status_code == 429:
            raise RateLimited("slow down", retry_after=float(response.headers.get("Retry-After", 0)) or None)
        if response.status_code >= 500:
            raise ServerError("boom")
        if response.status_code == 401:
            raise TokenExpired("expired")
        if response.status_code >= 400:
            raise InvalidRequest("bad")
        return payload


def client(**options: Any) -> tuple[HttpClient, list[float], Signer]:
    sleeps: list[float] = []
    clock = iter(range(1_700_000_000, 1_800_000_000, 7))
    signer = Signer()
    http = HttpClient(
        "test",
        URL,
        signer=signer,
        interpreter=Interpreter(),
        sleep=sleeps.append,
        clock=lambda: next(clock),
        budget=RetryBudget(attempts=4, seconds=60, backoff_initial=0.1, backoff_max=1),
        **options,
    )
    return http, sleeps, signer


@responses.activate(registry=responses.registries.OrderedRegistry, assert_all_requests_are_fired=True)
def test_429_with_retry_after_waits_that_long_and_retries_with_a_fresh_signature():
    responses.get(f"{URL}/orders", status=429, headers={"Retry-After": "3"}, json={})
    responses.get(
        f"{URL}/orders", json={"ok": 1}, match=[matchers.query_param_matcher({"page": "1", "sign": "sig1700000007"})]
    )
    http, sleeps, signer = client()
    assert http.call(Call("GET", "/orders", {"page": "1"})).data == {"ok": 1}
    assert sleeps == [3.0] and len(set(signer.timestamps)) == 2


@responses.activate(registry=responses.registries.OrderedRegistry, assert_all_requests_are_fired=True)
def test_5xx_and_connection_errors_are_retried_within_the_budget_then_raised():
    for _ in range(2):
        responses.get(f"{URL}/x", status=503)
    responses.get(f"{URL}/x", body=requests.ConnectionError("reset"))
    responses.get(f"{URL}/x", status=500)
    http, sleeps, _ = client()
    with pytest.raises(ServerError):
        http.call(Call("GET", "/x"))
    assert http.attempts == 4 and len(sleeps) == 3 and all(0 < s <= 1 for s in sleeps)


@responses.activate(assert_all_requests_are_fired=True)
def test_4xx_is_never_retried():
    responses.get(f"{URL}/x", status=400, json={})
    http, sleeps, _ = client()
    with pytest.raises(InvalidRequest):
        http.call(Call("GET", "/x"))
    assert http.attempts == 1 and sleeps == []


@responses.activate(registry=responses.registries.OrderedRegistry, assert_all_requests_are_fired=True)
def test_expired_token_is_refreshed_once_then_the_call_retried_once():
    responses.get(f"{URL}/x", status=401, json={})
    responses.get(f"{URL}/x", json={"ok": 2})
    refreshed: list[bool] = []
    http, _, _ = client(refresh_token=lambda: refreshed.append(True))
    assert http.call(Call("GET", "/x")).data == {"ok": 2} and refreshed == [True]


@responses.activate(registry=responses.registries.OrderedRegistry, assert_all_requests_are_fired=True)
def test_a_second_expiry_after_refreshing_is_an_error_not_a_loop():
    responses.get(f"{URL}/x", status=401, json={})
    responses.get(f"{URL}/x", status=401, json={})
    refreshed: list[bool] = []
    http, _, _ = client(refresh_token=lambda: refreshed.append(True))
    with pytest.raises(TokenExpired):
        http.call(Call("GET", "/x"))
    assert refreshed == [True]


@responses.activate(assert_all_requests_are_fired=True)
def test_money_in_json_is_decoded_as_decimal_never_float():
    responses.get(f"{URL}/x", body=b'{"amount": 183000.0, "fee": 0.1, "count": 3}')
    http, _, _ = client()
    data = http.call(Call("GET", "/x")).data
    assert str(data["amount"]) == "183000.0" and type(data["fee"]).__name__ == "Decimal" and data["count"] == 3


class _Proxy(http.server.BaseHTTPRequestHandler):
    """A forward proxy that answers every request itself and remembers the request line it was sent."""

    seen: list[str] = []

    def do_GET(self) -> None:
        _Proxy.seen.append(self.requestline)
        body = b'{"via": "proxy"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


def test_the_proxy_environment_is_honoured_per_host_though_read_once(monkeypatch: pytest.MonkeyPatch):
    """The client reads HTTP_PROXY/NO_PROXY once per host instead of requests reading them on every call; the
    routing must stay requests' own: a proxied host goes through the proxy, a NO_PROXY host does not."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Proxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Proxy.seen = []
    try:
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{server.server_address[1]}")
        monkeypatch.setenv("NO_PROXY", "bypassed.test")
        through, _, _ = client()
        for _ in range(2):
            assert through.call(Call("GET", "/orders")).data == {"via": "proxy"}
        assert [line.split("?")[0] for line in _Proxy.seen] == ["GET http://platform.test/orders"] * 2
        bypassing = HttpClient(
            "test",
            "http://bypassed.test",
            signer=type("S", (), {"sign": lambda self, call, now: SignedCall("http://bypassed.test/x", {}, {})})(),
            interpreter=Interpreter(),
            budget=RetryBudget(attempts=1, seconds=5),
        )
        with pytest.raises(ServerError, match="transport failure"):  # straight to a host that does not exist
            bypassing.call(Call("GET", "/x"))
        assert len(_Proxy.seen) == 2
    finally:
        server.shutdown()
        server.server_close()
