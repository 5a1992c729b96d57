"""The bank import confirms WhatsApp payments whose transfer note names the order, on both databases, by hand.

Two unpaid orders of 14 October 2026: wamid.KERIPIK 15 000 and wamid.SAMBAL 20 000. The bank: 15 Oct a transfer
of 15 000 noting "keripik" (the order code, lower case) and 16 Oct a QRIS credit of 19 000 noting SAMBAL (the
wrong amount: it confirms nothing, finance sees it at level 3). So KERIPIK is confirmed by the bank import as a
transfer, posted (15 000 into 1-1306 for the shop) and matched by the payments level (1-1306 back to 0).
"""

from __future__ import annotations

import io

from sqlalchemy import Engine

from core_mapping.csv_io import import_mappings
from foundation.bank_layouts import PRESETS
from foundation.db import transaction
from members.csv_io import import_members
from omnikop.payments_from_bank import confirm_from_bank
from reconciliation.bank_csv import parse_statement
from tests.connectors.whatsapp.test_orders_and_payments import MAPPINGS, MEMBERS, process
from tests.connectors.whatsapp.webhook_kit import SHOP, item, order_message, post, receiver, webhook
from tests.reconciliation.test_payments_level import balance, import_bank, reconcile

BANK = (
    "Informasi Rekening - Mutasi Rekening\n"
    "No. rekening : ,0123456789\n"
    "Periode : ,14/10/2026 - 20/10/2026\n"
    "\n"
    "Tanggal Transaksi,Keterangan,Cabang,Jumlah,Saldo\n"
    '15/10/2026,TRSF E-BANKING CR keripik RINA,0000,"15,000.00 CR","5,015,000.00"\n'
    '16/10/2026,KR OTOMATIS QRIS SAMBAL,0000,"19,000.00 CR","5,034,000.00"\n'
    'Saldo Awal,,,"5,000,000.00"\nSaldo Akhir,,,"5,034,000.00"\n'
)


def two_unpaid_orders(engine: Engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        import_members(session, io.StringIO(MEMBERS))
        import_mappings(session, io.StringIO(MAPPINGS))
    with receiver(engine, monkeypatch) as url:
        assert post(url, webhook(order_message("wamid.KERIPIK", [item("KRP-01", 1, 15000)]))) == 200
        assert post(url, webhook(order_message("wamid.SAMBAL", [item("SBL-01", 1, 20000)]))) == 200
    process(engine)


def test_a_credit_naming_an_unpaid_order_for_its_gross_confirms_it_once(engine, monkeypatch):
    two_unpaid_orders(engine, monkeypatch)
    lines = parse_statement(BANK.encode(), PRESETS["bca"], "mutasi.csv").lines
    confirmed = confirm_from_bank(engine, lines, [("whatsapp", SHOP), ("shopee", "other")])
    assert [(c.order_ref, c.amount, c.new) for c in confirmed] == [("wamid.KERIPIK", 15_000, True)]
    assert confirm_from_bank(engine, lines, [("whatsapp", SHOP)]) == [], "a paid order is not confirmed again"
    process(engine)
    assert balance(engine, "1-1306") == 15_000
    import_bank(engine, BANK)
    result = reconcile(engine)
    items = {row["order_ref"]: row["result"] for row in result.tables["payments"].to_dict("records")}
    assert items == {"wamid.KERIPIK": "matched"}
    assert balance(engine, "1-1306") == 0 and balance(engine, "1-1200") == 15_000
