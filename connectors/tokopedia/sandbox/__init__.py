"""Tokopedia sandbox: the world rendered through both Tokopedia contracts on one loopback server.

TikTok Shop Partner API (open-api and auth hosts both at the root): HMAC request signatures, timestamps, tokens in
``x-tts-access-token`` with ABSOLUTE ``*_expire_in`` epochs, single-use refresh tokens, shop_cipher, page
tokens, ≤50 order ids, the ``{code, message, request_id, data}`` envelope and codes 105002/106001.
Legacy fs API (``/fs``, token under ``/accounts``): client-credentials tokens that are never renewed before
expiry, Bearer calls, < 3-day order windows, ≤ 31-day saldo windows, ``{header, data}`` envelopes and
HTTP 429 with ``X-Ratelimit-*`` headers. Every ``FaultPlan`` switch works, in each flavor's dialect.
Serve it with ``omnikop sandbox serve --platform tokopedia``.
"""

from connectors.tokopedia.sandbox.app import TokopediaSandbox

SANDBOX = TokopediaSandbox
__all__ = ["SANDBOX", "TokopediaSandbox"]
