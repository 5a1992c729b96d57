"""The status ladder, rung by rung, on a small declared platform (``connectors/base/ladder.py``)."""

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
from connectors.base.ladder import AUTH_STATUSES, Answer, BareJson, ByMessage, Rung, StatusLadder

CALL = Call("GET", "/v1/things")


class Envelope:
    """``{err, msg, rid, data}``: an empty ``err`` is success."""

    def read(self, payload: Any, status: int) -> Answer:
        if not isinstance(payload, dict) or "err" not in payload:
            return Answer(problem="no {err, data} envelope")
        err = payload["err"] or None
        return Answer(code=err, platform_code=err, message=str(payload.get("msg") or ""), request_id=payload.get("rid"))

    def data(self, payload: Any) -> Any:
        return payload["data"]


LADDER = StatusLadder(
    "demo",
    Envelope(),
    codes={
        "slow_down": RateLimited,
        "busy": ServerError,
        "token_gone": TokenExpired,
        "auth": ByMessage("token", then=TokenExpired, otherwise=AuthError),
    },
    statuses=AUTH_STATUSES,
)


def answer(status: int, payload: Any = None, headers: dict[str, str] | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code, response._content = status, json.dumps(payload).encode()
    response.headers.update(headers or {})
    return response


def raised(status: int, payload: Any = None, headers: dict[str, str] | None = None) -> ConnectorError:
    with pytest.raises(ConnectorError) as caught:
        LADDER.interpret(CALL, answer(status, payload, headers), payload)
    return caught.value


def body(err: str = "", msg: str = "", data: Any = None) -> dict[str, Any]:
    return {"err": err, "msg": msg, "rid": "r-1", "data": data}


def test_rung_1_a_429_is_rate_limited_with_the_servers_wait():
    error = raised(429, body(), {"Retry-After": "2"})
    assert type(error) is RateLimited and error.retry_after == 2.0 and error.request_id == "r-1"
    assert str(error) == "too many requests (platform=demo, endpoint=/v1/things, http=429, request_id=r-1)"


def test_rung_1_a_rate_limit_code_in_a_200_body_is_rate_limited_too_and_an_unreadable_wait_is_no_wait():
    error = raised(200, body("slow_down", "easy"), {"Retry-After": "whenever"})
    assert type(error) is RateLimited and error.retry_after is None and error.platform_code == "slow_down"


def test_rung_2_a_5xx_is_a_retryable_server_error_unless_the_body_names_a_known_code():
    error = raised(503, None)
    assert type(error) is ServerError and error.retryable and str(error).startswith("server error (")
    assert type(raised(503, body("busy", "later"))) is ServerError
    assert type(raised(500, body("token_gone"))) is TokenExpired  # the code is more precise than the status


def test_rung_3_401_refreshes_the_token_and_403_fails_on_scope():
    assert type(raised(401, body())) is TokenExpired
    error = raised(403, body(msg="needs the orders scope"))
    assert type(error) is PermissionDenied and str(error).startswith("needs the orders scope (")


def test_rung_4_a_body_code_takes_its_class_from_the_table_or_is_an_invalid_request():
    assert type(raised(200, body("auth", "token revoked"))) is TokenExpired
    assert type(raised(200, body("auth", "bad signature"))) is AuthError
    error = raised(400, body("bad_page", "page too large"))
    assert type(error) is InvalidRequest and not error.retryable
    assert str(error) == "page too large (platform=demo, endpoint=/v1/things, http=400, code=bad_page, request_id=r-1)"


def test_rung_5_an_unreadable_envelope_is_an_invalid_payload_which_is_retried():
    error = raised(200, ["not", "an", "envelope"])
    assert type(error) is InvalidPayload and error.retryable and str(error).startswith("no {err, data} envelope (")


def test_rung_6_any_other_4xx_is_a_client_error_in_the_rungs_words():
    error = raised(404, body())
    assert type(error) is InvalidRequest and str(error).startswith("HTTP 404 (")


def test_rung_7_success_is_the_envelopes_data():
    assert LADDER.interpret(CALL, answer(200, body(data={"n": 1})), body(data={"n": 1})) == {"n": 1}


def test_a_rung_can_keep_to_its_own_words_or_wrap_the_bodys():
    quiet = Rung(RateLimited, "rate limited", quote_body=False)
    wrapping = Rung(AuthError, "refused: {message}")
    said = Answer(message="go away", platform_code="E1")
    assert quiet.says(said, 429) == "rate limited"
    assert wrapping.says(said, 400) == "refused: go away"
    assert wrapping.says(Answer(platform_code="E1"), 400) == "refused: E1"
    assert Rung(InvalidRequest, "HTTP {status}").says(Answer(), 418) == "HTTP 418"


def test_a_token_endpoint_declares_its_refusals_and_reads_bare_json():
    refused = Rung(AuthError, "demo refused the client credentials")
    token = StatusLadder("demo", BareJson(), statuses={400: refused, 401: refused})
    with pytest.raises(AuthError, match="refused the client credentials"):
        token.interpret(CALL, answer(401, {"error": "invalid_client"}), {"error": "invalid_client"})
    assert token.interpret(CALL, answer(200, {"access_token": "t"}), {"access_token": "t"}) == {"access_token": "t"}
    with pytest.raises(InvalidPayload, match="not a JSON object"):
        token.interpret(CALL, answer(200, [1]), [1])


def test_an_unhashable_code_is_unknown_not_a_crash():
    assert LADDER.known_error(Answer(code=["x"])) is None  # type: ignore[arg-type]
