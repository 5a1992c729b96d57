"""Bank statement CSV layouts: which column holds what, and how dates and numbers are written.

A bank account in ``omnikop.yaml`` names a ``preset`` or its own ``columns`` (or a preset plus overrides).
Presets describe the CSV exports of two common Indonesian internet-banking products as omnikop reads them;
real exports differ between product versions, so every setting of a preset can be overridden per account.

- ``bca``: KlikBCA-style mutasi rekening: a few preamble rows, then ``Tanggal Transaksi,Keterangan,Cabang,
  Jumlah,Saldo``; ``Jumlah`` is ``1,250,000.00 CR`` (credit) or ``… DB`` (debit), English number format;
  no reference column (the bank's own transaction code, e.g. ``0108/FTSCY/WS00002``, is taken from
  ``Keterangan``); summary rows ``Saldo Awal``, ``Mutasi Kredit``, ``Mutasi Debet``, ``Saldo Akhir`` at the end.
- ``mandiri``: Livin'/MCM-style: ``;``-separated ``No. Rekening;Tanggal;Keterangan;No. Referensi;Debit;
  Kredit;Saldo``, Indonesian number format (``1.250.000,00``).

This module is plain data and pydantic (no pandas): ``foundation.config`` imports it while DAG files parse.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BankColumns(_Strict):
    """Header names of the columns; the amount is either one column or a debit and a credit column."""

    date: str = Field(min_length=1)
    description: str = Field(min_length=1)
    reference: str | None = None
    amount: str | None = Field(None, description="one column: signed, or with a credit/debit suffix")
    debit: str | None = None
    credit: str | None = None

    @model_validator(mode="after")
    def _one_way_to_read_the_amount(self) -> BankColumns:
        if self.amount is None and not (self.debit and self.credit):
            raise ValueError("name either 'amount' or both 'debit' and 'credit'")
        if self.amount is not None and (self.debit or self.credit):
            raise ValueError("name either 'amount' or 'debit' and 'credit', not both")
        return self


class BankLayout(_Strict):
    columns: BankColumns
    date_format: str = "%d/%m/%Y"
    decimal: Literal[".", ","] = "."
    thousands: Literal[",", ".", " ", ""] = ","
    delimiter: str = Field(",", min_length=1, max_length=1)
    encoding: str = "utf-8-sig"
    credit_suffix: str = "CR"
    debit_suffix: str = "DB"
    reference_pattern: str | None = Field(
        None, description="regular expression finding the bank's reference in the description"
    )
    footer_labels: tuple[str, ...] = ()

    @field_validator("reference_pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as error:
                raise ValueError(f"not a valid regular expression: {error}") from None
        return value

    @model_validator(mode="after")
    def _separators_differ(self) -> BankLayout:
        if self.decimal == self.thousands:
            raise ValueError("'decimal' and 'thousands' separators must differ")
        return self


PRESETS: dict[str, BankLayout] = {
    "bca": BankLayout(
        columns=BankColumns(date="Tanggal Transaksi", description="Keterangan", amount="Jumlah"),
        date_format="%d/%m/%Y",
        decimal=".",
        thousands=",",
        delimiter=",",
        reference_pattern=r"\b\d{4}/[A-Z]+/[A-Z]{2}\d+\b",
        footer_labels=("Saldo Awal", "Mutasi Kredit", "Mutasi Debet", "Saldo Akhir"),
    ),
    "mandiri": BankLayout(
        columns=BankColumns(
            date="Tanggal", description="Keterangan", reference="No. Referensi", debit="Debit", credit="Kredit"
        ),
        date_format="%d/%m/%Y",
        decimal=",",
        thousands=".",
        delimiter=";",
    ),
}
