"""The error tables of both clients (HTTP status + body code → what to do) and the flavor choice."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from connectors.base.connection import ConnectionSpec
from connectors.base.errors import (
    AuthError,
    ConfigError,
    ConnectorError,
    InvalidPayload,
    InvalidRequest,
    PermissionDenied,
    RateLimited,
    ServerError,
    TokenExpired,
)
from connectors.base.http import Call
from connectors.base.protocol import ConnectorContext
from connectors.tokopedia.connector import flavor_of
from connectors.tokopedia.errors_legacy import ACCOUNTS_LADDER, retry_after
from connectors.tokopedia.errors_legacy import LADDER as LEGACY_LADDER
from connectors.tokopedia.errors_tiktok import LADDER as TIKTOK_LADDER

CALL = Call("GET", "/order/202309/orders")


def response(status: int, payload: Any, headers: dict[str, str] | None = None) -> requests.Response:
    answer = requests.Response()
    answer.status_code, answer._content = status, json.dumps(payload).encode()
    answer.headers.update(headers or {})
    return answer


def tts(code: int, status: int = 200) -> tuple[requests.Response, Any]:
    payload = {"code": code, "message": f"code {code}", "request_id": "req-1", "data": None}
    return response(status, payload), payload


@pytest.mark.parametrize(
    ("code", "status", "error"),
    [
        (106001, 401, AuthError),
        (105002, 401, TokenExpired),
        (105001, 401, TokenExpired),
        (105005, 200, PermissionDenied),
        (36009004, 400, InvalidRequest),
        (12345678, 200, InvalidRequest),
        (36009003, 429, RateLimited),
        (36009999, 503, ServerError),
    ],
)
def test_tiktok_codes_map_to_what_the_caller_should_do(code: int, status: int, error: type[ConnectorError]):
    answer, payload = tts(code, status)
    with pytest.raises(error) as raised:
        TIKTOK_LADDER.interpret(CALL, answer, payload)
    assert type(raised.value) is error and raised.value.platform == "tokopedia"
    if status != 429 and status < 500:
        assert raised.value.platform_code == str(code) and raised.value.request_id == "req-1"


def test_tiktok_success_is_code_zero_and_anything_without_an_envelope_is_unreadable():
    answer, payload = tts(0)
    assert TIKTOK_LADDER.interpret(CALL, answer, payload) == payload
    with pytest.raises(InvalidPayload):
        TIKTOK_LADDER.interpret(CALL, response(200, ["not", "an", "envelope"]), ["not", "an", "envelope"])


def fs(status: int, error_code: str | None = None, headers: dict[str, str] | None = None) -> tuple[Any, Any]:
    header = {
        "process_time": 0.01,
        "messages": "msg",
        "reason": "why",
        **({"error_code": error_code} if error_code else {}),
    }
    payload = {"header": header, "data": None}
    return response(status, payload, headers), payload


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [
        (401, "UNAUTHORIZED", TokenExpired),
        (403, "FORBIDDEN", PermissionDenied),
        (400, "ORD_DLV_013", InvalidRequest),
        (200, "ORD_USC_001", InvalidRequest),
        (500, "0", ServerError),
        (429, None, RateLimited),
    ],
)
def test_legacy_status_and_error_code_map_to_what_the_caller_should_do(
    status: int, code: str | None, error: type[ConnectorError]
):
    answer, payload = fs(status, code)
    with pytest.raises(error):
        LEGACY_LADDER.interpret(CALL, answer, payload)


def test_legacy_rate_limit_waits_for_the_reset_header():
    answer, payload = fs(429, headers={"X-Ratelimit-Reset-After": "0.350000", "X-Ratelimit-Full-Reset-After": "1.0"})
    with pytest.raises(RateLimited) as raised:
        LEGACY_LADDER.interpret(CALL, answer, payload)
    assert raised.value.retry_after == pytest.approx(0.35)


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"X-Ratelimit-Reset-After": "-0.000000", "X-Ratelimit-Full-Reset-After": "0.2"}, 0.2),
        ({"X-Ratelimit-Reset-After": "2.5"}, 2.5),
        ({"Retry-After": "3"}, 3.0),
        ({"X-Ratelimit-Reset-After": "-0.000000"}, None),
        ({"X-Ratelimit-Reset-After": "soon"}, None),
        ({}, None),
    ],
)
def test_retry_after_reads_tokopedia_headers_in_order_of_precision(headers: dict[str, str], seconds: float | None):
    assert retry_after(requests.structures.CaseInsensitiveDict(headers)) == seconds


def test_refused_client_credentials_are_final():
    with pytest.raises(AuthError) as raised:
        ACCOUNTS_LADDER.interpret(Call("POST", "/token"), response(401, {"error": "invalid_client"}), None)
    assert type(raised.value) is AuthError


def context(flavor: str | None, extra: dict[str, Any] | None = None) -> ConnectorContext:
    return ConnectorContext("1", ConnectionSpec("c", extra=extra or {}), tokens=None, flavor=flavor)  # type: ignore[arg-type]


def test_the_shop_configuration_chooses_the_flavor_then_the_connection_then_tiktok():
    assert flavor_of(context("legacy", {"flavor": "tiktok"})) == "legacy"
    assert flavor_of(context(None, {"flavor": "legacy"})) == "legacy"
    assert flavor_of(context(None)) == "tiktok"
    with pytest.raises(ConfigError, match="neither"):
        flavor_of(context("lazada"))
