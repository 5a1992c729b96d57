"""``Retry-After`` as seconds or an HTTP-date; garbage is no hint, never an exception."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import requests

from connectors.base.errors import RateLimited
from connectors.base.http import Call
from connectors.base.retry_after import parse_retry_after

NOW = datetime(2026, 10, 21, 7, 28, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 1.5 ", 1.5),
        ("0", 0.0),
        ("-3", 0.0),
        ("Wed, 21 Oct 2026 07:28:30 GMT", 30.0),
        ("Wednesday, 21-Oct-26 07:29:00 GMT", 60.0),
        ("Wed Oct 21 07:28:10 2026", 10.0),
        ("Wed, 21 Oct 2026 07:00:00 GMT", 0.0),  # already past: retry now
    ],
)
def test_seconds_and_http_dates_are_read(value: str, seconds: float) -> None:
    assert parse_retry_after(value, lambda: NOW) == seconds


@pytest.mark.parametrize("value", [None, "", "soon", "Wed, 99 Foo 2026 07:28:30 GMT", "nan", "inf", "12 seconds"])
def test_a_missing_or_unreadable_value_is_no_hint(value: str | None) -> None:
    assert parse_retry_after(value, lambda: NOW) is None


def _response(status: int, headers: dict[str, str], body: bytes = b"{}") -> requests.Response:
    response = requests.Response()
    response.status_code, response._content = status, body
    response.headers.update(headers)
    return response


@pytest.mark.parametrize("platform", ["shopee", "tiktok", "grab", "gojek"])
@pytest.mark.parametrize("header", ["Wed, 21 Oct 2026 07:28:30 GMT", "garbage"])
def test_every_interpreter_classifies_a_429_whatever_its_retry_after(platform: str, header: str) -> None:
    from connectors.gojek.errors import LADDER as GOJEK
    from connectors.grab.errors import LADDER as GRAB
    from connectors.shopee.errors import LADDER as SHOPEE
    from connectors.tokopedia.tiktok.errors import LADDER as TIKTOK

    interpreter = {"shopee": SHOPEE, "tiktok": TIKTOK, "grab": GRAB, "gojek": GOJEK}[platform]
    with pytest.raises(RateLimited) as raised:
        interpreter.interpret(Call("GET", "/x"), _response(429, {"Retry-After": header}), {})
    assert raised.value.retry_after is None or raised.value.retry_after >= 0
