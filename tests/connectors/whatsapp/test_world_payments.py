"""The sandbox world's WhatsApp shops end to end, as an operator runs them: webhooks through the real receiver,
every payment the world received confirmed (``omnikop orders confirm``), ``omnikop sync whatsapp``. The parsed
settlements equal the world's payments, each member's volume equals the world's paid sales of their goods, and
confirming again or confirming an unknown order posts nothing."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from unittest import mock

import pytest
from sqlalchemy import func, select

from connectors.base.landing import RawPage, as_landed
from connectors.base.sandbox.server import SandboxServer
from connectors.base.testing.truth import parsed_summary
from connectors.base.webhooks import build_app, receiver_from_config
from connectors.whatsapp import parse
from connectors.whatsapp.confirm import confirm_payment
from connectors.whatsapp.testing import WORLD, whatsapp_truth
from foundation.config import load_config
from foundation.db import make_engine, transaction
from ledger.check import check_ledger
from ledger.models import JournalEntry, JournalLine
from tests.sync.conftest import import_mappings, platform_setup


@pytest.mark.slow(seconds=20)
def test_the_worlds_payments_confirmed_book_each_member_once(db_url: str, tmp_path: Path) -> None:
    with platform_setup("whatsapp", db_url, tmp_path, WORLD) as s:
        import_mappings(s)
        engine = make_engine(db_url)
        config = load_config(tmp_path / "omnikop.yaml")
        with mock.patch.dict(os.environ, s.env), SandboxServer(build_app(receiver_from_config(engine, config))) as rx:
            for shop in s.shops:
                assert {r.status for r in s.sandbox.emitter.deliver(rx.url, shop)} == {200}  # type: ignore[attr-defined]
        payments = {shop: s.sandbox.payments(shop) for shop in s.shops}  # type: ignore[attr-defined]
        first_shop, first = s.shops[0], payments[s.shops[0]][0]
        for shop, paid in payments.items():
            for payment in paid:
                if payment is not first:  # the first one is confirmed through the CLI below
                    confirm_payment(engine, shop, payment.order_ref, payment.method, reference=payment.reference,
                                    at=payment.paid_at)  # fmt: skip
        args = ["orders", "confirm", "--platform", "whatsapp", "--shop", first_shop, "--order", first.order_ref[-10:]]
        args += ["--method", first.method, "--at", first.paid_at.isoformat()]
        args += ["--reference", first.reference] if first.reference else []
        confirmed = s.cli(*args)
        assert "landed as page" in confirmed.stdout and "posted" in confirmed.stdout.lower(), confirmed.stdout
        assert "already confirmed" in s.cli(*args).stdout
        unknown = s.cli(*args[:6], "--order", "wamid.unknown", "--method", "cash", check=False)
        assert unknown.returncode == 2 and "no WhatsApp order 'wamid.unknown'" in unknown.stderr
        for shop in s.shops:
            s.cli("sync", "whatsapp", "--shop", shop)
        with transaction(engine) as session:
            for shop in s.shops:
                pages = session.scalars(select(RawPage).where(RawPage.shop_ref == shop)).all()
                records = [r for page in pages for r in parse.parse_page(as_landed(page))]
                assert parsed_summary(records, "settlements") == whatsapp_truth(s.world, shop, "settlements")
            volume = dict(
                session.execute(
                    select(JournalLine.member_no, func.sum(JournalLine.amount))
                    .where(JournalLine.tag == "member_volume", JournalLine.side == "C")
                    .group_by(JournalLine.member_no)
                ).all()
            )
            entries = session.scalar(select(func.count()).select_from(JournalEntry))
            assert check_ledger(session).ok
        expected: Counter[str] = Counter()
        for shop, paid in payments.items():
            for payment in paid:
                order = s.world.order("whatsapp", shop, payment.order_ref)
                assert order is not None
                for line in order.lines:
                    expected[line.product.member_no] += line.amount
        assert volume == dict(expected) and expected
        assert entries == 2 * sum(len(paid) for paid in payments.values())
        engine.dispose()
