"""Shopee Open Platform v2 sandbox: the world rendered through Shopee's real contract, on loopback.

Enforced: signature per API type, 5-minute timestamps, 4-hour access tokens and single-use refresh tokens
with the 5-minute grace, 15-day windows (``order.order_list_invalid_time``), page-size and batch limits,
the ``{request_id, error, message, response}`` envelope, ``error_rate_limit``, and every fault switch of
``FaultPlan``. Serve it with ``omnikop sandbox serve --platform shopee``.
"""

from connectors.shopee.sandbox.app import ShopeeSandbox

SANDBOX = ShopeeSandbox
__all__ = ["SANDBOX", "ShopeeSandbox"]
