"""Grab passes the structural part of the conformance kit too."""

from connectors.base.testing.structure import StructureConformance
from connectors.grab.testing import GrabHarness


class TestGrabStructure(StructureConformance):
    harness = GrabHarness()
