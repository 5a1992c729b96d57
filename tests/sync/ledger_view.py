"""Read back what the ledger says per member, and the settlement documents it was posted from."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from connectors.base.records import Settlement
from connectors.base.sandbox.world import World
from core_mapping.models import Document
from core_mapping.serialize import settlement_from_json
from foundation.db import make_engine, transaction
from ledger.reports import balances_by
from members.statement import member_statement


def ledger_member_totals(world: World, db_url: str) -> dict[str, Counter[str]]:
    engine = make_engine(db_url)
    totals: dict[str, Counter[str]] = {}
    with transaction(engine) as session:
        start, end = world.config.start - timedelta(days=400), world.end + timedelta(days=400)
        for member in world.members:
            t = member_statement(session, member.member_no, start, end).total
            totals[member.member_no] = +Counter(
                gross=t.gross, refunds=t.refunds, fees=t.fees, commission=t.commission, payable=t.net
            )
        for (_, shop), net in balances_by(session, "shop", account="1-1600").items():
            totals.setdefault(f"shop:{shop.split(':')[1]}", Counter())["pph22"] += net
    engine.dispose()
    return totals


def settlement_documents(db_url: str, platform: str) -> list[Settlement]:
    engine = make_engine(db_url)
    with transaction(engine) as session:
        rows = session.scalars(
            select(Document.payload).where(Document.platform == platform, Document.doc_type == "settlement")
        )
        documents = [settlement_from_json(payload) for payload in rows if payload]
    engine.dispose()
    return documents
