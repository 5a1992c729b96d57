"""Shopee passes the shared conformance kit, unchanged, against its sandbox over real HTTP."""

from connectors.base.testing.conformance import PullConformance
from connectors.shopee.testing import ShopeeHarness


class TestShopeeConformance(PullConformance):
    harness = ShopeeHarness()
