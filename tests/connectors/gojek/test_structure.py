"""Gojek passes the structural part of the conformance kit too."""

from connectors.base.testing.structure import StructureConformance
from connectors.gojek.testing import GojekHarness


class TestGojekStructure(StructureConformance):
    harness = GojekHarness()
