"""The cooperative's bank statement for a sandbox world, as CSV in two Indonesian banks' export layouts.

Every completed withdrawal of the chosen shops arrives as a bank credit on the withdrawal's business day or
the next one (alternating, so matching needs its date window), with the withdrawal's reference in the
description (``bca``) or in the reference column (``mandiri``). A bank administration fee is debited at each
month end, and a world with injected discrepancies also gets one credit no withdrawal explains.

The layouts are this sandbox's rendering of the bank's dialect; ``foundation.bank_layouts`` holds the
matching presets that parse them (an independent reader, so a test of one against the other means something).

- ``bca``: KlikBCA-style: a preamble, ``Tanggal Transaksi,Keterangan,Cabang,Jumlah,Saldo``, amounts in
  English number format with a ``CR``/``DB`` suffix, and a summary footer.
- ``mandiri``: Livin'/MCM-style: ``;``-separated, Indonesian number format, separate debit and credit columns
  and a reference column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from connectors.base.sandbox.world import World

WIB = ZoneInfo("Asia/Jakarta")
OPENING_BALANCE = 5_000_000
ADMIN_FEE = 10_000
LAYOUTS = ("bca", "mandiri")


@dataclass(frozen=True)
class BankLine:
    booked_on: date
    description: str
    amount: int  # signed: + credit into the account
    reference: str = ""


def statement_lines(
    world: World, shops: Iterable[tuple[str, str]] | None = None, as_of: datetime | None = None
) -> list[BankLine]:
    """Bank lines up to the world clock (a credit dated after it has not arrived yet), oldest first."""
    as_of = as_of or world.as_of
    last_day = as_of.astimezone(WIB).date()
    wanted = set(shops) if shops is not None else {(s.platform, s.shop_ref) for s in world.shops}
    lines: list[BankLine] = []
    for entry in sorted(world.wallet, key=lambda e: (e.occurred_at, e.movement_ref)):
        if entry.kind != "WITHDRAWAL" or (entry.platform, entry.shop_ref) not in wanted:
            continue
        day = entry.occurred_at.astimezone(WIB).date()
        booked = day + timedelta(days=day.day % 2)  # odd days arrive the next day
        if entry.occurred_at > as_of or booked > last_day:
            continue
        lines.append(BankLine(booked, f"{entry.platform.upper()} PAYOUT", -entry.amount, entry.bank_reference or ""))
    for discrepancy in world.discrepancies:
        if discrepancy.kind == "bank_line_unmatched" and discrepancy.occurred_at <= as_of:
            booked = discrepancy.occurred_at.astimezone(WIB).date()
            lines.append(BankLine(booked, "SETORAN PIHAK LAIN", discrepancy.actual, discrepancy.ref))
    first = min((line.booked_on for line in lines), default=last_day)
    month_end = _month_end(first)
    while month_end <= last_day:
        lines.append(BankLine(month_end, "BIAYA ADM", -ADMIN_FEE))
        month_end = _month_end(month_end + timedelta(days=1))
    return sorted(lines, key=lambda line: (line.booked_on, -line.amount, line.reference))


def bank_statement_csv(
    world: World,
    layout: str = "bca",
    *,
    shops: Iterable[tuple[str, str]] | None = None,
    as_of: datetime | None = None,
    account_no: str = "0123456789",
) -> str:
    """The statement as the bank's CSV export in ``layout`` (``bca`` or ``mandiri``)."""
    lines = statement_lines(world, shops, as_of)
    if layout == "bca":
        return _bca(lines, account_no)
    if layout == "mandiri":
        return _mandiri(lines, account_no)
    raise ValueError(f"unknown bank layout {layout!r}; choose one of {', '.join(LAYOUTS)}")


def _bca(lines: list[BankLine], account_no: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    first = lines[0].booked_on if lines else datetime.now(UTC).date()
    last = lines[-1].booked_on if lines else first
    out.write("Informasi Rekening - Mutasi Rekening\n")
    writer.writerow(["No. rekening : ", account_no])
    writer.writerow(["Nama : ", "KOPERASI OMNIKOP SEJAHTERA"])
    writer.writerow(["Periode : ", f"{first:%d/%m/%Y} - {last:%d/%m/%Y}"])
    writer.writerow(["Kode Mata Uang : ", "Rp"])
    out.write("\n")
    writer.writerow(["Tanggal Transaksi", "Keterangan", "Cabang", "Jumlah", "Saldo"])
    balance = OPENING_BALANCE
    for number, line in enumerate(lines, start=1):
        balance += line.amount
        if line.amount > 0:
            text = f"TRSF E-BANKING CR {line.booked_on:%m%d}/FTSCY/WS{number:05d} {line.reference} {line.description}"
        else:
            text = line.description
        side = "CR" if line.amount > 0 else "DB"
        writer.writerow(
            [f"{line.booked_on:%d/%m/%Y}", text.strip(), "0000", f"{_en(abs(line.amount))} {side}", _en(balance)]
        )
    credits = sum(line.amount for line in lines if line.amount > 0)
    debits = -sum(line.amount for line in lines if line.amount < 0)
    writer.writerow(["Saldo Awal", "", "", _en(OPENING_BALANCE)])
    writer.writerow(["Mutasi Kredit", "", "", _en(credits)])
    writer.writerow(["Mutasi Debet", "", "", _en(debits)])
    writer.writerow(["Saldo Akhir", "", "", _en(balance)])
    return out.getvalue()


def _mandiri(lines: list[BankLine], account_no: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["No. Rekening", "Tanggal", "Keterangan", "No. Referensi", "Debit", "Kredit", "Saldo"])
    balance = OPENING_BALANCE
    for line in lines:
        balance += line.amount
        debit, credit = (0, line.amount) if line.amount > 0 else (-line.amount, 0)
        text = f"TRANSFER MASUK {line.description}" if line.amount > 0 else line.description
        writer.writerow(
            [account_no, f"{line.booked_on:%d/%m/%Y}", text, line.reference, _id(debit), _id(credit), _id(balance)]
        )
    return out.getvalue()


def _en(amount: int) -> str:
    """English number format with two decimals, from whole rupiah without floats: ``1,250,000.00``."""
    return f"{amount:,}.00"


def _id(amount: int) -> str:
    """Indonesian number format with two decimals: ``1.250.000,00``."""
    return f"{amount:,}".replace(",", ".") + ",00"


def _month_end(day: date) -> date:
    first_next = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    return first_next - timedelta(days=1)
