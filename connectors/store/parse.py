"""A landed POS export → canonical orders and settlements of platform ``store``. Never raises on bad data.

A receipt is an order that completed at the till (the goods left the outlet) and, at the same moment, its own
settlement: the buyer paid the outlet in full, there are no platform fees, so gross = net = Σ (quantity × unit
price − discount) and ``tender`` says where the money is (cash in the till, or QRIS/transfer on its way to the
bank). A receipt is final (revision ``1``): a POS corrects a sale with a void receipt under a new number, so
the same receipt number with other content is an idempotency conflict, quarantined rather than overwritten.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC
from decimal import Decimal

from connectors.base.protocol import LandedPage
from connectors.base.records import Order, OrderLine, OrderStatus, Parsed, RawRef, Rejected, Settlement
from connectors.base.settlement_files.table import UnreadableFile, read_table
from connectors.store.pos_file import PosFileInvalid, PosLine, lines_of_outlet

PLATFORM = "store"
POS_KINDS = frozenset({"pos_sales_csv", "pos_sales_xlsx"})
REVISION = "1"


def parse_page(page: LandedPage) -> Iterator[Parsed]:
    if page.kind not in POS_KINDS:
        yield _rejected(page, f"unknown landed kind {page.kind!r}")
        return
    try:
        lines = lines_of_outlet(read_table(page.body, page.kind), page.shop_ref)
    except (UnreadableFile, PosFileInvalid) as error:  # checked before landing; only a hand-edited page gets here
        yield _rejected(page, f"POS export unreadable: {error}")
        return
    receipts: dict[str, list[PosLine]] = defaultdict(list)
    for line in lines:
        receipts[line.receipt_no].append(line)
    for receipt, group in receipts.items():
        yield from _receipt(page, receipt, group)


def _receipt(page: LandedPage, receipt: str, group: list[PosLine]) -> Iterator[Parsed]:
    sold_at = min(line.sold_at for line in group).astimezone(UTC)
    raw = RawRef(page.id, f"receipt:{receipt}:rows:{','.join(str(line.row) for line in group)}")
    order_lines = tuple(
        OrderLine(line.sku_ref, line.seller_sku, line.name, line.quantity, line.unit_price, line.discount)
        for line in group
    )
    yield Order(
        platform=PLATFORM,
        shop_ref=page.shop_ref,
        order_ref=receipt,
        status=OrderStatus.COMPLETED,
        created_at=sold_at,
        updated_at=sold_at,
        currency="IDR",
        lines=order_lines,
        revision=REVISION,
        raw=raw,
        platform_status="PAID_AT_TILL",
        shipped_at=sold_at,
    )
    per_sku: dict[str, Decimal] = defaultdict(Decimal)
    for line in group:
        per_sku[line.sku_ref] += line.amount
    gross = sum(per_sku.values(), Decimal(0))
    yield Settlement(
        platform=PLATFORM,
        shop_ref=page.shop_ref,
        settlement_ref=receipt,
        order_ref=receipt,
        released_at=sold_at,
        currency="IDR",
        gross=gross,
        components=(),
        net=gross,
        revision=REVISION,
        raw=raw,
        line_gross=tuple(per_sku.items()),
        tender=group[0].tender,
    )


def _rejected(page: LandedPage, message: str) -> Rejected:
    return Rejected(PLATFORM, page.shop_ref, page.stream, f"page:{page.id}", "malformed_page", message, RawRef(page.id))
