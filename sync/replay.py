"""Replay quarantined records after their cause is fixed (a mapping imported, a member corrected).

A replay re-parses the landed page (nothing is re-fetched), re-maps the quarantined record and posts it;
already-posted content is recognised by its idempotency key, so replaying twice posts nothing.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Engine

from connectors.base.landing import landed_page
from connectors.base.protocol import Connector
from connectors.base.records import Rejected
from core_mapping.mapper import ShopMapper, doc_identity, stream_of
from core_mapping.models import QuarantineItem
from core_mapping.policy import PolicyResolver
from core_mapping.quarantine import TRANSIENT_REASONS, Problem, open_items
from foundation.config import OmnikopConfig
from foundation.db import transaction
from sync.posting import RunSummary, post_batch


def replay(
    engine: Engine, config: OmnikopConfig, connector: Connector, *, reasons: set[str] | None = None
) -> RunSummary:
    summary = RunSummary()
    policy = PolicyResolver.for_shop(config, connector.platform, connector.shop_ref)
    with transaction(engine) as session:
        items = open_items(session, platform=connector.platform, shop_ref=connector.shop_ref, reasons=reasons)
    by_page: dict[int, list[QuarantineItem]] = defaultdict(list)
    for item in items:
        by_page[item.raw_page_id].append(item)
    for page_id, page_items in sorted(by_page.items()):
        with transaction(engine) as session:
            wanted = {(item.stream, item.record_key) for item in page_items}
            records = []
            for record in connector.parse(landed_page(session, page_id)):
                if isinstance(record, Rejected):
                    key = (record.stream, record.record_key)
                else:
                    key = (stream_of(record), doc_identity(record)[1])
                if key in wanted:
                    records.append((page_id, record))
            batch = ShopMapper(session, policy, connector.platform, connector.shop_ref).map(records)
            if not records:
                batch.problems.extend(
                    Problem(
                        i.stream, i.record_key, page_id, "parse", "record_not_found", "record no longer in its page"
                    )
                    for i in page_items
                )
            summary.add(post_batch(session, connector.platform, connector.shop_ref, batch))
            summary.records += len(records)
    return summary


def retry_transient(engine: Engine, config: OmnikopConfig, connector: Connector) -> RunSummary:
    """Re-map open items whose cause may have gone away by itself (e.g. the order has arrived since)."""
    return replay(engine, config, connector, reasons=set(TRANSIENT_REASONS))
