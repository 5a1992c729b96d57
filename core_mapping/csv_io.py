"""Shop and SKU mappings from and to CSV. Every row is validated first; one bad row imports nothing.

Mappings are core_mapping's own data (who owns which shop and SKU, from when), so their import lives here;
the row reader and the refusal are shared with the member import (``foundation.csv_import``).
"""

from __future__ import annotations

import csv
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.base.registry import available_platforms
from core_mapping.models import Product, ShopMapping, SkuMapping
from foundation.csv_import import ImportRejected, ImportResult, csv_date, csv_rows
from ledger.models import Member

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


def import_mappings(session: Session, handle: TextIO, source: str = "mappings.csv") -> ImportResult:
    platforms = set(available_platforms())
    members = set(session.scalars(select(Member.member_no)))
    products = {p.product_ref: p for p in session.scalars(select(Product))}
    problems: list[str] = []
    shops: list[dict[str, object]] = []
    skus: list[dict[str, object]] = []
    new_products: dict[str, tuple[str, str, int | None]] = {}
    keys: set[tuple[object, ...]] = set()
    for line, row in csv_rows(handle, ["kind", "platform", "shop_ref", "member_no", "effective_from"], source):
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
        start = csv_date(row.get("effective_from", ""), "effective_from", line, problems)
        end = csv_date(row.get("effective_to", ""), "effective_to", line, problems, required=False)
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
    for product_ref, (name, owner_no, unit_cost) in new_products.items():
        session.add(Product(product_ref=product_ref, name=name, member_no=owner_no, unit_cost=unit_cost))
    session.flush()
    result = ImportResult()
    _upsert(session, ShopMapping, shops, ("platform", "shop_ref", "effective_from"), result)
    _upsert(session, SkuMapping, skus, ("platform", "shop_ref", "sku_ref", "seller_sku", "effective_from"), result)
    return result


def _upsert(
    session: Session,
    model: type[ShopMapping] | type[SkuMapping],
    rows: list[dict[str, object]],
    identity: tuple[str, ...],
    result: ImportResult,
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
    for sku in session.scalars(select(SkuMapping).order_by(SkuMapping.platform, SkuMapping.shop_ref, SkuMapping.id)):
        product = products[sku.product_ref]
        writer.writerow(
            [
                "sku",
                sku.platform,
                sku.shop_ref,
                sku.sku_ref or "",
                sku.seller_sku or "",
                sku.product_ref,
                product.name,
                sku.member_no,
                sku.effective_from.isoformat(),
                sku.effective_to.isoformat() if sku.effective_to else "",
                product.unit_cost if product.unit_cost is not None else "",
            ]
        )
        count += 1
    return count
