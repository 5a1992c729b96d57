"""Bad input never crashes a parser, never vanishes, and is rejected with a reason (then quarantined).

Seeds are real pages each connector landed in its reference run (pulled pages, pushed webhooks, settlement
files); hypothesis mutates them: random bytes, a body cut short, one JSON value replaced by a value of another
type, or one key removed. A parser must return, for a readable page, one outcome per record (parsed or
``Rejected``) or a page-level ``malformed_page`` rejection, and every ``Rejected`` names a reason. Index pages
(Shopee's order list, TikTok's order search) carry ids, not records, and yield nothing by design: the records
come from the detail pages they lead to (the pull retries a broken index page; the conformance kit covers it).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from connectors.base.connection import connection_json
from connectors.base.landing import RawPage, as_landed, land_page
from connectors.base.protocol import Connector, FetchedPage, LandedPage
from connectors.base.records import Rejected
from connectors.base.sandbox.catalog import sandbox_class
from connectors.base.sandbox.world import World
from core_mapping.models import QuarantineItem
from foundation.db import make_engine, transaction
from sync.pipeline import process_shop
from tests.reliability.accounting import measure
from tests.reliability.bench import PLATFORMS, config_for, make_connector, world_config
from tests.reliability.matrix import Reference

UNREACHABLE = "http://127.0.0.1:9"  # parsing never calls the platform
JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.just(""),
    st.just("-1"),
    st.just("1e400"),
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


def _get(document: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        document = document[step]
    return document


def _set(document: Any, path: tuple[Any, ...], value: Any, delete: bool) -> None:
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    if delete and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = value


@st.composite
def mutated_body(draw: st.DrawFn, body: bytes) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(["bytes", "truncate", "value", "delete"]))
    if kind == "bytes":
        return kind, draw(st.binary(max_size=200))
    if kind == "truncate":
        return kind, body[: draw(st.integers(min_value=0, max_value=max(0, len(body) - 1)))]
    try:
        document = json.loads(body)  # floats, so untouched amounts are written back as numbers
    except ValueError:  # a settlement file (CSV/XLSX): flip bytes inside it instead
        position = draw(st.integers(min_value=0, max_value=max(0, len(body) - 1)))
        return "flip", body[:position] + draw(st.binary(min_size=1, max_size=8)) + body[position + 1 :]
    # "value" replaces a scalar (an id, amount, status, time) with a value of any type: that may turn a record
    # into a rejection but never remove it. "delete" removes any key, record lists included.
    paths = [p for p in _paths(document) if kind == "delete" or not isinstance(_get(document, p), dict | list)]
    if not paths:
        return "bytes", draw(st.binary(max_size=50))
    path = draw(st.sampled_from(paths))
    _set(document, path, draw(JSON_VALUES), delete=kind == "delete")
    return kind, json.dumps(document).encode()


def _seed_pages(reference: Reference) -> list[LandedPage]:
    engine = make_engine(f"sqlite:///{reference.database}")
    with transaction(engine) as session:
        pages = [as_landed(page) for page in session.scalars(select(RawPage).order_by(RawPage.id))]
    engine.dispose()
    return pages


def _outcome_count(connector: Connector, page: LandedPage) -> int:
    return len(list(connector.parse(page)))


@pytest.mark.parametrize("platform", PLATFORMS)
def test_mutated_pages_are_parsed_or_rejected_with_a_reason_never_dropped(
    platform: str, references: Callable[[str], Reference], tmp_path
) -> None:
    pages = _seed_pages(references(platform))
    engine = make_engine(f"sqlite:///{tmp_path}/unused.db")
    sandbox = sandbox_class(platform)(World.generate(world_config(platform)))  # for credentials; never served
    connectors = {
        shop: make_connector(platform, engine, shop, connection_json(**sandbox.connection_for(shop, UNREACHABLE)), None)
        for shop in {page.shop_ref for page in pages}
    }
    originals = {page.id: _outcome_count(connectors[page.shop_ref], page) for page in pages}
    assert pages and sum(originals.values()) > 0
    seen: dict[str, int] = {}

    @settings(max_examples=50, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        page = data.draw(st.sampled_from(pages))
        kind, body = data.draw(mutated_body(page.body))
        outcomes = list(connectors[page.shop_ref].parse(replace(page, body=body)))
        rejected = [r for r in outcomes if isinstance(r, Rejected)]
        for record in rejected:
            assert record.reason and record.message and record.record_key, record
        page_level = any(r.reason == "malformed_page" for r in rejected)
        if kind in ("bytes", "truncate", "flip") and originals[page.id] and body != page.body and not outcomes:
            pytest.fail(f"{platform} {page.kind}: an unreadable body produced no rejection ({kind})")
        if kind == "value" and not page_level:
            # a changed value may turn a record into a rejection, never make it disappear
            assert len(outcomes) >= min(originals[page.id], 1), (page.kind, kind, outcomes)
        seen[kind] = seen.get(kind, 0) + 1

    check()
    assert len(seen) >= 3, seen


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_landed_unreadable_page_is_quarantined_with_its_reason_and_nothing_is_lost(
    platform: str, references: Callable[[str], Reference], tmp_path: Path
) -> None:
    """The pipeline half of the promise: what a parser rejects becomes an open quarantine item with a reason."""
    reference = references(platform)
    database = tmp_path / "books.db"
    shutil.copy(reference.database, database)
    engine = make_engine(f"sqlite:///{database}")
    pages = _seed_pages(reference)
    sandbox = sandbox_class(platform)(World.generate(world_config(platform)))
    connection = {shop: connection_json(**sandbox.connection_for(shop, UNREACHABLE)) for shop in sandbox.shop_refs()}
    connector = {shop: make_connector(platform, engine, shop, connection[shop], None) for shop in connection}
    bearing = next(page for page in pages if list(connector[page.shop_ref].parse(page)))
    broken = FetchedPage(
        bearing.stream, bearing.kind, bearing.request, bearing.body[: len(bearing.body) // 2], 200, datetime.now(UTC)
    )
    with transaction(engine) as session:
        page_id, new = land_page(session, platform, bearing.shop_ref, broken)
    assert new
    config = config_for(sandbox.world, platform, f"sqlite:///{database}")
    process_shop(engine, config, connector[bearing.shop_ref])
    with transaction(engine) as session:
        items = list(session.scalars(select(QuarantineItem).where(QuarantineItem.raw_page_id == page_id)))
    assert items and all(item.reason and item.message and item.resolved_at is None for item in items), items
    books = measure(engine, lambda shop: connector[shop], list(connection))
    engine.dispose()
    assert (books.lost, books.fingerprint) == (0, reference.books.fingerprint)
    assert books.quarantined == reference.books.quarantined + len(items)
