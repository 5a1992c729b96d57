"""Buyer personal data never reaches the database: every byte of each connector's reference database (pulled
pages, pushed webhooks, settlement files, documents, quarantine, ledger) is searched for the names, phones,
e-mails and addresses the sandboxes put in their answers. ``docs/data_protection.md`` lists what is kept."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from connectors.gojek.testing import GojekPushHarness
from connectors.grab.testing import GrabPushHarness
from connectors.whatsapp.testing import WhatsappPushHarness
from tests.reliability.bench import PLATFORMS
from tests.reliability.matrix import Reference

# What each sandbox sends about buyers (and drivers) — see connectors/<platform>/sandbox/render*.py.
PERSONAL_DATA: dict[str, tuple[str, ...]] = {
    "shopee": ("pembeli_setia", '"buyer_name": "Pembeli"', '"buyer_name":"Pembeli"'),
    "tokopedia": ("Pembeli Setia", "pembeli.setia@", "(+62)812****789", 'Jl. X"'),
    "gojek": GojekPushHarness.personal_data,
    "grab": GrabPushHarness.personal_data,
    "whatsapp": WhatsappPushHarness.personal_data,
}


def _database_bytes(database: Path) -> bytes:
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # every committed page into the main file
    connection.close()
    return b"".join(path.read_bytes() for path in database.parent.glob(database.name + "*"))


@pytest.mark.parametrize("platform", PLATFORMS)
def test_no_buyer_personal_data_is_stored(platform: str, references: Callable[[str], Reference]) -> None:
    reference = references(platform)
    stored = _database_bytes(reference.database)
    assert b"raw_pages" in stored and reference.books.landed > 0
    kept = [value for value in PERSONAL_DATA[platform] if value.encode() in stored]
    assert kept == [], f"{platform}: personal data stored: {kept}"
