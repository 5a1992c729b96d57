"""Grab passes both conformance kits, unchanged: pull (auth with the shop's scope, token expiry, 429/409
throttling and other faults on the by-day order backfill; Grab pulls no stock) and push (partner-token webhooks, exactly-once latest state despite
duplicates and reordering, forged/oversize refused, landing failures 5xx, settlement reports to the rupiah)."""

from connectors.base.testing.conformance import PullConformance
from connectors.base.testing.push import PushConformance
from connectors.grab.testing import GrabHarness, GrabPushHarness


class TestGrabPullConformance(PullConformance):
    harness = GrabHarness()


class TestGrabPushConformance(PushConformance):
    harness = GrabPushHarness()
