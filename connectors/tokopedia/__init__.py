"""Tokopedia connector: the TikTok Shop Partner API (flavor ``tiktok``, primary) and the legacy fs_id Open API
(flavor ``legacy``, for shops not yet migrated), chosen per shop.

signing (request auth) · webhooks (push verification) · statuses (vocabularies) · client_tiktok / client_legacy
(tokens, errors, endpoints) · pull_tiktok / pull_legacy (what to fetch, in which order) · pages (landing) ·
parse_tiktok / parse_legacy (pages → canonical records) · connector (``CONNECTOR``) · sandbox · testing.
"""
