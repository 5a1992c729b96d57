"""Legacy Tokopedia on the status ladder: fs API statuses and error codes, its rate-limit headers, and the
token server's refusals."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from connectors.base.errors import (
    AuthError,
    ConnectorError,
    InvalidRequest,
    PermissionDenied,
    RateLimited,
    ServerError,
    TokenExpired,
)
from connectors.base.http import Call
from connectors.tokopedia.legacy.errors import ACCOUNTS_LADDER, retry_after
from connectors.tokopedia.legacy.errors import LADDER as LEGACY_LADDER

CALL = Call("GET", "/order/202309/orders")


def response(status: int, payload: Any, headers: dict[str, str] | None = None) -> requests.Response:
    answer = requests.Response()
    answer.status_code, answer._content = status, json.dumps(payload).encode()
    answer.headers.update(headers or {})
    return answer


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
