"""store passes the structural conformance tests (scaffolded)."""

from connectors.base.testing.structure import StructureConformance
from connectors.store.testing import StoreHarness


class TestStoreStructure(StructureConformance):
    harness = StoreHarness()
