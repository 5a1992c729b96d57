"""WhatsApp orders and their payment confirmations through the real receiver, pipeline and ledger, on both
databases, worked by hand: a transfer to the WhatsApp clearing account, cash to the till, the member shares and
the commission as on every channel; a duplicate delivery or a second confirmation posts nothing; an unknown
order is a clear error; bad orders are quarantined with their reason while texts and statuses are not."""

from __future__ import annotations

import io
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select

from connectors.base.connection import ConnectionSpec
from connectors.base.protocol import ConnectorContext
from connectors.base.tokens import TokenStore
from connectors.whatsapp.confirm import ConfirmationRefused, UnknownOrder, confirm_payment
from connectors.whatsapp.connector import WhatsappConnector
from core_mapping.csv_io import import_mappings
from core_mapping.models import QuarantineItem
from foundation.config import parse_config
from foundation.db import transaction
from ledger.check import check_ledger
from ledger.models import GoodsMovement, JournalEntry, JournalLine
from members.csv_io import import_members
from sync.pipeline import process_shop
from sync.posting import RunSummary
from tests.connectors.whatsapp.webhook_kit import SHOP, item, order_message, post, receiver, webhook

MEMBERS = (
    "member_no,name,join_date,status,exit_date\n0001,Ibu Sari,2024-03-01,active,\n0002,Pak Budi,2024-03-01,active,\n"
)
MAPPINGS = (
    "kind,platform,shop_ref,sku_ref,seller_sku,product_ref,product_name,member_no,effective_from,effective_to,unit_cost\n"
    f"sku,whatsapp,{SHOP},,KRP-01,P-KRP,Keripik,0001,2020-01-01,,\n"
    f"sku,whatsapp,{SHOP},,SBL-01,P-SBL,Sambal,0002,2020-01-01,,\n"
)
PAID_AT = datetime(2026, 10, 14, 9, 30, tzinfo=UTC)
DIMENSION = f"whatsapp:{SHOP}"


def books(engine: Engine) -> None:
    with transaction(engine) as session:
        import_members(session, io.StringIO(MEMBERS))
        import_mappings(session, io.StringIO(MAPPINGS))


def process(engine: Engine) -> RunSummary:
    context = ConnectorContext(SHOP, ConnectionSpec("wa", "whatsapp"), TokenStore(engine, "whatsapp", SHOP))
    return process_shop(engine, parse_config({}), WhatsappConnector(context))


def balances(engine: Engine) -> dict[tuple[str, str | None], int]:
    """Debit-positive balance per (account, shop) and per (account, member)."""
    columns = (JournalLine.account_code, JournalLine.shop_ref, JournalLine.member_no, JournalLine.side)
    with transaction(engine) as session:
        rows = session.execute(select(*columns, JournalLine.amount)).all()
    out: Counter[tuple[str, str | None]] = Counter()
    for account, shop, member, side, amount in rows:
        sign = 1 if side == "D" else -1
        out[(account, shop)] += sign * amount
        if member is not None:
            out[(account, f"member:{member}")] += sign * amount
    return {key: value for key, value in out.items() if value}


def counts(engine: Engine) -> tuple[int, int]:
    with transaction(engine) as session:
        entries = session.scalar(select(func.count()).select_from(JournalEntry)) or 0
        movements = session.scalar(select(func.count()).select_from(GoodsMovement)) or 0
    return entries, movements


def quarantined(engine: Engine) -> dict[str, str]:
    with transaction(engine) as session:
        return dict(session.execute(select(QuarantineItem.record_key, QuarantineItem.reason)).all())


def test_transfer_and_cash_confirmations_post_like_store_sales_and_only_once(engine, monkeypatch):
    books(engine)
    mixed = order_message("wamid.MIXED", [item("KRP-01", 2, 15000), item("SBL-01", 1, 20000)])  # 50 000
    sambal = order_message("wamid.SAMBAL", [item("SBL-01", 1, 20000)])
    with receiver(engine, monkeypatch) as url:
        assert post(url, webhook(mixed)) == 200 and post(url, webhook(sambal)) == 200
        assert post(url, webhook(mixed)) == 200  # a duplicate delivery
    process(engine)
    assert counts(engine) == (0, 0), "an order nobody has paid posts nothing"
    confirm_payment(engine, SHOP, "wamid.MIXED", "transfer", reference="TRF-889", at=PAID_AT)
    confirm_payment(engine, SHOP, "SAMBAL", "cash", at=PAID_AT)  # a tail of the wamid is enough
    process(engine)
    got = balances(engine)
    assert got[("1-1306", DIMENSION)] == 50_000, "transfer waits in the WhatsApp clearing account"
    assert got[("1-1100", DIMENSION)] == 20_000, "cash is in the till"
    # Member payables: gross minus the 5 % commission, rounded once per order and split by goods value.
    assert got[("2-1200", "member:0001")] == -(30_000 - 1_500)
    assert got[("2-1200", "member:0002")] == -(20_000 - 1_000) - (20_000 - 1_000)
    assert got[("4-1300", DIMENSION)] == -(2_500 + 1_000)
    entries, movements = counts(engine)
    assert (entries, movements) == (4, 3), "a sale and a commission per order; goods leave at confirmation"
    again = confirm_payment(engine, SHOP, "wamid.MIXED", "transfer", reference="TRF-889", at=PAID_AT)
    assert not again.new
    with pytest.raises(ConfirmationRefused, match="already confirmed"):
        confirm_payment(engine, SHOP, "wamid.MIXED", "cash")
    process(engine)
    assert counts(engine) == (4, 3) and balances(engine) == got
    with transaction(engine) as session:
        assert check_ledger(session).ok


def test_an_unknown_order_is_a_clear_error_and_lands_nothing(engine, monkeypatch):
    books(engine)
    with pytest.raises(UnknownOrder, match="no WhatsApp order 'wamid.NOPE' was received for shop"):
        confirm_payment(engine, SHOP, "wamid.NOPE", "qris")
    with pytest.raises(ConfirmationRefused, match="method 'card'"):
        confirm_payment(engine, SHOP, "wamid.NOPE", "card")


def test_bad_orders_are_quarantined_with_their_reason_and_other_messages_are_not(engine, monkeypatch):
    books(engine)
    text = {"from": "6281311112222", "id": "wamid.TEXT", "timestamp": "1791961260", "type": "text",
            "text": {"body": "halo"}}  # fmt: skip
    status = {"id": "wamid.OUT", "status": "delivered", "timestamp": "1791961300", "recipient_id": "6281311112222"}
    bad = {
        "wamid.USD": [item("KRP-01", 1, 15000, currency="USD")],
        "wamid.NEG": [item("KRP-01", 1, -15000)],
        "wamid.NOPRICE": [item("KRP-01", 1, None)],
        "wamid.UNKNOWN": [item("XYZ-99", 1, 15000)],
    }
    with receiver(engine, monkeypatch) as url:
        for wamid, items in bad.items():
            assert post(url, webhook(order_message(wamid, items))) == 200
        assert post(url, webhook(text, statuses=[status])) == 200
    process(engine)
    assert quarantined(engine) == {
        "wamid.USD": "unsupported_currency",
        "wamid.NEG": "negative_amount",
        "wamid.NOPRICE": "missing_amount",
        "wamid.UNKNOWN": "unknown_sku",
    }
    with pytest.raises(ConfirmationRefused, match="cannot be booked"):
        confirm_payment(engine, SHOP, "wamid.NEG", "cash")
    assert counts(engine) == (0, 0)
