"""Follow-ups see the hint pages and nothing else; a connector without hint kinds costs no backlog scan."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from connectors.base.landing import land_page
from connectors.base.protocol import Connector, FetchedPage, LandedPage
from connectors.base.records import Parsed
from connectors.base.windows import Window
from foundation.db import transaction
from sync.pipeline import land_follow_ups

SHOP = "880000101"


class Recorder(Connector):
    """Records what the pipeline offers its ``follow_ups`` and fetches one page per hint page offered."""

    platform = "shopee"
    connection_type = "shopee"

    def __init__(self, hint_kinds: frozenset[str]) -> None:  # no context: nothing here talks to a platform
        self.shop_ref = SHOP
        self.hint_kinds = hint_kinds  # type: ignore[misc]
        self.offered: list[str] = []

    def check(self) -> None:
        raise NotImplementedError

    def pull(self, stream: str, window: Window, resume: dict[str, Any] | None = None) -> Iterator[FetchedPage]:
        raise NotImplementedError

    def parse(self, page: LandedPage) -> Iterator[Parsed]:
        return iter(())

    def follow_ups(self, pages: list[LandedPage]) -> Iterator[FetchedPage]:
        self.offered += [page.kind for page in pages]
        for page in pages:
            yield _page("order_detail", b'{"fetched for": ' + str(page.id).encode() + b"}")


def _page(kind: str, body: bytes) -> FetchedPage:
    return FetchedPage("orders", kind, {"path": "/test"}, body, 200, datetime(2026, 1, 5, tzinfo=UTC))


def _land(engine: Engine) -> None:
    with transaction(engine) as session:
        land_page(session, "shopee", SHOP, _page("order_list", b'{"page": 1}'))
        land_page(session, "shopee", SHOP, _page("push_hint", b'{"code": 3, "data": {"ordersn": "A1"}}'))
        land_page(session, "shopee", SHOP, _page("order_detail", b'{"page": 2}'))
        land_page(session, "shopee", SHOP, _page("push_hint", b'{"code": 3, "data": {"ordersn": "A2"}}'))


def test_follow_ups_are_offered_only_the_hint_pages_and_what_they_fetch_is_landed(engine: Engine) -> None:
    _land(engine)
    connector = Recorder(frozenset({"push_hint"}))
    summary = land_follow_ups(engine, connector)
    assert connector.offered == ["push_hint", "push_hint"]
    assert (summary.pages, summary.new_pages) == (2, 2)
    again = Recorder(frozenset({"push_hint"}))
    land_follow_ups(engine, again)  # the fetched pages are not hints: offered the same two hints, nothing more
    assert again.offered == ["push_hint", "push_hint"]


def test_a_connector_without_hint_kinds_is_offered_nothing(engine: Engine) -> None:
    _land(engine)
    connector = Recorder(frozenset())
    assert land_follow_ups(engine, connector).pages == 0
    assert connector.offered == []
