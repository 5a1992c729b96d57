"""The payments level (a buyer's transfer or QRIS payment straight to the cooperative ↔ the bank) through the
real WhatsApp receiver, confirmation, pipeline, bank import, matching and ledger, on both databases, worked by
hand.

Three WhatsApp orders of 14 October 2026, confirmed the same day:
  wamid.MIXED   2 × 15 000 keripik + 1 × 20 000 sambal = 50 000  transfer, reference TRF-889
  wamid.SAMBAL  1 × 20 000 sambal                      = 20 000  QRIS, reference QR7731
  wamid.KERIPIK 1 × 15 000 keripik                     = 15 000  transfer, no reference given
1-1306 (WhatsApp clearing) holds 85 000. The bank (BCA): 15 Oct a transfer naming trf-889 (lower case) of 50 000,
16 Oct a QRIS credit naming QR7731 of only 19 000; the statement runs to 20 October, past the 3-day window of the
third payment, which no credit can name.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from sqlalchemy import Engine, func, select

from connectors.whatsapp.confirm import confirm_payment
from core_mapping.csv_io import import_mappings
from foundation.bank_layouts import PRESETS
from foundation.config import OmnikopConfig, parse_config
from foundation.db import transaction
from ledger.check import check_ledger
from ledger.models import JournalLine
from members.csv_io import import_members
from reconciliation.actions import resolve_variance
from reconciliation.bank_csv import parse_statement
from reconciliation.bank_store import store_statement
from reconciliation.match_payments import names_reference
from reconciliation.models import BankMatch, Variance
from reconciliation.run import run_reconciliation
from tests.connectors.whatsapp.test_orders_and_payments import MAPPINGS, MEMBERS, process
from tests.connectors.whatsapp.webhook_kit import SHOP, item, order_message, post, receiver, webhook

DIMENSION = f"whatsapp:{SHOP}"
PAID_AT = datetime(2026, 10, 14, 9, 30, tzinfo=UTC)
AS_OF = date(2026, 10, 20)
BANK = (
    "Informasi Rekening - Mutasi Rekening\n"
    "No. rekening : ,0123456789\n"
    "Periode : ,14/10/2026 - 20/10/2026\n"
    "\n"
    "Tanggal Transaksi,Keterangan,Cabang,Jumlah,Saldo\n"
    '15/10/2026,TRSF E-BANKING CR 1510/FTSCY/WS95051 trf-889 RINA,0000,"50,000.00 CR","5,050,000.00"\n'
    '16/10/2026,KR OTOMATIS QRIS QR7731,0000,"19,000.00 CR","5,069,000.00"\n'
    '20/10/2026,BIAYA ADM,0000,"10,000.00 DB","5,059,000.00"\n'
    'Saldo Awal,,,"5,000,000.00"\nSaldo Akhir,,,"5,059,000.00"\n'
)


def configured() -> OmnikopConfig:
    return parse_config({"reconciliation": {"bank_accounts": {"ops": {"preset": "bca"}}}})


def three_payments_posted(engine: Engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        import_members(session, io.StringIO(MEMBERS))
        import_mappings(session, io.StringIO(MAPPINGS))
    orders = [
        order_message("wamid.MIXED", [item("KRP-01", 2, 15000), item("SBL-01", 1, 20000)]),
        order_message("wamid.SAMBAL", [item("SBL-01", 1, 20000)]),
        order_message("wamid.KERIPIK", [item("KRP-01", 1, 15000)]),
    ]
    with receiver(engine, monkeypatch) as url:
        assert all(post(url, webhook(order)) == 200 for order in orders)
    confirm_payment(engine, SHOP, "wamid.MIXED", "transfer", reference="TRF-889", at=PAID_AT)
    confirm_payment(engine, SHOP, "wamid.SAMBAL", "qris", reference="QR7731", at=PAID_AT)
    confirm_payment(engine, SHOP, "wamid.KERIPIK", "transfer", at=PAID_AT)
    process(engine)


def import_bank(engine: Engine, text: str = BANK) -> None:
    data = text.encode()
    with transaction(engine) as session:
        store_statement(session, "ops", "mutasi.csv", data, parse_statement(data, PRESETS["bca"], "mutasi.csv"), "bca")


def reconcile(engine: Engine):  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        return run_reconciliation(session, configured(), AS_OF)


def balance(engine: Engine, account: str) -> int:
    with transaction(engine) as session:
        rows = session.execute(
            select(JournalLine.side, func.sum(JournalLine.amount))
            .where(JournalLine.account_code == account, JournalLine.shop_ref == DIMENSION)
            .group_by(JournalLine.side)
        ).all()
    sums = dict(rows)
    return int(sums.get("D", 0)) - int(sums.get("C", 0))


def open_variances(engine: Engine) -> dict[str, tuple[int, int, int]]:
    with transaction(engine) as session:
        rows = session.scalars(select(Variance).where(Variance.status == "open", Variance.platform == "whatsapp"))
        return {v.subject.split(" ")[2]: (v.expected, v.actual, v.difference) for v in rows if v.unit == "IDR"}


def test_confirmed_payments_meet_their_bank_credits_by_reference(engine, monkeypatch):
    three_payments_posted(engine, monkeypatch)
    assert balance(engine, "1-1306") == 85_000
    import_bank(engine)
    result = reconcile(engine)
    items = {row["order_ref"]: row["result"] for row in result.tables["payments"].to_dict("records")}
    assert items == {
        "wamid.MIXED": "matched",
        "wamid.SAMBAL": "payment_amount_mismatch",
        "wamid.KERIPIK": "payment_unsettled",
    }
    # Posted by what the bank shows: 50 000 + 19 000 leave the clearing; 1 000 short and 15 000 never credited stay.
    assert balance(engine, "1-1306") == 85_000 - 50_000 - 19_000 == 16_000
    assert balance(engine, "1-1200") == 69_000
    assert open_variances(engine) == {
        "wamid.SAMBAL": (20_000, 19_000, -1_000),
        "wamid.KERIPIK": (15_000, 0, -15_000),
    }
    with transaction(engine) as session:
        methods = sorted(session.scalars(select(BankMatch.method).where(BankMatch.platform == "whatsapp")))
        assert methods == ["payment_reference", "payment_reference"]
        assert check_ledger(session).ok
    # Level 3 lists both credits as explained by the payments they matched, not as unexplained bank credits.
    credits = result.tables["bank_lines"].query("amount > 0")
    assert sorted(credits["amount"]) == [19_000, 50_000]
    assert "bank_line_unmatched" not in set(credits["result"]), credits[["description", "result"]]


def test_a_short_payment_written_off_clears_its_part_of_the_whatsapp_clearing(engine, monkeypatch):
    three_payments_posted(engine, monkeypatch)
    import_bank(engine)
    reconcile(engine)
    with transaction(engine) as session:
        short = session.scalars(select(Variance.id).where(Variance.category == "payment_amount_mismatch")).one()
        outcome = resolve_variance(
            session, configured(), short, "write-off", "buyer paid 1 000 less", "siti", today=AS_OF
        )
    assert outcome.outcome == "posted"
    assert balance(engine, "1-1306") == 16_000 - 1_000, "15 000 never credited is all that is left"


def test_a_second_run_and_a_reimported_statement_post_nothing(engine, monkeypatch):
    three_payments_posted(engine, monkeypatch)
    import_bank(engine)
    reconcile(engine)
    before = (balance(engine, "1-1306"), balance(engine, "1-1200"), open_variances(engine))
    import_bank(engine)
    again = reconcile(engine)
    assert again.matches_posted == 0
    assert (balance(engine, "1-1306"), balance(engine, "1-1200"), open_variances(engine)) == before


def test_a_reference_is_found_only_as_a_whole_word():
    assert names_reference("TRSF CR trf-889 RINA", "TRF-889")
    assert not names_reference("TRSF CR TRF-8890 RINA", "TRF-889")
    assert not names_reference("TRSF CR XTRF-889", "TRF-889")
