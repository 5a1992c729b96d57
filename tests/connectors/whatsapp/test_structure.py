"""WhatsApp passes the structural part of the conformance kit too."""

from connectors.base.testing.structure import StructureConformance
from connectors.whatsapp.testing import WhatsappHarness


class TestWhatsappStructure(StructureConformance):
    harness = WhatsappHarness()
