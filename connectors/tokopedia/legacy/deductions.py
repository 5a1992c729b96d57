"""What Tokopedia kept or gave back out of one legacy sale credit, itemised as far as the fs API documents it.

A sale credit (saldo ``Type`` 1001) is the order's product subtotal less everything Tokopedia deducted, in one
amount. Three things are inside it, and they must not be booked alike (issue 23): a refund to the buyer is not
a sale (it reduces the member's volume and the commission base), PPh 22 is the cooperative's prepaid tax
(1-1600), and only the rest is Tokopedia's fees.

1. Refunds: the resolution ticket of the invoice (``GET /resolution/v1/fs/{fs_id}/ticket``, developer.tokopedia.com
   …/order-api/get-resolution-ticket; ``ResolutionTicket`` in thomson470/tokopedia-sdk-java) states the money issued
   to the buyer (``total_issued_funds``) and the products complained about (``complaint_product[{id, qty, price}]``).
   One REFUND component per product, named by its product id (``sku_ref``), when their ``qty × price`` add up to
   the funds issued; otherwise one refund of the funds issued that names no product. Only tickets opened by the
   day of the sale credit count: a later complaint comes back as its own saldo row (``Type`` 1005).
2. PPh 22: PMK 37/2025 (in force 14 July 2025) makes the marketplace collect PPh 22 at 0.5 % of the gross of each
   invoice (PPN excluded) from domestic merchants, unless the merchant has given it the ≤ Rp 500 juta turnover
   statement. The fs API shows no amount, so it is computed at the shop's rate (``pph22_bps``, the connection's
   extra, default the statutory 50; 0 for an exempt shop), half up to the rupiah, and labelled as computed.
3. The remainder: Tokopedia's fees (commission, service and payment fees, seller vouchers), one OTHER component
   labelled as not itemised, because the fs API does not break it down.

If refund and tax are more than was deducted, the documents disagree; the settlement is quarantined rather
than booked with a negative fee.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from connectors.base.amounts import BadField, money, quantity, text
from connectors.base.records import FeeKind, SettlementComponent

WIB = timezone(timedelta(hours=7))
PPH22_STATUTORY_BPS = 50  # PMK 37/2025 art. 8: 0.5 % of gross turnover per invoice
PPH22_IN_FORCE = date(2025, 7, 14)  # PMK 37/2025 took effect on promulgation, 14 July 2025
NOT_ITEMISED = "Tokopedia fees (commission, service, payment, vouchers): not itemised by the fs API"


def deductions(
    gross: Decimal, net: Decimal, released_at: datetime, tickets: Sequence[Any], pph22_bps: int
) -> tuple[SettlementComponent, ...]:
    """The components of ``net − gross``: refunds, PPh 22 and the fees left over, which sum to it exactly."""
    day = released_at.astimezone(WIB).date()
    components = [*refunds(tickets, day), *pph22(gross, pph22_bps, day)]
    fees = net - gross - sum((c.amount for c in components), Decimal(0))
    if fees > 0:
        raise BadField(
            "saldo_entry.amount",
            f"refunds and PPh 22 ({-(net - gross - fees)}) exceed what Tokopedia deducted ({gross - net})",
            "deduction_mismatch",
        )
    if fees:
        components.append(SettlementComponent(FeeKind.OTHER, fees, NOT_ITEMISED))
    return tuple(components)


def refunds(tickets: Sequence[Any], day: date) -> list[SettlementComponent]:
    """REFUND components of the tickets opened on or before ``day`` that issued money to the buyer."""
    found: list[SettlementComponent] = []
    for index, ticket in enumerate(tickets):
        where = f"resolution_tickets[{index}]"
        if not isinstance(ticket, dict):
            raise BadField(where, "is not an object", "malformed_record")
        issued = money(ticket.get("total_issued_funds"), f"{where}.total_issued_funds", allow_negative=False)
        if not issued or _date(ticket.get("open_date"), f"{where}.open_date") > day:
            continue
        label = f"refund to the buyer, resolution ticket {text(ticket.get('id'), f'{where}.id')}"
        items = _items(ticket.get("complaint_product"), where)
        if items and sum(amount for _, amount in items) == issued:
            found.extend(SettlementComponent(FeeKind.REFUND, -amount, label, sku) for sku, amount in items)
        else:
            found.append(SettlementComponent(FeeKind.REFUND, -issued, f"{label} (not attributed to products)"))
    return found


def pph22(gross: Decimal, rate_bps: int, day: date) -> list[SettlementComponent]:
    """PPh 22 collected on the invoice's gross at ``rate_bps``, from the day PMK 37/2025 took effect."""
    if isinstance(rate_bps, bool) or not isinstance(rate_bps, int) or not 0 <= rate_bps <= 10_000:
        raise BadField("pph22_bps", f"rate {rate_bps!r} is not a whole number of basis points", "invalid_policy")
    if not rate_bps or day < PPH22_IN_FORCE:
        return []
    tax = (gross * rate_bps / Decimal(10_000)).quantize(Decimal(1), ROUND_HALF_UP)
    label = f"PPh 22 at {Decimal(rate_bps) / 100}% of gross (PMK 37/2025), computed: the fs API does not show it"
    return [SettlementComponent(FeeKind.TAX_WITHHELD_PPH22, -tax, label)] if tax else []


def _items(products: Any, where: str) -> list[tuple[str, Decimal]]:
    """(product id, qty × price) of each complained product; empty when the ticket names none."""
    if not isinstance(products, list):
        return []
    items = []
    for index, product in enumerate(products):
        at = f"{where}.complaint_product[{index}]"
        if not isinstance(product, dict):
            raise BadField(at, "is not an object", "malformed_record")
        count = quantity(product.get("qty"), f"{at}.qty")
        price = money(product.get("price"), f"{at}.price", allow_negative=False)
        items.append((text(product.get("id"), f"{at}.id"), price * count))
    return items


def _date(value: Any, field: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise BadField(field, f"date {value!r} is not YYYY-MM-DD", "invalid_time") from None
