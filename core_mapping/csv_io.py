"""Members and mappings from and to CSV. Every row is validated first; one bad row imports nothing.

Errors name the line (line 1 is the header) and the column, so an admin can fix the file and retry.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.base.registry import available_platforms
from core_mapping.models import Product, ShopMapping, SkuMapping
from ledger.members import STATUSES
from ledger.models import Member
from shu.errors import SavingsImportRejected
from shu.savings import SavingsMovement, opening_balance, post_savings

MEMBER_COLUMNS = ["member_no", "name", "join_date", "status", "exit_date"]
# Optional: opening savings balances, posted through ``shu.savings`` as of ``savings_as_of`` (default join_date).
SAVINGS_COLUMNS = ["simpanan_pokok", "simpanan_wajib", "simpanan_sukarela"]
MAPPING_COLUMNS = [
    "kind",
    "platform",
    "shop_ref",
    "sku_ref",
    "seller_sku",
    "product_ref",
    "product_name",
    "member_no",
    "effective_from",
    "effective_to",
    "unit_cost",
]


class ImportRejected(Exception):
    """The file has bad rows; nothing was imported."""

    def __init__(self, path: str, problems: list[str]) -> None:
        shown = problems[:50] + ([f"… and {len(problems) - 50} more"] if len(problems) > 50 else [])
        super().__init__(f"{path}: {len(problems)} problem(s), nothing imported:\n  " + "\n  ".join(shown))
        self.problems = problems


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)


def _rows(handle: TextIO, required: list[str], source: str) -> Iterable[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(handle)
    missing = [column for column in required if column not in (reader.fieldnames or [])]
    if missing:
        raise ImportRejected(source, [f"line 1: missing column(s) {', '.join(missing)}"])
    for number, row in enumerate(reader, start=2):
        yield number, {key: (value or "").strip() for key, value in row.items() if key}


def _date(value: str, column: str, line: int, problems: list[str], *, required: bool = True) -> date | None:
    if not value:
        if required:
            problems.append(f"line {line}: {column} is required (YYYY-MM-DD)")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(f"line {line}: {column} {value!r} is not a date (YYYY-MM-DD)")
        return None


# --- members ---------------------------------------------------------------------------------------------


def import_members(session: Session, handle: TextIO, source: str = "members.csv") -> ImportResult:
    problems: list[str] = []
    parsed: list[dict[str, object]] = []
    savings: list[SavingsMovement] = []
    seen: set[str] = set()
    for line, row in _rows(handle, ["member_no", "name", "join_date"], source):
        member_no, status = row.get("member_no", ""), row.get("status") or "active"
        if not member_no or len(member_no) > 20:
            problems.append(f"line {line}: member_no must be 1–20 characters")
        elif member_no in seen:
            problems.append(f"line {line}: member {member_no} appears twice")
        seen.add(member_no)
        if not row.get("name"):
            problems.append(f"line {line}: name is required")
        if status not in STATUSES:
            problems.append(f"line {line}: status {status!r} is not one of {', '.join(STATUSES)}")
        joined = _date(row.get("join_date", ""), "join_date", line, problems)
        exited = _date(row.get("exit_date", ""), "exit_date", line, problems, required=False)
        if joined and exited and exited < joined:
            problems.append(f"line {line}: exit_date is before join_date")
        as_of = _date(row.get("savings_as_of", ""), "savings_as_of", line, problems, required=False) or joined
        for column in SAVINGS_COLUMNS:
            value = row.get(column, "")
            if value and not value.isdigit():
                problems.append(f"line {line}: {column} {value!r} must be a whole rupiah amount")
            elif value and int(value) and as_of:
                savings.append(opening_balance(member_no, column.removeprefix("simpanan_"), int(value), as_of, line))
        parsed.append(
            {
                "member_no": member_no,
                "name": row.get("name"),
                "join_date": joined,
                "status": status,
                "exit_date": exited,
            }
        )
    if problems:
        raise ImportRejected(source, problems)
    with session.begin_nested():  # savings are posted after the members exist; a refusal undoes both
        result = _write_members(session, parsed, seen)
        if savings:
            try:
                posted, existing = post_savings(session, savings, source)
            except SavingsImportRejected as rejected:
                raise ImportRejected(source, rejected.problems) from None
            result.notes.append(f"savings opening balances: {posted} posted, {existing} already posted")
    return result


def _write_members(session: Session, parsed: list[dict[str, object]], seen: set[str]) -> ImportResult:
    result = ImportResult()
    existing = {m.member_no: m for m in session.scalars(select(Member).where(Member.member_no.in_(sorted(seen))))}
    for values in parsed:
        member = existing.get(str(values["member_no"]))
        if member is None:
            session.add(Member(**values, created_at=datetime.now(UTC)))
            result.added += 1
        elif (member.name, member.join_date, member.status, member.exit_date) == (
            values["name"],
            values["join_date"],
            values["status"],
            values["exit_date"],
        ):
            result.unchanged += 1
        else:
            member.name, member.join_date = values["name"], values["join_date"]  # type: ignore[assignment]
            member.status, member.exit_date = values["status"], values["exit_date"]  # type: ignore[assignment]
            result.updated += 1
    session.flush()
    return result


def export_members(session: Session, out: TextIO) -> int:
    writer = csv.writer(out)
    writer.writerow(MEMBER_COLUMNS)
    count = 0
    for member in session.scalars(select(Member).order_by(Member.member_no)):
        writer.writerow(
            [
                member.member_no,
                member.name,
                member.join_date.isoformat(),
                member.status,
                member.exit_date.isoformat() if member.exit_date else "",
            ]
        )
        count += 1
    return count


# --- mappings --------------------------------------------------------------------------------------------


def import_mappings(session: Session, handle: TextIO, source: str = "mappings.csv") -> ImportResult:
    platforms = set(available_platforms())
    members = set(session.scalars(select(Member.member_no)))
    products = {p.product_ref: p for p in session.scalars(select(Product))}
    problems: list[str] = []
    shops: list[dict[str, object]] = []
    skus: list[dict[str, object]] = []
    new_products: dict[str, tuple[str, str, int | None]] = {}
    keys: set[tuple[object, ...]] = set()
    for line, row in _rows(handle, ["kind", "platform", "shop_ref", "member_no", "effective_from"], source):
        kind, platform, shop = row.get("kind", ""), row.get("platform", ""), row.get("shop_ref", "")
        member = row.get("member_no", "")
        if kind not in ("shop", "sku"):
            problems.append(f"line {line}: kind must be 'shop' or 'sku', got {kind!r}")
            continue
        if platform not in platforms:
            problems.append(f"line {line}: platform {platform!r} is not one of {', '.join(sorted(platforms))}")
        if not shop:
            problems.append(f"line {line}: shop_ref is required")
        if member not in members:
            problems.append(f"line {line}: member {member!r} does not exist (import members first)")
        start = _date(row.get("effective_from", ""), "effective_from", line, problems)
        end = _date(row.get("effective_to", ""), "effective_to", line, problems, required=False)
        if start and end and end < start:
            problems.append(f"line {line}: effective_to is before effective_from")
        if kind == "shop":
            key: tuple[object, ...] = ("shop", platform, shop, start)
            shops.append(
                {
                    "platform": platform,
                    "shop_ref": shop,
                    "member_no": member,
                    "effective_from": start,
                    "effective_to": end,
                }
            )
        else:
            sku_ref, seller_sku, product = (
                row.get("sku_ref") or None,
                row.get("seller_sku") or None,
                row.get("product_ref", ""),
            )
            if not sku_ref and not seller_sku:
                problems.append(f"line {line}: a sku mapping needs sku_ref or seller_sku")
            if not product:
                problems.append(f"line {line}: product_ref is required for a sku mapping")
            cost = row.get("unit_cost", "")
            if cost and not cost.isdigit():
                problems.append(f"line {line}: unit_cost {cost!r} must be a whole rupiah amount")
            owner = products[product].member_no if product in products else new_products.get(product, (None, member))[1]
            if product and owner != member:
                problems.append(f"line {line}: product {product} belongs to member {owner}, not {member}")
            if product and product not in products:
                new_products.setdefault(
                    product, (row.get("product_name") or product, member, int(cost) if cost else None)
                )
            key = ("sku", platform, shop, sku_ref, seller_sku, start)
            skus.append(
                {
                    "platform": platform,
                    "shop_ref": shop,
                    "sku_ref": sku_ref,
                    "seller_sku": seller_sku,
                    "product_ref": product,
                    "member_no": member,
                    "effective_from": start,
                    "effective_to": end,
                }
            )
        if key in keys:
            problems.append(f"line {line}: duplicate mapping for {' '.join(str(k) for k in key[1:] if k)}")
        keys.add(key)
    if problems:
        raise ImportRejected(source, problems)
    for product_ref, (name, member, cost) in new_products.items():
        session.add(Product(product_ref=product_ref, name=name, member_no=member, unit_cost=cost))
    session.flush()
    result = ImportResult()
    _upsert(session, ShopMapping, shops, ("platform", "shop_ref", "effective_from"), result)
    _upsert(session, SkuMapping, skus, ("platform", "shop_ref", "sku_ref", "seller_sku", "effective_from"), result)
    return result


def _upsert(
    session: Session, model: type, rows: list[dict[str, object]], identity: tuple[str, ...], result: ImportResult
) -> None:
    for values in rows:
        query = select(model).where(
            *[
                getattr(model, column).is_(None) if values[column] is None else getattr(model, column) == values[column]
                for column in identity
            ]
        )
        existing = session.scalars(query).one_or_none()
        if existing is None:
            session.add(model(**values))
            result.added += 1
        elif all(getattr(existing, column) == value for column, value in values.items()):
            result.unchanged += 1
        else:
            for column, value in values.items():
                setattr(existing, column, value)
            result.updated += 1
    session.flush()


def export_mappings(session: Session, out: TextIO) -> int:
    writer = csv.writer(out)
    writer.writerow(MAPPING_COLUMNS)
    count = 0
    for m in session.scalars(
        select(ShopMapping).order_by(ShopMapping.platform, ShopMapping.shop_ref, ShopMapping.effective_from)
    ):
        writer.writerow(
            [
                "shop",
                m.platform,
                m.shop_ref,
                "",
                "",
                "",
                "",
                m.member_no,
                m.effective_from.isoformat(),
                m.effective_to.isoformat() if m.effective_to else "",
                "",
            ]
        )
        count += 1
    products = {p.product_ref: p for p in session.scalars(select(Product))}
    for m in session.scalars(select(SkuMapping).order_by(SkuMapping.platform, SkuMapping.shop_ref, SkuMapping.id)):
        product = products[m.product_ref]
        writer.writerow(
            [
                "sku",
                m.platform,
                m.shop_ref,
                m.sku_ref or "",
                m.seller_sku or "",
                m.product_ref,
                product.name,
                m.member_no,
                m.effective_from.isoformat(),
                m.effective_to.isoformat() if m.effective_to else "",
                product.unit_cost if product.unit_cost is not None else "",
            ]
        )
        count += 1
    return count


def read_file(path: Path) -> TextIO:
    if not path.exists():
        raise ImportRejected(str(path), ["file does not exist"])
    return path.open(encoding="utf-8-sig", newline="")
