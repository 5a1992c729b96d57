"""TikTok Shop's finance answers that carry money from a statement to the seller (statements, payments,
balance records) against TikTok's documented field trees (``tiktok/doc_trees.json``), both
ways: the sandbox invents no field, and every field the connector reads is documented and present. Driven
over loopback HTTP through the connector's own pulls; every landed answer of each endpoint is checked.
(The statement *transactions* answer is left to the fee-field work of issue 18.)"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from connectors.base.landing import RawPage
from connectors.base.sandbox.world import World, WorldConfig
from connectors.base.testing.conformance import KitEnv
from connectors.tokopedia.tiktok.sandbox import render as render_tiktok
from foundation.db import transaction
from tests.contracts.fieldtree import answer_problems, load_trees

FINANCE = ("finance.202309.get_statements", "finance.202309.get_payments", "finance.202309.get_withdrawals")
TREES = {api: load_trees(Path(__file__).with_name("tiktok") / "doc_trees.json")[api] for api in FINANCE}
# What tiktok/streams.py and tiktok/parse.py read from each answer.
NEEDED: dict[str, dict[str, list[str]]] = {
    "finance.202309.get_statements": {
        "$": ["code", "data"],
        "data": ["statements", "next_page_token"],
        "data.statements[]": ["id", "payment_id"],
    },
    "finance.202309.get_payments": {
        "$": ["code", "data"],
        "data": ["payments", "next_page_token"],
        "data.payments[]": ["id", "status", "amount", "create_time"],
        "data.payments[].amount": ["value", "currency"],
    },
    "finance.202309.get_withdrawals": {
        "$": ["code", "data"],
        "data": ["withdrawals", "next_page_token"],
        "data.withdrawals[]": ["id", "type", "amount", "currency", "status", "create_time"],
    },
}
KINDS = {
    "tts_statement_list": "finance.202309.get_statements",
    "tts_payments": "finance.202309.get_payments",
    "tts_withdrawals": "finance.202309.get_withdrawals",
}


@pytest.fixture(scope="module")
def world() -> World:
    return World.generate(WorldConfig(orders_per_day=4, days=5, platforms=("tokopedia",)))


def answers(env: KitEnv) -> dict[str, list[Any]]:
    """Every finance answer the TikTok shop's settlement and wallet pulls received, by documented API."""
    shop = next(s.shop_ref for s in env.world.shops_on("tokopedia") if s.flavor == "tiktok")
    connector = env.connector(shop)
    for stream in ("settlements", "wallet"):
        env.pull(connector, stream, env.window())
    found: dict[str, list[Any]] = {api: [] for api in TREES}
    with transaction(env.engine) as session:
        for page in session.scalars(select(RawPage).where(RawPage.kind.in_(KINDS))):
            assert json.loads(page.request)["path"].endswith(TREES[KINDS[page.kind]]["path"])
            found[KINDS[page.kind]].append(json.loads(page.body))
    return found


def problems(found: dict[str, list[Any]]) -> dict[str, list[str]]:
    report: dict[str, list[str]] = {}
    for api, bodies in found.items():
        issues = set(answer_problems(bodies, TREES[api]["tree"], NEEDED[api]))
        if not bodies:
            issues.add("no answer captured")
        if issues:
            report[api] = sorted(issues)
    return report


def test_the_finance_answers_are_exactly_what_tiktok_documents(env: KitEnv):
    found = answers(env)
    assert all(len(found[api]) >= 1 for api in TREES)
    assert sum(len(body["data"]["payments"]) for body in found["finance.202309.get_payments"]) > 1
    assert problems(found) == {}


def test_a_payment_with_an_invented_field_or_without_its_amount_fails_the_check(
    env: KitEnv, monkeypatch: pytest.MonkeyPatch
):
    real = render_tiktok.payments

    def wrong(*args: Any) -> list[dict[str, Any]]:
        rows = real(*args)
        for row in rows:
            row["bank_reference"] = "TRF-0001"  # not a payment field TikTok documents
            del row["amount"]
        return rows

    monkeypatch.setattr(render_tiktok, "payments", wrong)
    found = answers(env)
    assert problems(found) == {
        "finance.202309.get_payments": [
            "invented data.payments[].bank_reference",
            "missing data.payments[].amount",
            "missing data.payments[].amount (no object at this path in the answer)",
        ]
    }
