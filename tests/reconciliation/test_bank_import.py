"""Importing bank statements is idempotent and posts nothing; bank lines, matches and the audit trail are
append-only in the database itself."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from connectors.base.sandbox.bank import bank_statement_csv
from connectors.base.sandbox.world import World, WorldConfig
from foundation.bank_layouts import PRESETS
from foundation.db import transaction
from ledger.models import JournalEntry
from reconciliation.bank_csv import parse_statement
from reconciliation.bank_store import store_statement
from reconciliation.models import BankLine

WORLD = World.generate(WorldConfig(days=6, orders_per_day=4, platforms=("shopee",), discrepancies=True))


def _import(engine, csv_text: str, name: str = "mutasi.csv"):  # type: ignore[no-untyped-def]
    data = csv_text.encode("utf-8")
    with transaction(engine) as session:
        return store_statement(session, "ops", name, data, parse_statement(data, PRESETS["mandiri"]), "mandiri")


def _count(engine, model) -> int:  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_the_same_or_an_overlapping_statement_adds_only_new_lines_and_posts_nothing(engine):
    early = bank_statement_csv(WORLD, "mandiri", as_of=WORLD.end + timedelta(days=3))
    full = bank_statement_csv(WORLD, "mandiri")
    first = _import(engine, early, "mutasi-awal.csv")
    assert first.lines_new == first.lines_read > 0
    again = _import(engine, early, "mutasi-awal.csv")
    assert (again.lines_new, again.already_imported_at is not None) == (0, True)
    overlapping = _import(engine, full, "mutasi-penuh.csv")
    assert overlapping.lines_read > first.lines_read
    assert overlapping.lines_new == overlapping.lines_read - first.lines_read
    assert _count(engine, BankLine) == overlapping.lines_read
    assert _count(engine, JournalEntry) == 0  # matching posts, importing never does


def test_identical_lines_in_one_statement_stay_separate_lines(engine):
    header = "No. Rekening;Tanggal;Keterangan;No. Referensi;Debit;Kredit;Saldo\n"
    fee = "1;31/01/2026;BIAYA ADM;;10.000,00;0,00;0\n"
    summary = _import(engine, header + fee + fee)
    assert (summary.lines_read, summary.lines_new) == (2, 2)
    with transaction(engine) as session:
        assert sorted(session.scalars(select(BankLine.seq))) == [1, 2]
    assert _import(engine, header + fee + fee + fee, "later.csv").lines_new == 1


@pytest.mark.parametrize("table", ["recon_bank_lines", "recon_audit", "recon_bank_matches"])
def test_reconciliation_facts_cannot_be_edited_or_deleted(engine, table: str):
    _import(engine, bank_statement_csv(WORLD, "mandiri"))
    # the table name comes from the parametrize list above, never from input
    for statement in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):  # noqa: S608
        with pytest.raises(DBAPIError, match="immutable"), engine.begin() as connection:
            if table != "recon_bank_lines":
                _insert_dummy(connection, table)
            connection.execute(text(statement))


def _insert_dummy(connection, table: str) -> None:  # type: ignore[no-untyped-def]
    """A row to refuse changing (triggers fire per row, so the table must not be empty)."""
    line = connection.execute(text("SELECT id FROM recon_bank_lines LIMIT 1")).scalar_one()
    connection.execute(
        text(
            "INSERT INTO recon_variances (id, level, category, subject, occurred_on, unit, expected, actual,"
            " difference, age_days, status, links, detail, first_seen_at, last_seen_at)"
            " VALUES ('VTEST', 'wallet_bank', 'bank_line_unmatched', 's', '2026-01-01', 'IDR', 0, 1, 1, 0,"
            " 'open', '{}', '', '2026-01-01', '2026-01-01')"
        )
    )
    if table == "recon_audit":
        connection.execute(
            text(
                "INSERT INTO recon_audit (variance_id, at, actor, action, note, outcome, message)"
                " VALUES ('VTEST', '2026-01-01', 'test', 'detected', '', 'open', '')"
            )
        )
        return
    entry = connection.execute(
        text(
            "INSERT INTO journal_entries (idempotency_key, content_hash, kind, effective_date, recorded_at, currency,"
            " description) VALUES ('k', 'h', 'ENTRY', '2026-01-01', '2026-01-01', 'IDR', '') RETURNING id"
        )
    ).scalar_one()
    connection.execute(
        text(
            "INSERT INTO recon_bank_matches (bank_line_id, platform, shop_ref, movement_ref, amount, method,"
            " entry_id, matched_at) VALUES (:line, 'shopee', '1', 'w', 1, 'reference', :entry, '2026-01-01')"
        ),
        {"line": line, "entry": entry},
    )
