"""TikTok's body codes on the status ladder: HTTP status + body code → what the caller should do."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from connectors.base.errors import (
    AuthError,
    ConnectorError,
    InvalidPayload,
    InvalidRequest,
    PermissionDenied,
    RateLimited,
    ServerError,
    TokenExpired,
)
from connectors.base.http import Call
from connectors.tokopedia.tiktok.errors import LADDER as TIKTOK_LADDER

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
