"""Legacy Tokopedia (fs API) contract for the settlements pull: every answer the sandbox gives the connector's
client there (resolution tickets, saldo history, single order by invoice) checked both ways against the field
trees of Tokopedia's documentation and the public SDKs (``tests/contracts/tokopedia/legacy_settlements.json``):
no field the documentation does not list, and every field ``legacy/parse.py``/``legacy/deductions.py`` read present."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from connectors.base.landing import RawPage
from connectors.base.testing.conformance import KitEnv
from connectors.tokopedia.legacy.sandbox import render as render_legacy
from foundation.db import transaction
from tests.connectors.tokopedia.conftest import shop_of
from tests.contracts.fieldtree import answer_problems, load_trees

TREES = load_trees(Path(__file__).parent / "tokopedia" / "legacy_settlements.json")
# Landed page kind → (documented tree, what the parser reads there).
CONTRACTS: dict[str, tuple[str, dict[str, list[str]]]] = {
    "fs_resolution_tickets": (
        "fs.resolution.ticket",
        {
            "data": ["shops"],
            "data.shops[]": ["shop_id", "ticket"],
            "data.shops[].ticket[]": ["id", "open_date", "invoice_number", "total_issued_funds", "complaint_product"],
            "data.shops[].ticket[].complaint_product[]": ["id", "qty", "price"],
        },
    ),
    "fs_saldo_index": (
        "fs.finance.saldo_history",
        {"data": ["have_next_page", "saldo_history"], "data.saldo_history[]": ["deposit_id", "Type", "amount", "note"]},
    ),
    "fs_saldo_order": (
        "fs.order.single",
        {
            "data": ["order_id", "invoice_number", "order_info"],
            "data.order_info": ["order_detail"],
            "data.order_info.order_detail[]": ["product_id", "product_price", "subtotal_price", "quantity"],
        },
    ),
}


def answers(env: KitEnv) -> dict[str, list[Any]]:
    """Pull the legacy shop's settlements over HTTP and return every answer landed, by page kind."""
    shop = shop_of(env.world, "legacy")
    _, _, pages = env.pull(env.connector(shop), "settlements", env.window())
    assert pages
    found: dict[str, list[Any]] = {}
    with transaction(env.engine) as session:
        for page in session.scalars(select(RawPage).where(RawPage.stream == "settlements")):
            found.setdefault(page.kind, []).append(json.loads(page.body))
    return found


def problems(found: dict[str, list[Any]]) -> list[str]:
    bad = []
    for kind, every in found.items():  # all answers of a kind at once (a list at ``$``)
        api, needed = CONTRACTS[kind]
        bad += [f"{api}: {problem}" for problem in answer_problems(every, TREES[api]["tree"], needed)]
    return sorted(set(bad))


def test_every_settlements_answer_is_documented_and_carries_what_the_parser_reads(env: KitEnv):
    found = answers(env)
    assert set(found) == set(CONTRACTS), "each endpoint of the settlements pull is covered"
    tickets = [t for answer in found["fs_resolution_tickets"] for s in answer["data"]["shops"] for t in s["ticket"]]
    assert tickets, "the world should have refunded returns in this shop"
    assert problems(found) == []


def test_an_invented_or_a_dropped_ticket_field_fails_the_contract(env: KitEnv, monkeypatch: pytest.MonkeyPatch):
    real = render_legacy.resolution_tickets

    def wrong(*args: Any) -> list[dict[str, Any]]:
        tickets = real(*args)
        for ticket in tickets:
            ticket["refund_amount"] = ticket.pop("total_issued_funds")  # an undocumented name for the money
        return tickets

    monkeypatch.setattr(render_legacy, "resolution_tickets", wrong)
    assert problems({"fs_resolution_tickets": answers(env)["fs_resolution_tickets"]}) == [
        "fs.resolution.ticket: invented data.shops[].ticket[].refund_amount",
        "fs.resolution.ticket: missing data.shops[].ticket[].total_issued_funds",
    ]
