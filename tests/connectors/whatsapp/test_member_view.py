"""WhatsApp sales in the member's view, on both databases: the statement has a ``whatsapp`` channel beside the
marketplaces, and SHU JUA counts WhatsApp volume with the marketplace volume (worked by hand below)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from connectors.whatsapp.confirm import confirm_payment
from foundation.config import ShuConfig
from foundation.db import transaction
from ledger.posting import EntryDraft, credit, debit, post_entries
from members.statement import member_statement, render_html
from shu.compute import compute_shu
from tests.connectors.whatsapp.test_orders_and_payments import books, process
from tests.connectors.whatsapp.webhook_kit import SHOP, item, order_message, post, receiver, webhook

PAID_AT = datetime(2026, 10, 14, 9, 30, tzinfo=UTC)


def whatsapp_and_shopee_books(engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """WhatsApp on 14 October 2026: wamid.MIXED 2 × 15 000 keripik (Ibu Sari 0001) + 1 × 20 000 sambal (Pak Budi
    0002), paid by transfer; wamid.SAMBAL 1 × 20 000 sambal (0002), paid in cash; and a Shopee sale of 0001 for 61 000."""
    books(engine)
    mixed = order_message("wamid.MIXED", [item("KRP-01", 2, 15000), item("SBL-01", 1, 20000)])
    sambal = order_message("wamid.SAMBAL", [item("SBL-01", 1, 20000)])
    with receiver(engine, monkeypatch) as url:
        assert post(url, webhook(mixed)) == 200 and post(url, webhook(sambal)) == 200
    confirm_payment(engine, SHOP, "wamid.MIXED", "transfer", reference="TRF-889", at=PAID_AT)
    confirm_payment(engine, SHOP, "wamid.SAMBAL", "cash", at=PAID_AT)
    process(engine)
    with transaction(engine) as session:
        shopee = EntryDraft(
            "test:shopee:s1",
            date(2026, 10, 15),
            (
                debit("1-1310", 61_000, shop_ref="shopee:1"),
                credit("2-1200", 61_000, member_no="0001", shop_ref="shopee:1", tag="member_volume"),
            ),
            "a Shopee sale",
        )
        assert [r.outcome for r in post_entries(session, [shopee])] == ["created"]


def test_the_statement_shows_whatsapp_beside_the_marketplaces(engine, monkeypatch):
    whatsapp_and_shopee_books(engine, monkeypatch)
    with transaction(engine) as session:
        statement = member_statement(session, "0001", date(2026, 10, 1), date(2026, 10, 31))
    assert set(statement.channels) == {"shopee", "whatsapp"}
    whatsapp = statement.channels["whatsapp"]
    # 2 × 15 000 keripik; commission 5 % of the 50 000 order, rounded once (2 500), split by goods value: 1 500.
    assert (whatsapp.gross, whatsapp.refunds, whatsapp.fees, whatsapp.commission, whatsapp.net) == (
        30_000,
        0,
        0,
        1_500,
        28_500,
    )
    assert statement.total.gross == 91_000
    assert "<td>whatsapp</td>" in render_html(statement)


def test_shu_jua_counts_whatsapp_volume_with_every_other_channel(engine, monkeypatch):
    whatsapp_and_shopee_books(engine, monkeypatch)
    with transaction(engine) as session:
        run = compute_shu(session, 2026, ShuConfig(), surplus=1_000_000, store=False)
    # Volumes: 0001 = 30 000 WhatsApp + 61 000 Shopee = 91 000; 0002 = 20 000 + 20 000 WhatsApp = 40 000. Σ 131 000.
    # JUA pool = 2 500 bps of 1 000 000 = 250 000 → 0001: 250 000 × 91/131 = 173 664.12…, 0002: 76 335.87…;
    # floors 173 664 + 76 335 = 249 999, the last rupiah to the larger remainder (0002): 173 664 and 76 336.
    assert {m["member_no"]: m["volume"] for m in run.inputs["members"]} == {"0001": 91_000, "0002": 40_000}
    assert {s.member_no: s.jua for s in run.allocation.shares} == {"0001": 173_664, "0002": 76_336}
