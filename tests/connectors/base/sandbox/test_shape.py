"""World shapes: each platform's part of the sandbox world, declared by its sandbox class."""

from __future__ import annotations

from datetime import UTC, datetime

from connectors.base.sandbox.shape import WorldShape, bps
from connectors.base.sandbox.world import Line, Product, Shop, WorldOrder
from connectors.shopee.sandbox.shape import ShopeeWorld
from connectors.tokopedia.sandbox.shape import TokopediaWorld

CREATED = datetime(2026, 1, 5, 10, tzinfo=UTC)


def order(platform: str, flavor: str = "", order_ref: str = "1", voucher: int = 0) -> WorldOrder:
    shop = Shop(platform, "S-1", "shop", ("0001",), flavor)
    product = Product("P-0001", "S-1", platform, "0001", "sku", "M-1", "Batik", 100_000, 10)
    return WorldOrder(platform, shop, order_ref, CREATED, (Line(product, 2, 100_000),), [], voucher_seller=voucher)


def test_a_new_platform_gets_the_default_shape_commission_only_and_its_own_id_formats():
    shape = WorldShape()
    assert shape.fees(order("newshop", voucher=5_000)) == {"COMMISSION": -10_000, "VOUCHER_SELLER": -5_000}
    assert shape.shop_ref("newshop", 4, 1) == "NEWS-0042"
    assert shape.order_ref(Shop("newshop", "NEWS-0042", "s", ("0001",)), CREATED, 17) == "2-260105000017"
    assert (shape.flavors, shape.food, shape.sku_ref("3000010", "0", 1)) == (("", ""), False, "5100001")


def test_pph22_is_withheld_where_the_platform_collects_it_and_never_on_tiktok_shops():
    assert ShopeeWorld().fees(order("shopee", order_ref="260105000001SH"))["TAX_WITHHELD_PPH22"] == -bps(200_000, 50)
    assert "TAX_WITHHELD_PPH22" in TokopediaWorld().fees(order("tokopedia", "legacy"))
    assert "TAX_WITHHELD_PPH22" not in TokopediaWorld().fees(order("tokopedia", "tiktok"))


def test_shopee_charges_seller_shipping_with_a_rebate_when_the_order_sn_digits_divide_by_three():
    assert ShopeeWorld().extra_fees(order("shopee", order_ref="260105000103SH")) == {
        "SHIPPING_SELLER": -4_000,
        "SHIPPING_REBATE": 2_500,
    }
    assert ShopeeWorld().extra_fees(order("shopee", order_ref="260105000101SH")) == {}
