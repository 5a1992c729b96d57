"""Paginators, windows, redaction, amounts, connections and the rate limiter."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from connectors.base.amounts import BadField, minor_units, money
from connectors.base.connection import connection_json, parse_connection
from connectors.base.errors import ConfigError, PaginationError
from connectors.base.pagination import CursorPaginator, OffsetPaginator, PageNumberPaginator, PageTokenPaginator
from connectors.base.ratelimit import RateLimiter
from connectors.base.redact import install_log_redaction, redact_mapping, redact_text, redact_url
from connectors.base.windows import Window


def test_cursor_paginator_stops_on_more_false_and_refuses_a_repeated_cursor():
    pager = CursorPaginator("cursor", next_cursor=lambda d: d["next"], has_more=lambda d: d["more"])
    pager.advance({"next": "20", "more": True})
    assert pager.params() == {"cursor": "20"} and not pager.done
    with pytest.raises(PaginationError, match="repeated"):
        pager.advance({"next": "20", "more": True})
    pager.advance({"next": "", "more": False})
    assert pager.done


def test_page_token_paginator_ends_on_an_empty_token_and_resumes_from_state():
    pager = PageTokenPaginator("page_token", next_cursor=lambda d: d["token"])
    pager.advance({"token": "abc"})
    restored = PageTokenPaginator("page_token", next_cursor=lambda d: d["token"])
    restored.restore(pager.state())
    assert restored.params() == {"page_token": "abc"}
    restored.advance({"token": ""})
    assert restored.done


def test_offset_and_page_number_paginators():
    offset = OffsetPaginator("offset", has_next=lambda d: d["has_next"], next_offset=lambda d: d["next"])
    offset.advance({"has_next": True, "next": 100})
    with pytest.raises(PaginationError):
        offset.advance({"has_next": True, "next": 100})
    pages = PageNumberPaginator("page_no", has_more=lambda d: d["more"], max_pages=3)
    pages.advance({"more": True})
    pages.advance({"more": True})
    with pytest.raises(PaginationError):
        pages.advance({"more": True})


def test_windows_split_exactly_and_refuse_naive_times():
    start = datetime(2026, 1, 1, tzinfo=UTC)
    parts = list(Window(start, start + timedelta(days=40)).split(timedelta(days=15)))
    assert [p.end - p.start for p in parts] == [timedelta(days=15), timedelta(days=15), timedelta(days=10)]
    assert all(a.end == b.start for a, b in zip(parts, parts[1:], strict=False))
    assert list(Window(start, start).split(timedelta(days=1))) == []
    with pytest.raises(ValueError):
        Window(datetime(2026, 1, 1), datetime(2026, 1, 2))  # noqa: DTZ001


def test_redaction_masks_secrets_in_urls_mappings_text_and_third_party_logs(caplog):
    assert "abc" not in redact_url("http://x/y?access_token=abc&sign=def&page=1")
    assert redact_mapping({"refresh_token": "r", "nested": {"client_secret": "s"}, "page": 2}) == {
        "refresh_token": "***",
        "nested": {"client_secret": "***"},
        "page": 2,
    }
    assert "tok123" not in redact_text('{"access_token": "tok123", "x": 1} sign=abcdef')
    install_log_redaction("third.party")
    caplog.set_level(logging.DEBUG)
    logging.getLogger("third.party").debug("GET /x?access_token=%s&page=1", "sekrit-token")
    assert "sekrit-token" not in caplog.text and "page=1" in caplog.text


def test_amounts_are_exact_and_bad_ones_are_named():
    assert money(Decimal("183000.0"), "f") == Decimal("183000") and money("35.97", "f") == Decimal("35.97")
    assert money(0.1, "f") == Decimal("0.1")  # a float that slipped through goes via str(), not binary
    assert minor_units(2_550_000, 2, "price") == Decimal("25500.00")
    for value, reason in ((None, "missing_amount"), ("abc", "invalid_amount"), (True, "invalid_amount")):
        with pytest.raises(BadField) as raised:
            money(value, "order_income.commission_fee")
        assert raised.value.reason == reason and "commission_fee" in str(raised.value)
    with pytest.raises(BadField, match="exponent"):
        minor_units(100, 7, "price")
    with pytest.raises(BadField, match="negative"):
        money(-1, "f", allow_negative=False)


def test_connections_parse_from_json_and_uri_and_hide_secrets():
    spec = parse_connection(
        "shop_a",
        connection_json(
            "shopee",
            host="http://h",
            login="1",
            password="pw-secret",
            extra={"refresh_token": "rt-secret", "region": "ID"},
        ),
    )
    assert spec.require("host") == "http://h" and spec.extra["region"] == "ID"
    assert "pw-secret" not in repr(spec) and "rt-secret" not in repr(spec)
    uri = parse_connection("shop_b", "grab://client%20id:s%2Fecret@partner-api.grab.com/?scope=food.partner_api")
    assert (uri.login, uri.password, uri.extra) == ("client id", "s/ecret", {"scope": "food.partner_api"})
    with pytest.raises(ConfigError, match="has no extra.code"):
        spec.require("code")


def test_rate_limiter_spaces_calls_beyond_the_burst():
    now = [0.0]
    waits: list[float] = []
    limiter = RateLimiter(10, burst=2, clock=lambda: now[0], sleep=waits.append)
    for _ in range(4):
        limiter.acquire()
    assert waits == [pytest.approx(0.1), pytest.approx(0.2)]
