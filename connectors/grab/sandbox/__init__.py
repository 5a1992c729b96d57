"""Grab Partner API sandbox: OAuth (JSON client credentials, food/mart scopes, 7-day tokens), list orders by
date+page or ≤10 ids with money in minor units (no Grab-side menu: Grab has none), 429/409 "retry after N
seconds" throttling, a push emitter that authenticates with the partner-issued token, and settlement report
files (CSV/XLSX).
Serve it with ``omnikop sandbox serve --platform grab``."""

from connectors.grab.sandbox.app import GrabSandbox

SANDBOX = GrabSandbox
__all__ = ["SANDBOX", "GrabSandbox"]
