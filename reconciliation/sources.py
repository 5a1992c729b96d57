"""What the matching reads, as pandas frames: the document store (latest revision of every order,
settlement, wallet movement and stock level), imported bank lines, earlier bank matches and the unit ledger.

Money columns are ``int64`` whole rupiah, converted exactly from the canonical records' Decimal text with
``ledger.money.to_minor`` (never through float). Dates are business dates (Asia/Jakarta), times are UTC.
Documents dated after ``as_of`` are left out: the matching sees the world as it was on that day.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import Row, case, func, select
from sqlalchemy.orm import Session

from core_mapping.models import Document
from ledger.models import GoodsMovement
from ledger.money import to_minor
from ledger.posting import BUSINESS_TIMEZONE
from reconciliation.models import BankLine, BankMatch

ORDER_COLUMNS = {
    "platform": "object",
    "shop_ref": "object",
    "order_ref": "object",
    "status": "object",
    "order_gross": "int64",
    "order_on": "object",
    "updated_at": "object",
    "order_page": "int64",
}
SETTLEMENT_COLUMNS = {
    "platform": "object",
    "shop_ref": "object",
    "settlement_ref": "object",
    "order_ref": "object",
    "released_at": "object",
    "released_on": "object",
    "settled_gross": "int64",
    "settled_net": "int64",
    "settlement_page": "int64",
}
WALLET_COLUMNS = {
    "platform": "object",
    "shop_ref": "object",
    "movement_ref": "object",
    "kind": "object",
    "amount": "int64",
    "occurred_at": "object",
    "occurred_on": "object",
    "order_ref": "object",
    "bank_reference": "object",
    "status": "object",
    "balance_after": "Int64",  # nullable: not every platform reports the running balance
    "wallet_page": "int64",
}
STOCK_COLUMNS = {
    "platform": "object",
    "shop_ref": "object",
    "sku_ref": "object",
    "seller_sku": "object",
    "location": "object",
    "available": "int64",
    "observed_on": "object",
    "stock_page": "int64",
}
BANK_COLUMNS = {
    "bank_line_id": "int64",
    "account": "object",
    "line_key": "object",
    "booked_on": "object",
    "amount": "int64",
    "reference": "object",
    "description": "object",
    "file_line": "int64",
}
MATCH_COLUMNS = {
    "bank_line_id": "int64",
    "platform": "object",
    "shop_ref": "object",
    "movement_ref": "object",
    "amount": "int64",
    "method": "object",
    "entry_id": "int64",
}
DOCUMENTS_PER_FETCH = 5000
OPENING_REASONS = ("CONSIGNMENT_RECEIVED", "STOCK_COUNT_ADJUSTMENT")  # movements that set a counted level
GOODS_COLUMNS = {"location": "object", "product_ref": "object", "quantity": "int64", "has_opening": "bool"}


@dataclass
class Sources:
    as_of: date
    orders: pd.DataFrame
    settlements: pd.DataFrame
    wallet: pd.DataFrame
    stock: pd.DataFrame
    bank_lines: pd.DataFrame
    matches: pd.DataFrame
    goods: pd.DataFrame


def frame(rows: Iterable[Mapping[str, Any]], columns: Mapping[str, str]) -> pd.DataFrame:
    """A frame with exactly ``columns`` in their dtypes, also when there are no rows."""
    data = pd.DataFrame(list(rows), columns=list(columns))
    return (
        data.astype(dict(columns)) if len(data) else pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})
    )


def business_day(moment: datetime) -> date:
    return moment.astimezone(BUSINESS_TIMEZONE).date()


def load_sources(session: Session, as_of: date) -> Sources:
    # Plain rows streamed in chunks and converted one by one: ORM objects plus every parsed payload, held
    # all at once, made memory grow by kilobytes per document (gigabytes at a million orders).
    converters = {"order": _order, "settlement": _settlement, "wallet": _movement, "stock": _stock}
    rows: dict[str, list[dict[str, Any]]] = {doc_type: [] for doc_type in converters}
    query = (
        select(Document.doc_type, Document.platform, Document.shop_ref, Document.raw_page_id, Document.payload)
        .where(Document.payload != "", Document.doc_type.in_(list(converters)))
        .order_by(Document.id)
        .execution_options(yield_per=DOCUMENTS_PER_FETCH)
    )
    for doc in session.execute(query):
        rows[doc.doc_type].append(converters[doc.doc_type](doc, json.loads(doc.payload)))
    orders, settlements, wallet, stock = rows["order"], rows["settlement"], rows["wallet"], rows["stock"]
    return Sources(
        as_of=as_of,
        orders=frame((r for r in orders if r["order_on"] <= as_of), ORDER_COLUMNS),
        settlements=frame((r for r in settlements if r["released_on"] <= as_of), SETTLEMENT_COLUMNS),
        wallet=frame((r for r in wallet if r["occurred_on"] <= as_of), WALLET_COLUMNS),
        stock=frame((r for r in stock if r["observed_on"] <= as_of), STOCK_COLUMNS),
        bank_lines=_bank_lines(session, as_of),
        matches=_matches(session),
        goods=_goods(session, as_of),
    )


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _order(doc: Row[Any], data: dict[str, Any]) -> dict[str, Any]:
    gross = sum(
        (Decimal(line["unit_price"]) * int(line["quantity"]) - Decimal(line["discount"]) for line in data["lines"]),
        Decimal(0),
    )
    created = _moment(data["created_at"])
    return {
        "platform": doc.platform,
        "shop_ref": doc.shop_ref,
        "order_ref": data["order_ref"],
        "status": data["status"],
        "order_gross": to_minor(gross),
        "order_on": business_day(created),
        "updated_at": _moment(data["updated_at"]),
        "order_page": doc.raw_page_id,
    }


def _settlement(doc: Row[Any], data: dict[str, Any]) -> dict[str, Any]:
    released = _moment(data["released_at"])
    return {
        "platform": doc.platform,
        "shop_ref": doc.shop_ref,
        "settlement_ref": data["settlement_ref"],
        "order_ref": data.get("order_ref") or None,
        "released_at": released,
        "released_on": business_day(released),
        "settled_gross": to_minor(Decimal(data["gross"])),
        "settled_net": to_minor(Decimal(data["net"])),
        "settlement_page": doc.raw_page_id,
    }


def _movement(doc: Row[Any], data: dict[str, Any]) -> dict[str, Any]:
    occurred = _moment(data["occurred_at"])
    balance = data.get("balance_after")
    return {
        "platform": doc.platform,
        "shop_ref": doc.shop_ref,
        "movement_ref": data["movement_ref"],
        "kind": data["kind"],
        "amount": to_minor(Decimal(data["amount"])),
        "occurred_at": occurred,
        "occurred_on": business_day(occurred),
        "order_ref": data.get("order_ref") or None,
        "bank_reference": data.get("bank_reference") or None,
        "status": (data.get("status") or "COMPLETED").upper(),
        "balance_after": to_minor(Decimal(balance)) if balance is not None else pd.NA,
        "wallet_page": doc.raw_page_id,
    }


def _stock(doc: Row[Any], data: dict[str, Any]) -> dict[str, Any]:
    return {
        "platform": doc.platform,
        "shop_ref": doc.shop_ref,
        "sku_ref": data["sku_ref"],
        "seller_sku": data.get("seller_sku"),
        "location": data["location"],
        "available": int(data["available"]),
        "observed_on": business_day(_moment(data["observed_at"])),
        "stock_page": doc.raw_page_id,
    }


def _bank_lines(session: Session, as_of: date) -> pd.DataFrame:
    rows = session.execute(
        select(
            BankLine.id,
            BankLine.account,
            BankLine.line_key,
            BankLine.booked_on,
            BankLine.amount,
            BankLine.reference,
            BankLine.description,
            BankLine.file_line,
        )
        .where(BankLine.booked_on <= as_of)
        .order_by(BankLine.booked_on, BankLine.id)
    )
    return frame((dict(zip(BANK_COLUMNS, row, strict=True)) for row in rows), BANK_COLUMNS)


def _matches(session: Session) -> pd.DataFrame:
    rows = session.execute(
        select(
            BankMatch.bank_line_id,
            BankMatch.platform,
            BankMatch.shop_ref,
            BankMatch.movement_ref,
            BankMatch.amount,
            BankMatch.method,
            BankMatch.entry_id,
        )
    )
    return frame((dict(zip(MATCH_COLUMNS, row, strict=True)) for row in rows), MATCH_COLUMNS)


def _goods(session: Session, as_of: date) -> pd.DataFrame:
    """Unit-ledger quantity per location and product, and whether it has an opening count to compare from."""
    opening = func.max(case((GoodsMovement.reason.in_(OPENING_REASONS), 1), else_=0))
    query = (
        select(GoodsMovement.location, GoodsMovement.product_ref, func.sum(GoodsMovement.quantity), opening)
        .where(GoodsMovement.effective_date <= as_of)
        .group_by(GoodsMovement.location, GoodsMovement.product_ref)
    )
    return frame(
        (
            {"location": location, "product_ref": product, "quantity": int(quantity), "has_opening": bool(flag)}
            for location, product, quantity, flag in session.execute(query)
        ),
        GOODS_COLUMNS,
    )
