"""Both Tokopedia flavors pass the shared conformance kit, unchanged, against the sandbox over real HTTP."""

from connectors.base.testing.conformance import PullConformance
from connectors.tokopedia.testing import LegacyHarness, TikTokHarness


class TestTikTokConformance(PullConformance):
    harness = TikTokHarness()


class TestLegacyConformance(PullConformance):
    harness = LegacyHarness()
