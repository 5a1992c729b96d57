"""Tokopedia passes the structural part of the conformance kit too."""

from connectors.base.testing.structure import StructureConformance
from connectors.tokopedia.testing import TikTokHarness


class TestTokopediaStructure(StructureConformance):
    harness = TikTokHarness()
