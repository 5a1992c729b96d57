"""Bad input never crashes a parser, never vanishes, and is rejected with a reason (then quarantined).

Seeds are real pages each connector landed in its reference run (pulled pages, pushed webhooks, settlement
files); hypothesis mutates them: random bytes, a body cut short, one JSON value replaced by a value of another
type, or one key removed. A parser must return, for a readable page, one outcome per record (parsed or
``Rejected``) or a page-level ``malformed_page`` rejection, and every ``Rejected`` names a reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from connectors.base.landing import RawPage, as_landed
from connectors.base.protocol import Connector, LandedPage
from connectors.base.records import Rejected
from omnikop.db import make_engine, transaction
from tests.reliability.bench import PLATFORMS, make_connector
from tests.reliability.matrix import Reference

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
        document = json.loads(body, parse_float=Decimal)
    except ValueError:  # a settlement file (CSV/XLSX): flip bytes inside it instead
        position = draw(st.integers(min_value=0, max_value=max(0, len(body) - 1)))
        return "flip", body[:position] + draw(st.binary(min_size=1, max_size=8)) + body[position + 1 :]
    paths = _paths(document)
    if not paths:
        return "bytes", draw(st.binary(max_size=50))
    path = draw(st.sampled_from(paths))
    _set(document, path, draw(JSON_VALUES), delete=kind == "delete")
    return kind, json.dumps(document, default=str).encode()


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
    connectors = {p.shop_ref: make_connector(platform, engine, p.shop_ref, '{"conn_type": "x"}', None) for p in pages}
    originals = {page.id: _outcome_count(connectors[page.shop_ref], page) for page in pages}
    assert pages and sum(originals.values()) > 0
    seen: dict[str, int] = {}

    @settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        page = data.draw(st.sampled_from(pages))
        kind, body = data.draw(mutated_body(page.body))
        outcomes = list(connectors[page.shop_ref].parse(replace(page, body=body)))
        rejected = [r for r in outcomes if isinstance(r, Rejected)]
        for record in rejected:
            assert record.reason and record.message and record.record_key, record
        page_level = any(r.reason == "malformed_page" for r in rejected)
        if kind in ("bytes", "truncate", "flip") and body != page.body and not outcomes:
            pytest.fail(f"{platform} {page.kind}: an unreadable body produced no rejection ({kind})")
        if kind == "value" and not page_level:
            # a changed value may turn a record into a rejection, never make it disappear
            assert len(outcomes) >= min(originals[page.id], 1), (page.kind, kind, outcomes)
        seen[kind] = seen.get(kind, 0) + 1

    check()
    assert len(seen) >= 3, seen
