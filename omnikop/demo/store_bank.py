"""The store's side of the demo bank statement: what the outlets' takings look like on the cooperative's
account, written in the same KlikBCA layout as the marketplaces' statement and imported as `omnikop import bank`
does, so the reconciliation's store level (POS takings ↔ bank) has something to match.

Per outlet and business day of the world's store sales:
- QRIS: the acquirer settles the day's QRIS takings the next day, less its MDR (``QRIS_MDR_BPS``, 0.7 %, the
  rate the demo configures as ``reconciliation.store_qris_mdr_bps``);
- transfer: buyers pay into the outlet's virtual account, which the bank settles as one credit the same day;
- cash: the cashier deposits the day's cash the next morning. One deposit is short by ``CASH_SHORT`` (the
  first cash day of the first outlet), so the demo report shows a ``store_cash_short`` beside the matched days.
A credit dated after the world clock has not arrived yet.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from connectors.base.sandbox.world import World
from connectors.base.settlement_files.layout import WIB

QRIS_MDR_BPS = 70
CASH_SHORT = 5_000
OPENING_BALANCE = 0


TenderOf = Callable[[str], str]  # receipt number → cash, qris or transfer (the store sandbox's ``tender_of``)


def tender_totals(world: World, outlet: str, tender_of: TenderOf) -> dict[tuple[date, str], int]:
    """Σ of the outlet's receipts per (business day, tender), from the world's orders."""
    totals: dict[tuple[date, str], int] = defaultdict(int)
    for order in world.orders_of("store", outlet):
        day = order.created_at.astimezone(WIB).date()
        totals[(day, tender_of(order.order_ref))] += sum(line.amount for line in order.lines)
    return dict(totals)


def store_bank_lines(world: World, outlets: list[str], tender_of: TenderOf) -> list[tuple[date, str, int]]:
    """(booked on, description, credit) of every outlet's takings that reached the bank by the world clock."""
    last_day = world.as_of.astimezone(WIB).date()
    lines: list[tuple[date, str, int]] = []
    short_given = False
    for outlet in sorted(outlets):
        for (day, tender), amount in sorted(tender_totals(world, outlet, tender_of).items()):
            if tender == "qris":
                fee = (amount * QRIS_MDR_BPS + 5_000) // 10_000  # the acquirer rounds half up
                booked, text, credit = day + timedelta(days=1), f"KR OTOMATIS QRIS MERCHANT {outlet}", amount - fee
            elif tender == "transfer":
                booked, text, credit = day, f"KR OTOMATIS VA SETTLEMENT {outlet}", amount
            else:
                credit = amount - (0 if short_given else CASH_SHORT)
                short_given = True
                booked, text = day + timedelta(days=1), f"SETORAN TUNAI {outlet} KASIR"
            if booked <= last_day:
                lines.append((booked, f"{text} {day:%d%m%y}", credit))
    return sorted(lines)


def bca_statement(lines: list[tuple[date, str, int]], account_no: str = "0123456789") -> str:
    """The lines (at least one) as a KlikBCA mutasi export (the ``bca`` preset reads it)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    first, last = lines[0][0], lines[-1][0]
    out.write("Informasi Rekening - Mutasi Rekening\n")
    writer.writerow(["No. rekening : ", account_no])
    writer.writerow(["Periode : ", f"{first:%d/%m/%Y} - {last:%d/%m/%Y}"])
    out.write("\n")
    writer.writerow(["Tanggal Transaksi", "Keterangan", "Cabang", "Jumlah", "Saldo"])
    balance = OPENING_BALANCE
    for booked, text, credit in lines:
        balance += credit
        writer.writerow([f"{booked:%d/%m/%Y}", text, "0000", f"{credit:,.2f} CR", f"{balance:,.2f}"])
    writer.writerow(["Saldo Awal", "", "", f"{OPENING_BALANCE:,.2f}"])
    writer.writerow(["Saldo Akhir", "", "", f"{balance:,.2f}"])
    return out.getvalue()


def import_store_statement(
    session: Session, account: str, path: Path, world: World, outlets: list[str], tender_of: TenderOf
) -> None:
    """Write the outlets' statement to ``path`` and import it into ``account`` (idempotent, like the CLI)."""
    from foundation.bank_layouts import PRESETS
    from reconciliation.bank_csv import parse_statement
    from reconciliation.bank_store import store_statement

    lines = store_bank_lines(world, outlets, tender_of)
    if not lines:
        return
    path.write_text(bca_statement(lines), encoding="utf-8")
    data = path.read_bytes()
    store_statement(session, account, path.name, data, parse_statement(data, PRESETS["bca"], str(path)), "bca")
