"""Shopee Open Platform v2 sandbox: the world rendered through Shopee's real contract, on loopback.

Enforced: signature per API type, 5-minute timestamps, 4-hour access tokens and single-use refresh tokens
with the 5-minute grace, 15-day windows (``order.order_list_invalid_time``; the wallet's ``time_period_too_large``
and ``time_invalid``), page-size and batch limits with the documented defaults (``page_size`` 40; ``page_no`` from 1
for escrows, from 0 for the wallet), garbage cursors and numbers refused as ``error_param``, the
``{request_id, error, message, response}`` envelope, ``error_rate_limit``, and every fault switch of ``FaultPlan``.
Every answer carries only fields of Shopee's documentation trees (``tests/contracts/test_shopee.py``).
Serve it with ``omnikop sandbox serve --platform shopee``.
"""

from connectors.shopee.sandbox.app import ShopeeSandbox

SANDBOX = ShopeeSandbox
__all__ = ["SANDBOX", "ShopeeSandbox"]
