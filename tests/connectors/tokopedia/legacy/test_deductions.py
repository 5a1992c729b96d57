"""Legacy Tokopedia's one saldo credit, itemised as far as the fs API documents it (issue 23, case 3).

The saldo row gives only the net; the order gives the gross. Between them Tokopedia took fees, PPh 22 and any
refund to the buyer. A refund is documented by the resolution ticket (``complaint_product``, ``total_issued_funds``);
PPh 22 is 0.5 % of the invoice's gross by PMK 37/2025; what is left are Tokopedia's fees, not itemised.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from connectors.base.protocol import LandedPage
from connectors.base.records import FeeKind, Parsed, Rejected, Settlement
from connectors.base.testing.conformance import KitEnv
from connectors.tokopedia.connector import parse_page
from core_mapping.policy import COMMISSION_INCOME, CONSIGNMENT_PAYABLE, PREPAID_PPH22, MemberPolicy
from core_mapping.rules import TAG_COMMISSION, TAG_REFUND, TAG_VOLUME, SplitKeys, settlement_targets
from tests.connectors.tokopedia.conftest import shop_of

SHOP = "7494000101"
INVOICE = "INV/20260101/MPL/1100000001"
# One order, worked by hand: 2 × Kopi at 47 000 and 1 × Madu at 56 000 → gross 150 000. Tokopedia's fees (4.5 %
# + 1.5 % + 1 %) are 10 500, PPh 22 is 0.5 % × 150 000 = 750, and one Kopi came back: 47 000 refunded to the buyer.
# Saldo credit: 150 000 − 10 500 − 750 − 47 000 = 91 750.
SINGLE = {
    "order_id": 1100000001,
    "invoice_number": INVOICE,
    "order_status": 700,
    "order_info": {
        "order_detail": [
            {"product_id": 5100005, "product_name": "Kopi", "product_price": 47000, "subtotal_price": 94000,
             "quantity": 2, "sku": "M0002-005"},
            {"product_id": 5100009, "product_name": "Madu", "product_price": 56000, "subtotal_price": 56000,
             "quantity": 1, "sku": "M0002-009"},
        ]
    },
}  # fmt: skip
SALE = {"deposit_id": 9200000007, "Type": 1001, "class": "Transaction", "amount": 91750,
        "note": f"Transaksi Penjualan Berhasil - {INVOICE}", "create_time": "2026-01-06 07:10:00", "saldo": 91750}  # fmt: skip
TICKET = {"id": 11000000017, "problem_type": "Product broken/not same as description", "status": "Finished",
          "open_date": "2026-01-05", "sla_date": "2026-01-05", "close_date": "2026-01-05", "invoice_number": INVOICE,
          "solution": "Refund", "fault": "Seller", "shipping_amt": 0, "total_issued_funds": 47000,
          "complaint_product": [{"id": 5100005, "Name": "Kopi", "qty": 1, "price": 47000, "final_price": 0}]}  # fmt: skip


def parse_sale(context: dict[str, Any], sale: dict[str, Any] = SALE) -> list[Parsed]:
    """The settlement page as the pull lands it: the single order, with its saldo row and tickets as context."""
    body = {"header": {"process_time": 0.01, "messages": "ok"}, "data": SINGLE}
    request = {"method": "GET", "path": "/x", "params": {}, "context": {"saldo_entry": sale, **context}}
    page = LandedPage(7, "tokopedia", SHOP, "settlements", "fs_saldo_order", request, json.dumps(body).encode(),
                      datetime(2026, 2, 1, tzinfo=UTC))  # fmt: skip
    return list(parse_page(page))


def test_the_refund_pph22_and_fees_of_one_sale_credit_are_itemised_and_booked_as_worked_by_hand():
    [doc] = parse_sale({"resolution_tickets": [TICKET], "pph22_bps": 50})
    assert isinstance(doc, Settlement) and (doc.gross, doc.net) == (150000, 91750)
    assert sorted((c.kind, c.amount, c.sku_ref) for c in doc.components) == [
        (FeeKind.OTHER, Decimal(-10500), None),  # Tokopedia's fees: the fs API does not itemise them
        (FeeKind.REFUND, Decimal(-47000), "5100005"),  # the returned Kopi, named by the ticket
        (FeeKind.TAX_WITHHELD_PPH22, Decimal(-750), None),
    ]
    # One member owns both products: consignment, 5 % commission, fees charged to the member, PPh 22 prepaid.
    policy = MemberPolicy("consignment", 500, "charge_member", "prepaid_tax")
    targets = settlement_targets(doc, SplitKeys({"M1": 150000}), {"M1": policy}, "1-1320")
    shop = f"tokopedia:{SHOP}"
    volume = (
        -targets.sale[(CONSIGNMENT_PAYABLE, "M1", shop, TAG_VOLUME)]
        - targets.sale[(CONSIGNMENT_PAYABLE, "M1", shop, TAG_REFUND)]
    )
    assert volume == 150000 - 47000  # SHU volume: the returned Kopi is not a sale
    assert -targets.commission[(COMMISSION_INCOME, "M1", shop, TAG_COMMISSION)] == 5150  # 5 % of 103 000
    assert targets.sale[(PREPAID_PPH22, None, shop, None)] == 750  # 1-1600, not the member
    payable = -sum(amount for (account, member, *_), amount in targets.sale.items() if account == CONSIGNMENT_PAYABLE)
    payable -= targets.commission[(CONSIGNMENT_PAYABLE, "M1", shop, TAG_COMMISSION)]
    assert payable == 150000 - 47000 - 10500 - 5150  # 87 350 owed to the member


def test_pph22_follows_the_shops_rate_and_without_a_ticket_nothing_is_called_a_refund():
    sale = {**SALE, "amount": 139500}  # no refund: 150 000 − 10 500
    [doc] = parse_sale({"resolution_tickets": [], "pph22_bps": 0}, sale)  # exempt: ≤ Rp 500 juta statement
    assert isinstance(doc, Settlement) and [(c.kind, c.amount) for c in doc.components] == [
        (FeeKind.OTHER, Decimal(-10500))
    ]


def test_a_refund_larger_than_the_deduction_is_quarantined_not_booked_as_a_negative_fee():
    ticket = {**TICKET, "total_issued_funds": 100000, "complaint_product": [{**TICKET["complaint_product"][0], "qty": 1,
                                                                              "price": 100000}]}  # fmt: skip
    [rejected] = parse_sale({"resolution_tickets": [ticket], "pph22_bps": 50})
    assert isinstance(rejected, Rejected) and rejected.reason == "deduction_mismatch"


def test_over_http_each_sale_credit_carries_the_worlds_refund_pph22_and_fees(env: KitEnv):
    """Pulled from the sandbox on loopback: every legacy sale credit splits exactly as the world took the money."""
    shop = shop_of(env.world, "legacy")
    records, rejected, _ = env.pull(env.connector(shop), "settlements", env.window())
    assert not rejected
    sales = {r.order_ref: r for r in records if isinstance(r, Settlement) and r.gross}
    truth, returned_skus = {}, {}
    for order, _ in env.world.iter_settled("tokopedia", shop):
        first = order.settlements[0]
        pph22 = first.fees.get("TAX_WITHHELD_PPH22", 0)
        truth[order.order_ref] = (first.refunds, pph22, sum(first.fees.values()) - pph22)
        returned_skus[order.order_ref] = sorted(order.returned)
    parsed = {
        ref: (int(s.component_total(FeeKind.REFUND)), int(s.component_total(FeeKind.TAX_WITHHELD_PPH22)),
              int(s.component_total(FeeKind.OTHER)))
        for ref, s in sales.items()
    }  # fmt: skip
    assert parsed == truth
    assert any(refund for refund, _, _ in truth.values()), "the world should return goods in this shop"
    for ref, doc in sales.items():
        assert sorted(c.sku_ref for c in doc.components if c.kind is FeeKind.REFUND) == returned_skus[ref], ref
