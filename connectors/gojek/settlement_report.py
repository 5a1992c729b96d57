"""The GoBiz settlement report layout omnikop reads (README.md § Settlement reports has the table).

One row per settlement transaction of one outlet; amounts are integer rupiah, signed as they affect the
payout (negative = deducted). ``ORDER`` rows settle an order (settlement_ref = the order number); ``REFUND``
and ``ADJUSTMENT`` rows are separate documents summed with it.
"""

from __future__ import annotations

from connectors.base.records import FeeKind
from connectors.base.settlement_files.layout import ReportLayout

LAYOUT = ReportLayout(
    platform="gojek",
    shop_column="outlet_id",
    transaction_column="transaction_id",
    order_column="order_number",
    type_column="transaction_type",
    time_column="settled_at",
    gross_column="gross_sales",
    net_column="net_amount",
    components=(
        ("commission", FeeKind.COMMISSION),
        ("merchant_promo", FeeKind.VOUCHER_SELLER),
        ("payment_fee", FeeKind.PAYMENT_FEE),
        ("refund", FeeKind.REFUND),
        ("adjustment", FeeKind.ADJUSTMENT),
        ("other_deductions", FeeKind.OTHER),
    ),
    order_types=frozenset({"ORDER"}),
    other_types=frozenset({"REFUND", "ADJUSTMENT"}),
    currency_column="currency",
)
