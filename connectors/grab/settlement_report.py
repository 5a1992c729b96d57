"""The Grab settlement report layout omnikop reads (README.md § Settlement reports has the table).

Amounts are in the currency's major unit (IDR: whole rupiah; ``25500`` or ``25500.00``), not the API's minor
units, signed as they affect the payout. ``ORDER`` rows are the order's settlement and share its
``settlement_ref`` (the order id) with the provisional settlement read from ``merchantEarning``; the report is
revision 2, so it supersedes revision 1 from the API.
"""

from __future__ import annotations

from connectors.base.records import FeeKind
from connectors.base.settlement_files.layout import ReportLayout

LAYOUT = ReportLayout(
    platform="grab",
    shop_column="merchant_id",
    transaction_column="transaction_id",
    order_column="order_id",
    type_column="transaction_type",
    time_column="settled_at",
    gross_column="gross_sales",
    net_column="net_earning",
    components=(
        ("commission", FeeKind.COMMISSION),
        ("merchant_funded_promo", FeeKind.VOUCHER_SELLER),
        ("refund", FeeKind.REFUND),
        ("adjustment", FeeKind.ADJUSTMENT),
        ("other_deductions", FeeKind.OTHER),
    ),
    order_types=frozenset({"ORDER"}),
    other_types=frozenset({"REFUND", "ADJUSTMENT"}),
    currency_column="currency",
    revision="2",
)
