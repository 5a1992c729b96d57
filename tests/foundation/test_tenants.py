"""Several cooperatives on one deployment: tenant discovery, namespaced DAG ids, pools and assets, and tasks
that read their own cooperative's config (and so its own ledger database)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from foundation.config import ConfigError, load_config
from foundation.tenants import DEFAULT, Tenant, tenant_named, tenants
from omnikop.orchestration.airflow_env import DAGS_FOLDER, pool_spec


def write_config(path: Path, database: str, shops: list[tuple[str, str]]) -> Path:
    config = {
        "database": {"url": database},
        "shops": [{"platform": p, "shop_ref": ref, "conn_id": f"{p}_{ref}"} for p, ref in shops],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


@pytest.fixture
def federation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A default cooperative (Shopee) and two hosted ones: ``kop_tani`` (Shopee, Grab), ``kop_nelayan`` (GoBiz)."""
    monkeypatch.setenv(
        "OMNIKOP_CONFIG", str(write_config(tmp_path / "omnikop.yaml", "sqlite:///main.db", [("shopee", "1")]))
    )
    monkeypatch.setenv("OMNIKOP_DATABASE_URL", "sqlite:///deployment-wide.db")
    folder = tmp_path / "tenants"
    write_config(folder / "kop_tani.yaml", "sqlite:///tani.db", [("shopee", "7"), ("grab", "G-1")])
    write_config(folder / "kop_nelayan.yaml", "sqlite:///nelayan.db", [("gojek", "O-9")])
    monkeypatch.setenv("OMNIKOP_TENANTS_DIR", str(folder))
    monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path / "airflow"))
    return folder


def test_tenants_are_the_default_cooperative_then_each_tenant_file(federation: Path) -> None:
    assert [t.name for t in tenants()] == [None, "kop_nelayan", "kop_tani"]
    assert tenant_named("kop_tani").config_file == federation / "kop_tani.yaml"
    with pytest.raises(ConfigError, match="no tenant 'kop_x': add kop_x.yaml"):
        tenant_named("kop_x")


def test_without_a_default_config_only_the_tenant_files_are_served(
    federation: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("OMNIKOP_CONFIG", str(tmp_path / "absent.yaml"))
    assert [t.name for t in tenants()] == ["kop_nelayan", "kop_tani"]


def test_an_unusable_tenant_name_is_refused_with_the_rule(federation: Path) -> None:
    write_config(federation / "Kop-Bad.yaml", "sqlite:///x.db", [])
    with pytest.raises(ConfigError, match="lower-case letters, digits and underscores"):
        tenants()


def test_active_tenant_reads_its_own_config_and_database_then_restores(federation: Path) -> None:
    assert load_config().database_url == "sqlite:///deployment-wide.db"
    with tenant_named("kop_tani").active():
        config = load_config()
        assert config.database_url == "sqlite:///tani.db"  # not the deployment-wide default's database
        assert {shop.shop_ref for shop in config.shops} == {"7", "G-1"}
    assert os.environ["OMNIKOP_DATABASE_URL"] == "sqlite:///deployment-wide.db"
    assert load_config().database_url == "sqlite:///deployment-wide.db"


def test_a_tenant_database_url_may_come_from_the_environment(federation: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMNIKOP_DATABASE_URL_KOP_TANI", "postgresql+psycopg://tani:secret@db/omnikop_kop_tani")
    with tenant_named("kop_tani").active():
        assert load_config().database_url == "postgresql+psycopg://tani:secret@db/omnikop_kop_tani"
    with tenant_named("kop_nelayan").active():
        assert load_config().database_url == "sqlite:///nelayan.db"
    assert load_config().database_url == "sqlite:///deployment-wide.db"


def test_pools_are_per_cooperative_and_platform() -> None:
    spec = pool_spec({DEFAULT: ["shopee"], Tenant("kop_tani", Path("t.yaml")): ["shopee", "grab"]})
    assert set(spec) == {"omnikop_shopee", "kop_tani__omnikop_shopee", "kop_tani__omnikop_grab"}
    assert spec["kop_tani__omnikop_shopee"]["slots"] == spec["omnikop_shopee"]["slots"] >= 1


def test_dag_folder_namespaces_every_dag_pool_and_asset_per_cooperative(federation: Path) -> None:
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS_FOLDER))
    assert bag.import_errors == {}
    per_tenant = {
        "omnikop_ledger_check",
        "omnikop_reconciliation",
        "omnikop_settlement_inbox",
        "omnikop_shu",
        "omnikop_stock",
    }
    expected = (
        per_tenant
        | {"omnikop_sync_shopee"}
        | {f"kop_tani__{d}" for d in per_tenant | {"omnikop_sync_shopee", "omnikop_sync_grab"}}
        | {f"kop_nelayan__{d}" for d in per_tenant | {"omnikop_sync_gojek"}}
    )
    assert set(bag.dag_ids) == expected
    sync = bag.dags["kop_tani__omnikop_sync_grab"].get_task("sync")
    assert sync.pool == "kop_tani__omnikop_grab"
    assert {a.uri for a in sync.outlets} == {
        "omnikop://kop_tani/ledger/postings",
        "omnikop://kop_tani/ledger/postings/grab",
    }
    check = bag.dags["kop_tani__omnikop_ledger_check"]
    assert [a.uri for a in check.timetable.asset_condition.objects] == ["omnikop://kop_tani/ledger/postings"]
    assert "tenant:kop_tani" in bag.dags["kop_tani__omnikop_shu"].tags
