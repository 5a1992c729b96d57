"""Shopee passes the structural part of the conformance kit too."""

from connectors.base.testing.structure import StructureConformance
from connectors.shopee.testing import ShopeeHarness


class TestShopeeStructure(StructureConformance):
    harness = ShopeeHarness()
