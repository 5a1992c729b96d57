"""What each report table shows and how: columns, headings and kinds (text, idr, int, date).

One spec serves all three renderers: the HTML page formats ``idr`` as ``Rp 1.234.567`` and sorts on the raw
number, the workbook writes raw integers with a thousands format, the CSVs write raw integers.
"""

from __future__ import annotations

from reconciliation.report.stock_levels import COLUMNS as STOCK_LEVEL_COLUMNS

Column = tuple[str, str, str]  # (column, heading, kind: text | idr | int | date)

SPECS: dict[str, tuple[str, list[Column]]] = {
    "coverage": (
        "Checks per shop and level (what could be checked, on what basis, or why not)",
        [
            ("platform", "Platform", "text"),
            ("shop_ref", "Shop", "text"),
            ("level", "Level", "text"),
            ("checked", "Checked", "text"),
            ("basis", "Basis", "text"),
            ("items", "Items", "int"),
            ("not_matched", "Not matched", "int"),
            ("expected", "Expected", "idr"),
            ("actual", "Actual", "idr"),
            ("difference", "Difference", "idr"),
            ("note", "Note", "text"),
        ],
    ),
    "orders": (
        "Level 1 · Order ↔ settlement",
        [
            ("platform", "Platform", "text"),
            ("shop_ref", "Shop", "text"),
            ("order_ref", "Order", "text"),
            ("status", "Status", "text"),
            ("order_on", "Order date", "date"),
            ("order_gross", "Order gross", "idr"),
            ("settlement_ref", "Settlement", "text"),
            ("released_on", "Released", "date"),
            ("settled_net", "Settled net", "idr"),
            ("expected_net", "Expected net", "idr"),
            ("difference", "Difference", "idr"),
            ("age_days", "Age (days)", "int"),
            ("aging", "Aging", "text"),
            ("result", "Result", "text"),
        ],
    ),
    "wallet": (
        "Level 2 · Settlement ↔ wallet",
        [
            ("platform", "Platform", "text"),
            ("shop_ref", "Shop", "text"),
            ("basis", "Per", "text"),
            ("ref", "Order / payout / movement", "text"),
            ("released_on", "Released", "date"),
            ("settled_net", "Settled net", "idr"),
            ("credited", "Credited to wallet", "idr"),
            ("credits", "Wallet credits", "int"),
            ("movement_refs", "Wallet movements", "text"),
            ("difference", "Difference", "idr"),
            ("result", "Result", "text"),
        ],
    ),
    "balances": (
        "Level 2 · Ledger receivable ↔ reported wallet balance",
        [
            ("platform", "Platform", "text"),
            ("shop_ref", "Shop", "text"),
            ("balance_on", "At end of", "date"),
            ("ledger_receivable", "Ledger receivable", "idr"),
            ("wallet_balance", "Wallet balance", "idr"),
            ("explained", "Explained by items", "idr"),
            ("residual", "Unexplained", "idr"),
            ("result", "Result", "text"),
        ],
    ),
    "withdrawals": (
        "Level 3 · Withdrawal ↔ bank",
        [
            ("platform", "Platform", "text"),
            ("shop_ref", "Shop", "text"),
            ("movement_ref", "Withdrawal", "text"),
            ("occurred_on", "Withdrawn", "date"),
            ("amount", "Amount", "idr"),
            ("bank_reference", "Reference", "text"),
            ("bank_account", "Bank account", "text"),
            ("booked_on", "Bank date", "date"),
            ("method", "Matched by", "text"),
            ("result", "Result", "text"),
        ],
    ),
    "bank_lines": (
        "Level 3 · Bank statement lines",
        [
            ("account", "Bank account", "text"),
            ("booked_on", "Date", "date"),
            ("amount", "Amount", "idr"),
            ("reference", "Reference", "text"),
            ("description", "Description", "text"),
            ("matched_to", "Matched to", "text"),
            ("result", "Result", "text"),
        ],
    ),
    "store": (
        "Toko / Store: cash & QRIS · POS takings ↔ bank",
        [
            ("outlet", "Outlet", "text"),
            ("business_day", "Business day", "date"),
            ("tender", "Tender", "text"),
            ("receipts", "Receipts", "int"),
            ("takings", "POS takings", "idr"),
            ("fee", "MDR (configured)", "idr"),
            ("expected", "Expected in bank", "idr"),
            ("bank_account", "Bank account", "text"),
            ("booked_on", "Bank date", "date"),
            ("bank_amount", "Bank credit", "idr"),
            ("difference", "Difference", "idr"),
            ("result", "Result", "text"),
        ],
    ),
    "stock": (
        "Stock · Platform ↔ unit ledger",
        [
            ("platform", "Platform", "text"),
            ("shop_ref", "Shop", "text"),
            ("sku_ref", "SKU", "text"),
            ("product_ref", "Product", "text"),
            ("observed_on", "Observed", "date"),
            ("platform_available", "Platform available", "int"),
            ("ledger_quantity", "Unit ledger", "int"),
            ("difference", "Difference", "int"),
            ("result", "Result", "text"),
        ],
    ),
    "stock_levels": ("Stock · Per product across channels (on hand, reserved, available, pushed)", STOCK_LEVEL_COLUMNS),
    "variances": (
        "Variances",
        [
            ("id", "Id", "text"),
            ("level", "Level", "text"),
            ("category", "Category", "text"),
            ("what", "What", "text"),
            ("where", "Platform / shop / bank", "text"),
            ("subject", "Subject", "text"),
            ("occurred_on", "Since", "date"),
            ("unit", "Unit", "text"),
            ("expected", "Expected", "idr"),
            ("actual", "Actual", "idr"),
            ("difference", "Difference", "idr"),
            ("age_days", "Age (days)", "int"),
            ("aging", "Aging", "text"),
            ("status", "Status", "text"),
            ("resolution", "Resolution", "text"),
            ("documents", "Documents (raw page)", "text"),
        ],
    ),
    "audit": (
        "Audit trail",
        [
            ("variance_id", "Variance", "text"),
            ("at", "When (UTC)", "text"),
            ("actor", "Who", "text"),
            ("action", "Action", "text"),
            ("note", "Why", "text"),
            ("outcome", "Outcome", "text"),
            ("message", "What happened", "text"),
        ],
    ),
    "ledger": (
        "Ledger clearing balances at period end",
        [
            ("account", "Account", "text"),
            ("name", "Name", "text"),
            ("shop", "Shop", "text"),
            ("balance", "Balance (debit +)", "idr"),
        ],
    ),
}
SHEETS = {  # workbook sheet → tables on it, for Excel users: one sheet per level
    "Checks per shop": ("coverage",),
    "1 Orders-Settlements": ("orders",),
    "2 Settlements-Wallet": ("wallet", "balances"),
    "3 Wallet-Bank": ("withdrawals", "bank_lines"),
    "Toko Cash-QRIS": ("store",),
    "Stock": ("stock_levels", "stock"),
    "Variances": ("variances", "audit"),
    "Ledger": ("ledger",),
}
