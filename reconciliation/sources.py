"""What the matching reads, as pandas frames: the document store (latest revision of every order,
settlement, wallet movement and stock level), imported bank lines, earlier bank matches and the unit ledger.

Money columns are ``int64`` whole rupiah, converted exactly from the canonical records' Decimal text with
``ledger.money.text_to_minor`` (never through float). Dates are business dates (Asia/Jakarta), times are UTC.
Documents dated after ``as_of`` are left out: the matching sees the world as it was on that day.
"""

from __future__ import annotations

import contextlib
import json
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from sys import intern
from typing import Any

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from core_mapping.models import Document
from foundation.collector import collector_paused
from ledger.models import GoodsMovement
from ledger.money import text_to_minor, to_minor
from ledger.posting import BUSINESS_TIMEZONE
from reconciliation.models import BankLine, BankMatch

ORDER_COLUMNS = {
    "platform": "object",
    "shop_ref": "object",
    "order_ref": "object",
    "status": "object",
    "order_gross": "int64",
    "order_on": "object",
    "updated_at": "datetime64[us, UTC]",
    "order_page": "int64",
}
SETTLEMENT_COLUMNS = {
    "platform": "object",
    "shop_ref": "object",
    "settlement_ref": "object",
    "order_ref": "object",
    "released_at": "datetime64[us, UTC]",
    "released_on": "object",
    "settled_gross": "int64",
    "settled_net": "int64",
    "payout_ref": "object",  # the payout that pays it, where the platform links them (TikTok payment id)
    "tender": "object",  # how a store's buyer paid (cash, qris, transfer); None on the marketplaces
    "tender_ref": "object",  # the bank/QRIS reference of such a payment, where known (WhatsApp confirmations)
    "settlement_page": "int64",
}
WALLET_COLUMNS = {
    "platform": "object",
    "shop_ref": "object",
    "movement_ref": "object",
    "kind": "object",
    "amount": "int64",
    "occurred_at": "datetime64[us, UTC]",
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
# The document store's payloads are omnikop's own ``json.dumps`` output: decoded without ``json.loads``' checks
# for surrounding whitespace (a third of its time on small documents).
_PAYLOAD = json.JSONDecoder()
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


def load_sources(session: Session, as_of: date) -> Sources:
    with collector_paused():
        return Sources(
            as_of=as_of,
            orders=_read(session, "order", as_of, _ORDER),
            settlements=_read(session, "settlement", as_of, _SETTLEMENT),
            wallet=_read(session, "wallet", as_of, _MOVEMENT),
            stock=_read(session, "stock", as_of, _STOCK),
            bank_lines=_bank_lines(session, as_of),
            matches=_matches(session),
            goods=_goods(session, as_of),
        )


@dataclass(frozen=True)
class _DocumentShape:
    """How one document type becomes a frame: ``pick`` turns a parsed payload into the values of ``fields``
    (money already exact integers); ``moments`` are the ISO-8601 fields among them, converted to UTC timestamps
    in one vectorised pass, each naming the business-date column derived from it (or None)."""

    columns: Mapping[str, str]
    fields: tuple[str, ...]  # what ``pick`` returns, in order
    pick: Callable[[dict[str, Any]], tuple[Any, ...]]
    moments: Mapping[str, str | None]  # ISO column → its business-date column (None: no date wanted)
    cutoff: str  # the business-date column compared with ``as_of``
    page: str  # the column holding the document's raw page


def _read(session: Session, doc_type: str, as_of: date, shape: _DocumentShape) -> pd.DataFrame:
    """Every stored document of ``doc_type`` dated up to ``as_of``, as a frame of ``shape.columns``.

    Rows are streamed in chunks and only their column values kept (column by column, interned where they
    repeat): ORM objects or a dict per document, held all at once, cost kilobytes per document (gigabytes at a
    million orders). Dates and times are converted for the whole column at once, not row by row."""
    names = ("platform", "shop_ref", shape.page, *shape.fields)
    values: dict[str, list[Any]] = {name: [] for name in names}
    query = (
        select(Document.platform, Document.shop_ref, Document.raw_page_id, Document.payload)
        .where(Document.doc_type == doc_type, Document.payload != "")
        .order_by(Document.id)
        .execution_options(yield_per=DOCUMENTS_PER_FETCH)
    )
    decode, pick = _PAYLOAD.raw_decode, shape.pick
    for chunk in _prefetched(session.connection().execute(query).partitions()):  # Core rows, no ORM
        platforms, shops, pages, payloads = zip(*chunk, strict=True)
        picked = zip(*[pick(decode(payload)[0]) for payload in payloads], strict=True)
        for name, column in zip(names, (map(intern, platforms), map(intern, shops), pages, *picked), strict=True):
            values[name] += column
    data = pd.DataFrame(values)
    del values
    for column, day_column in shape.moments.items():
        moments = pd.to_datetime(data[column], utc=True, format="ISO8601")
        data[column] = moments
        if day_column:
            data[day_column] = business_days(moments)
    if not len(data):
        return frame([], shape.columns)
    data = data[data[shape.cutoff] <= as_of][list(shape.columns)]
    return data.astype(dict(shape.columns)).reset_index(drop=True)


def _prefetched(chunks: Iterator[Sequence[Any]], depth: int = 2) -> Iterator[Sequence[Any]]:
    """``chunks``, fetched by a background thread up to ``depth`` ahead: the database reads and sends the next
    chunk while this process decodes the current one (the two take about as long). Nothing else may use the
    connection until the iteration ends; an error in the fetch is raised here, and when the reader stops early
    (its own error) the thread is stopped before the connection is handed back."""
    handoff: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def fetch() -> None:
        try:
            for chunk in chunks:
                if stop.is_set():
                    return
                handoff.put(("chunk", chunk))
        except BaseException as error:  # any failure is handed to the reader and raised there
            handoff.put(("error", error))
        else:
            handoff.put(("end", None))

    worker = threading.Thread(target=fetch, name="recon-document-fetch", daemon=True)
    worker.start()
    try:
        while True:
            kind, item = handoff.get()
            if kind == "error":
                raise item
            if kind == "end":
                return
            yield item
    finally:
        stop.set()
        while worker.is_alive():  # unblock a pending put so the thread sees ``stop``
            with contextlib.suppress(queue.Empty):
                handoff.get(timeout=0.05)
        worker.join()


def business_days(moments: pd.Series) -> pd.Series:
    """The business date (Asia/Jakarta) of each UTC timestamp, as ``date`` objects shared between equal days."""
    days = moments.dt.tz_convert(BUSINESS_TIMEZONE).dt.tz_localize(None).dt.normalize()
    shared = {day: day.date() for day in days.unique() if not pd.isna(day)}
    return days.map(shared).astype("object")


def _order_gross(lines: list[dict[str, Any]]) -> int:
    """Σ unit price × quantity − discount (``OrderLine.gross`` on the stored JSON), exactly; a fraction of a
    rupiah in the total is refused. Whole-number text, the common case, in integers."""
    total = 0
    try:
        for line in lines:
            price, discount = line["unit_price"], line["discount"]
            if type(price) is not str or type(discount) is not str:
                raise ValueError(price, discount)
            total += int(price) * int(line["quantity"]) - int(discount)
    except ValueError:  # not all whole-number text: sum as Decimal, then refuse a fraction in the total
        exact = sum(
            (Decimal(line["unit_price"]) * int(line["quantity"]) - Decimal(line["discount"]) for line in lines),
            Decimal(0),
        )
        return to_minor(exact)
    return total


_ORDER = _DocumentShape(
    columns=ORDER_COLUMNS,
    fields=("order_ref", "status", "order_gross", "created_at", "updated_at"),
    pick=lambda data: (
        data["order_ref"],
        intern(data["status"]),
        _order_gross(data["lines"]) + to_minor(Decimal(data.get("charges") or 0)),
        data["created_at"],
        data["updated_at"],
    ),
    moments={"created_at": "order_on", "updated_at": None},
    cutoff="order_on",
    page="order_page",
)
_SETTLEMENT = _DocumentShape(
    columns=SETTLEMENT_COLUMNS,
    fields=(
        "settlement_ref",
        "order_ref",
        "released_at",
        "settled_gross",
        "settled_net",
        "payout_ref",
        "tender",
        "tender_ref",
    ),
    pick=lambda data: (
        data["settlement_ref"],
        data.get("order_ref") or None,
        data["released_at"],
        text_to_minor(data["gross"]),
        text_to_minor(data["net"]),
        data.get("payout_ref") or None,
        data.get("tender") or None,
        data.get("tender_ref") or None,
    ),
    moments={"released_at": "released_on"},
    cutoff="released_on",
    page="settlement_page",
)
_MOVEMENT = _DocumentShape(
    columns=WALLET_COLUMNS,
    fields=(
        "movement_ref",
        "kind",
        "amount",
        "occurred_at",
        "order_ref",
        "bank_reference",
        "status",
        "balance_after",
    ),
    pick=lambda data: (
        data["movement_ref"],
        intern(data["kind"]),
        text_to_minor(data["amount"]),
        data["occurred_at"],
        data.get("order_ref") or None,
        data.get("bank_reference") or None,
        intern((data.get("status") or "COMPLETED").upper()),
        text_to_minor(data["balance_after"]) if data.get("balance_after") is not None else pd.NA,
    ),
    moments={"occurred_at": "occurred_on"},
    cutoff="occurred_on",
    page="wallet_page",
)
_STOCK = _DocumentShape(
    columns=STOCK_COLUMNS,
    fields=("sku_ref", "seller_sku", "location", "available", "observed_at"),
    pick=lambda data: (
        data["sku_ref"],
        data.get("seller_sku"),
        data["location"],
        int(data["available"]),
        data["observed_at"],
    ),
    moments={"observed_at": "observed_on"},
    cutoff="observed_on",
    page="stock_page",
)


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
