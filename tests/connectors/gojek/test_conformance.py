"""GoBiz passes both conformance kits, unchanged: pull (auth, token expiry, catalog stock, faults) and push
(webhook orders exactly once despite duplicates/reordering, forged and oversize deliveries refused, landing
failures answered 5xx, no secrets or personal data kept, settlement reports equal to the world's truth)."""

from connectors.base.testing.conformance import PullConformance
from connectors.base.testing.push import PushConformance
from connectors.gojek.testing import GojekHarness, GojekPushHarness


class TestGojekPullConformance(PullConformance):
    harness = GojekHarness()


class TestGojekPushConformance(PushConformance):
    harness = GojekPushHarness()
