"""Each platform is an Airflow connection type with its own labelled fields (via the provider entry point)."""

from __future__ import annotations

from omnikop.orchestration.hooks import HOOKS
from omnikop.orchestration.provider import get_provider_info


def test_the_provider_registers_one_connection_type_per_platform():
    from airflow.providers_manager import ProvidersManager

    info = get_provider_info()
    assert [c["connection-type"] for c in info["connection-types"]] == [
        "store",
        "whatsapp",
        "shopee",
        "tokopedia",
        "gojek",
        "grab",
    ]
    manager = ProvidersManager()
    manager.initialize_providers_list()
    assert "omnikop" in {p.data["package-name"] for p in manager.providers.values()}


def test_each_connection_type_labels_its_fields():
    assert [hook.conn_type for hook in HOOKS] == ["store", "whatsapp", "shopee", "tokopedia", "gojek", "grab"]
    for hook in HOOKS:
        behaviour = hook.get_ui_field_behaviour()
        assert behaviour["relabeling"]["login"] and behaviour["relabeling"]["password"]
        assert "host" in behaviour["placeholders"] and set(behaviour["hidden_fields"]) == {"schema", "port"}
