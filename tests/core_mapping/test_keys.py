"""Source references and idempotency keys keep the exact bytes already stored in ledgers (design §4)."""

from __future__ import annotations

from core_mapping.keys import DocumentKeys, shop_dimension


def test_keys_and_source_refs_have_the_shapes_existing_ledgers_hold():
    order = DocumentKeys("shopee", "100001", "order", "2601015ABC")
    assert order.source_ref() == "shopee:100001:order:2601015ABC"
    assert order.source_ref("cogs") == "shopee:100001:order:2601015ABC#cogs"
    assert order.idempotency_key("1767225600", "cogs") == "shopee:100001:order:2601015ABC:1767225600:cogs"
    assert order.idempotency_key("1767225600", "P-1") == "shopee:100001:order:2601015ABC:1767225600:P-1"
    settlement = DocumentKeys("grab", "GF-1", "settlement", "S-9")
    assert settlement.idempotency_key("r2", "commission") == "grab:GF-1:settlement:S-9:r2:commission"
    assert (
        DocumentKeys("gojek", "O-1", "wallet", "W-1").idempotency_key("withdrawal") == "gojek:O-1:wallet:W-1:withdrawal"
    )
    assert DocumentKeys("gojek", "O-1", "wallet", "W-1").source_ref("bank") == "gojek:O-1:wallet:W-1#bank"
    assert shop_dimension("tokopedia", "7") == "tokopedia:7"
