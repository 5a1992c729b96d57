"""The registry is the source of truth for platforms: each connector folder declares itself in ``platform.py``."""

from __future__ import annotations

import pytest

from connectors.base.errors import ConfigError
from connectors.base.platform_info import ConnectionForm, ReceivableAccount
from connectors.base.registry import available_platforms, check_platform, platform_info, platforms
from connectors.base.sandbox.catalog import sandbox_class


def test_every_discovered_platform_declares_itself_and_they_come_in_chart_order():
    assert available_platforms() == ["gojek", "grab", "shopee", "store", "tokopedia", "whatsapp"]
    assert [(info.name, info.receivable.code) for info in platforms()] == [
        ("store", "1-1305"),
        ("whatsapp", "1-1306"),
        ("shopee", "1-1310"),
        ("tokopedia", "1-1320"),
        ("gojek", "1-1340"),
        ("grab", "1-1345"),
    ]
    assert platform_info("grab").receivable.name == "Piutang marketplace – Grab (GrabFood/GrabMart)"


def test_an_unknown_platform_is_refused_naming_the_available_ones():
    assert check_platform("shopee") == "shopee"
    with pytest.raises(
        ConfigError, match=r"no connector named 'lazada'; available: gojek, grab, shopee, store, tokopedia, whatsapp"
    ):
        platform_info("lazada")


@pytest.mark.parametrize("code", ["1-1300", "1-1350", "1-1200", "2-1310", "1-131"])
def test_a_receivable_outside_the_marketplace_receivables_is_refused(code: str):
    with pytest.raises(ValueError, match="must be a detail account 1-1301…1-1349"):
        ReceivableAccount(code, "Piutang marketplace – X")


def test_a_connection_form_must_label_the_fields_connectors_read():
    with pytest.raises(ValueError, match="must label password"):
        ConnectionForm("X", {"host": "API base URL", "login": "Client id"})


def test_each_platform_sandbox_declares_its_world_shape():
    shapes = {name: type(sandbox_class(name).shape).__name__ for name in available_platforms()}
    assert shapes == {
        "gojek": "GojekWorld",
        "grab": "GrabWorld",
        "shopee": "ShopeeWorld",
        "store": "StoreWorld",
        "tokopedia": "TokopediaWorld",
        "whatsapp": "WhatsappWorld",
    }
