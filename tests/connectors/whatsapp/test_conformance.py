"""WhatsApp passes the push conformance kit, unchanged: webhook orders exactly once despite duplicates and
reordering, forged, unsigned and oversize deliveries refused, landing failures answered 5xx, no secrets or
personal data kept, a malformed order quarantined. (No settlement reports: see test_confirm.py.)"""

from connectors.base.testing.push import PushConformance
from connectors.whatsapp.testing import WhatsappPushHarness


class TestWhatsappPushConformance(PushConformance):
    harness = WhatsappPushHarness()
