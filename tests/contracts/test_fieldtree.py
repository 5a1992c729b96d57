"""The checker itself: each direction reports what it must, and a clean answer reports nothing."""

from __future__ import annotations

from tests.contracts.fieldtree import invented_fields, missing_fields

TREE = {
    "$": ["error", "response"],
    "response": ["order_list", "more", "extra"],
    "response.order_list[]": ["order_sn", "items"],
    "response.order_list[].items[]": ["sku", "qty"],
}
ANSWER = {
    "error": "",
    "response": {
        "more": False,
        "extra": {"free": 1},
        "order_list": [{"order_sn": "A", "items": [{"sku": "X", "qty": 1}]}],
    },
}


def test_documented_answer_has_no_invented_field() -> None:
    assert invented_fields(ANSWER, TREE) == []


def test_invented_fields_are_named_with_their_path() -> None:
    answer = {
        "error": "",
        "bogus": 1,
        "response": {"order_list": [{"order_sn": "A", "items": [{"sku": "X", "price": 2}]}]},
    }
    assert invented_fields(answer, TREE) == ["bogus", "response.order_list[].items[].price"]


def test_top_level_list_answer_uses_bracket_paths() -> None:
    tree = {"$": ["response"], "response[]": ["escrow_detail"], "response[].escrow_detail": ["order_sn"]}
    answer = {"response": [{"escrow_detail": {"order_sn": "A", "order_income": {}}}]}
    assert invented_fields(answer, tree) == ["response[].escrow_detail.order_income"]


def test_missing_needed_field_and_undocumented_need_are_reported() -> None:
    answer = {"error": "", "response": {"order_list": [{"order_sn": "A"}, {"order_sn": "B", "items": []}]}}
    needed = {"response.order_list[]": ["order_sn", "items", "total"]}
    assert missing_fields(answer, needed, TREE) == [
        "response.order_list[].items",
        "response.order_list[].total",
        "response.order_list[].total (needed but not documented)",
    ]
    assert missing_fields(ANSWER, {"response.order_list[].items[]": ["sku"]}, TREE) == []
    assert missing_fields({"error": ""}, {"response": ["more"]}, TREE) == [
        "response (no object at this path in the answer)"
    ]
