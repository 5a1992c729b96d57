"""Shopee's body-code table on the base ladder: each code's class, and what that class makes the client do."""

from __future__ import annotations

import json

import pytest
import requests

from connectors.base.errors import (
    AuthError,
    ConnectorError,
    InvalidPayload,
    InvalidRequest,
    PermissionDenied,
    QuotaExhausted,
    RateLimited,
    ServerError,
    TokenExpired,
)
from connectors.base.http import Call
from connectors.shopee.errors import ERRORS, LADDER

CALL = Call("GET", "/api/v2/order/get_order_list")


def interpret(status: int, payload: object, headers: dict[str, str] | None = None) -> object:
    response = requests.Response()
    response.status_code, response._content = status, json.dumps(payload).encode()
    response.headers.update(headers or {})
    return LADDER.interpret(CALL, response, payload)


@pytest.mark.parametrize(
    ("error", "message", "kind", "retried", "refreshes"),
    [
        ("error_rate_limit", "", RateLimited, True, False),
        ("error_busy", "", ServerError, True, False),
        ("invalid_acceess_token", "", TokenExpired, False, True),
        ("error_auth", "Invalid access_token.", TokenExpired, False, True),
        ("error_auth", "Wrong sign.", AuthError, False, False),
        ("error_limit", "", QuotaExhausted, False, False),
        ("error_api_permission", "", PermissionDenied, False, False),
        ("error_param", "page_size too big", InvalidRequest, False, False),
    ],
)
def test_a_body_error_decides_the_class_and_so_retry_and_refresh(
    error: str, message: str, kind: type[ConnectorError], retried: bool, refreshes: bool
):
    with pytest.raises(ConnectorError) as raised:
        interpret(200, {"error": error, "message": message, "request_id": "rq"})
    assert type(raised.value) is kind
    assert raised.value.retryable is retried and isinstance(raised.value, TokenExpired) is refreshes
    assert raised.value.platform_code == error and raised.value.request_id == "rq"
    if kind is not RateLimited:
        assert str(raised.value).startswith(f"{message or error} (platform=shopee")


def test_every_table_entry_is_a_connector_error_or_decided_by_its_message():
    assert all(
        isinstance(entry, type) and issubclass(entry, ConnectorError) or entry.contains for entry in ERRORS.values()
    )


def test_status_alone_speaks_only_when_the_body_names_no_error():
    with pytest.raises(RateLimited) as limited:
        interpret(429, {"error": "", "request_id": "rq"}, {"Retry-After": "1"})
    assert str(limited.value).startswith("rate limited (") and limited.value.retry_after == 1.0
    with pytest.raises(ServerError):
        interpret(502, None)
    with pytest.raises(InvalidRequest, match=r"^HTTP 404 "):
        interpret(404, {"error": "", "message": "no such path"})
    with pytest.raises(InvalidPayload, match="no JSON envelope"):
        interpret(200, ["x"])
    assert interpret(200, {"error": "", "response": {"more": False}}) == {"error": "", "response": {"more": False}}
