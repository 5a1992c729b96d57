"""Rejected Shopee records keep distinct, stable keys, so no two share one quarantine item (found by fuzzing)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from connectors.base.protocol import LandedPage
from connectors.base.records import Rejected
from connectors.shopee.parse import parse_page


def _wallet_page(rows: list[dict[str, object]]) -> LandedPage:
    body = json.dumps({"error": "", "message": "", "response": {"transaction_list": rows, "more": False}})
    return LandedPage(1, "shopee", "880000101", "wallet", "wallet_list", {}, body.encode(), datetime.now(UTC))


def test_two_broken_withdrawals_on_one_page_are_two_rejections_with_their_own_keys():
    rows = [
        {
            "status": "COMPLETED",
            "transaction_type": None,
            "amount": -5.0,
            "create_time": 1767776400,
            "order_sn": "",
            "withdrawal_id": 500006,
        },
        {
            "status": "COMPLETED",
            "transaction_type": None,
            "amount": -7.0,
            "create_time": 1767776401,
            "order_sn": "",
            "withdrawal_id": 0,
        },
    ]
    rejected = [r for r in parse_page(_wallet_page(rows)) if isinstance(r, Rejected)]
    assert [r.record_key for r in rejected] == ["500006", "None::1767776401"]
    assert all(r.reason for r in rejected)
