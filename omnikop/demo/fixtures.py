"""Members, mappings and shop configuration for a sandbox world, as an admin would write them.

Single-member shops map as a whole; shops selling several members' goods map every SKU to its owner.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date

from connectors.base.sandbox.world import World
from core_mapping.csv_io import MAPPING_COLUMNS
from members.csv_io import MEMBER_COLUMNS

MAPPED_FROM = date(2020, 1, 1)


def members_csv(world: World) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(MEMBER_COLUMNS)
    for member in world.members:
        writer.writerow([member.member_no, member.name, member.join_date.isoformat(), "active", ""])
    return out.getvalue()


def mappings_csv(
    world: World,
    *,
    platforms: Iterable[str] | None = None,
    omit_skus: Iterable[str] = (),
    sku_mapped: Iterable[tuple[str, str]] = (),
) -> str:
    """Mappings for the world's shops; ``omit_skus`` leaves those SKU rows out (to show quarantine + replay);
    ``sku_mapped`` (platform, shop_ref): single-member shops whose SKUs are mapped too (see ``mapping_rows``)."""
    omitted = set(omit_skus)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(MAPPING_COLUMNS)
    for row in mapping_rows(world, platforms=platforms, sku_mapped=sku_mapped):
        if row[3] not in omitted:
            writer.writerow(row)
    return out.getvalue()


def mapping_rows(
    world: World, *, platforms: Iterable[str] | None = None, sku_mapped: Iterable[tuple[str, str]] = ()
) -> list[list[str]]:
    """A single-member shop maps as a whole; one in ``sku_mapped`` also maps each SKU to its product, which is
    what lets omnikop push that shop's stock (only SKU-mapped products have a stock to push)."""
    wanted = set(platforms or world.config.platforms)
    per_sku = set(sku_mapped)
    rows: list[list[str]] = []
    for shop in world.shops:
        if shop.platform not in wanted:
            continue
        if len(shop.member_nos) == 1:
            rows.append(
                [
                    "shop",
                    shop.platform,
                    shop.shop_ref,
                    "",
                    "",
                    "",
                    "",
                    shop.member_nos[0],
                    MAPPED_FROM.isoformat(),
                    "",
                    "",
                ]
            )
            if (shop.platform, shop.shop_ref) not in per_sku:
                continue
        for product in world.products_of(shop.platform, shop.shop_ref):
            rows.append(
                [
                    "sku",
                    shop.platform,
                    shop.shop_ref,
                    product.sku_ref,
                    product.seller_sku,
                    product.product_ref,
                    product.name,
                    product.member_no,
                    MAPPED_FROM.isoformat(),
                    "",
                    "",
                ]
            )
    return rows


def conn_id(platform: str, shop_ref: str) -> str:
    """Airflow Connection ids: letters, digits and underscores."""
    return f"{platform}_{''.join(c if c.isalnum() else '_' for c in shop_ref)}".lower()


def shop_configs(
    world: World, *, platforms: Iterable[str] | None = None, lookback_hours: int = 48
) -> list[dict[str, object]]:
    wanted = set(platforms or world.config.platforms)
    return [
        {
            "platform": s.platform,
            "shop_ref": s.shop_ref,
            "conn_id": conn_id(s.platform, s.shop_ref),
            "flavor": s.flavor or None,
            "lookback_hours": lookback_hours,
        }
        for s in world.shops
        if s.platform in wanted
    ]
