"""Receipts and stock-takes from CSV: every quantity change is a goods movement keyed by its source document.

**Receipts** (``omnikop stock receive``): ``receipt_ref,date,product_ref,quantity[,location]``: a member
consigning goods to the store (``CONSIGNMENT_RECEIVED``), or for a principal-model member goods the
cooperative bought (``PURCHASE_RECEIVED``; the member's agreement decides). Key:
``stock:receipt:<receipt_ref>:<product>:<location>``; a receipt imported twice posts nothing the second time,
the same key with another quantity is refused (``IdempotencyConflict``).

**Counts** (``omnikop stock count``): ``count_ref,date,product_ref,counted[,location]``: a stock-take posts
``counted − on hand at the end of that date`` as a ``STOCK_COUNT_ADJUSTMENT`` keyed
``stock:count:<count_ref>:<product>:<location>``. A count already posted is never recomputed (rerunning the
file posts nothing even after later sales); a count that matches the books posts nothing and says so.

One bad row rejects the whole file, with every problem listed by line number (``foundation.csv_import``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core_mapping.models import Product
from core_mapping.policy import PolicyResolver
from foundation.config import OmnikopConfig
from foundation.csv_import import ImportRejected, csv_date, csv_rows, read_file
from ledger.goods import MovementDraft, post_movements
from ledger.models import GoodsMovement
from stock.master import on_hand

RECEIPT_COLUMNS = ["receipt_ref", "date", "product_ref", "quantity"]
COUNT_COLUMNS = ["count_ref", "date", "product_ref", "counted"]


@dataclass(frozen=True, slots=True)
class StockLine:
    line: int
    ref: str
    day: date
    product_ref: str
    location: str
    quantity: int  # received units, or the counted level


@dataclass
class StockImportResult:
    posted: int = 0
    unchanged: int = 0  # already posted (a rerun), or a count that matched the books
    notes: list[str] = field(default_factory=list)


def read_lines(
    path: Path, kind: Literal["receipt", "count"], config: OmnikopConfig, products: set[str]
) -> list[StockLine]:
    """Validate every row first; any problem rejects the whole file."""
    ref_column, columns, amount = (
        ("receipt_ref", RECEIPT_COLUMNS, "quantity") if kind == "receipt" else ("count_ref", COUNT_COLUMNS, "counted")
    )
    problems: list[str] = []
    lines: list[StockLine] = []
    seen: set[tuple[str, str, str]] = set()
    with read_file(path) as handle:
        for number, row in csv_rows(handle, columns, str(path)):
            day = csv_date(row["date"], "date", number, problems)
            ref, product = row[ref_column], row["product_ref"]
            location = row.get("location") or config.stock.location
            if not ref:
                problems.append(f"line {number}: {ref_column} is required (the document this comes from)")
            if product not in products:
                problems.append(f"line {number}: product {product!r} is not in the catalogue (omnikop mappings import)")
            units = _units(row[amount], amount, number, problems, allow_zero=kind == "count")
            if (ref, product, location) in seen:
                problems.append(f"line {number}: {ref} lists {product} at {location} twice")
            seen.add((ref, product, location))
            if day is not None and units is not None and ref and product in products:
                lines.append(StockLine(number, ref, day, product, location, units))
    if problems:
        raise ImportRejected(str(path), problems)
    return lines


def receive(session: Session, path: Path, config: OmnikopConfig) -> StockImportResult:
    """Post the receipts in ``path`` (consignment or, for principal-model members, purchase)."""
    owners = _owners(session)
    lines = read_lines(path, "receipt", config, set(owners))
    policy = PolicyResolver(config.policy, None)
    drafts = []
    for line in lines:
        member = owners[line.product_ref]
        principal = policy.member(member).model == "principal"
        drafts.append(
            MovementDraft(
                idempotency_key=f"stock:receipt:{line.ref}:{line.product_ref}:{line.location}",
                effective_date=line.day,
                product_ref=line.product_ref,
                location=line.location,
                quantity=line.quantity,
                reason="PURCHASE_RECEIVED" if principal else "CONSIGNMENT_RECEIVED",
                member_no=member,
                source_type="stock_receipt",
                source_ref=line.ref,
            )
        )
    return _post(session, drafts)


def count(session: Session, path: Path, config: OmnikopConfig) -> StockImportResult:
    """Post the adjustments that bring the books to the counted levels (each as of the end of its date)."""
    owners = _owners(session)
    lines = read_lines(path, "count", config, set(owners))
    keys = {line: f"stock:count:{line.ref}:{line.product_ref}:{line.location}" for line in lines}
    done = set(
        session.scalars(select(GoodsMovement.idempotency_key).where(GoodsMovement.idempotency_key.in_(keys.values())))
    )
    result = StockImportResult(unchanged=len(done))
    for day in sorted({line.day for line in lines}):  # day by day: a count sees the counts of the days before
        held = on_hand(session, config.stock, as_of=day)
        drafts = []
        for line in (line for line in lines if line.day == day and keys[line] not in done):
            change = line.quantity - held.get((line.location, line.product_ref), 0)
            held[(line.location, line.product_ref)] = line.quantity
            if change == 0:
                result.unchanged += 1
                result.notes.append(f"{line.ref}: {line.product_ref} at {line.location} matches the books")
                continue
            drafts.append(
                MovementDraft(
                    idempotency_key=keys[line],
                    effective_date=line.day,
                    product_ref=line.product_ref,
                    location=line.location,
                    quantity=change,
                    reason="STOCK_COUNT_ADJUSTMENT",
                    member_no=owners[line.product_ref],
                    source_type="stock_count",
                    source_ref=line.ref,
                )
            )
        posted = _post(session, drafts)
        result.posted, result.unchanged = result.posted + posted.posted, result.unchanged + posted.unchanged
    return result


def _post(session: Session, drafts: list[MovementDraft]) -> StockImportResult:
    result = StockImportResult()
    for outcome in post_movements(session, drafts):
        if outcome.error is not None:
            raise outcome.error
        result.posted += outcome.outcome == "created"
        result.unchanged += outcome.outcome == "exists"
    return result


def _owners(session: Session) -> dict[str, str]:
    return {product: member for product, member in session.execute(select(Product.product_ref, Product.member_no))}


def _units(value: str, column: str, line: int, problems: list[str], *, allow_zero: bool) -> int | None:
    try:
        units = int(value)
    except ValueError:
        problems.append(f"line {line}: {column} {value!r} is not a whole number of units")
        return None
    if units < 0 or (units == 0 and not allow_zero):
        problems.append(f"line {line}: {column} must be {'0 or more' if allow_zero else 'more than 0'} units")
        return None
    return units
