"""Tokopedia connector: the TikTok Shop Partner API (flavor ``tiktok``, primary) and the legacy fs_id Open API
(flavor ``legacy``, for shops not yet migrated), chosen per shop.

Each flavor is a folder with the standard file roles: ``tiktok/`` and ``legacy/`` hold client (tokens, endpoints),
errors (envelope and body codes for the status ladder), streams (what to fetch, in which order), parse (pages →
canonical records) and sandbox/ (its routes and renderings; legacy also deductions). Shared here: signing
(request auth) · webhooks (push verification) · statuses (vocabularies) · pages · parse_common · connector
(``CONNECTOR``, picks the flavor per shop) · authorize · sandbox (the one simulator serving both) · testing.
"""
