"""``omnikop.yaml`` validation names the bad key."""

from __future__ import annotations

import pytest

from foundation.config import ConfigError, load_config, parse_config


def test_missing_default_file_means_embedded_defaults(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OMNIKOP_CONFIG", raising=False)
    monkeypatch.delenv("OMNIKOP_DATABASE_URL", raising=False)
    config = load_config()
    assert config.database_url == "sqlite:///.omnikop/omnikop.db"
    assert config.policy.commission_bps == 500 and config.shops == ()


def test_environment_database_url_wins(monkeypatch):
    monkeypatch.setenv("OMNIKOP_DATABASE_URL", "postgresql+psycopg://postgres@db/omnikop")
    assert parse_config({"database": {"url": "sqlite:///x.db"}}).database_url.startswith("postgresql")


def test_a_configured_path_that_does_not_exist_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("OMNIKOP_CONFIG", str(tmp_path / "missing.yaml"))
    with pytest.raises(ConfigError, match="does not exist"):
        load_config()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"databse": {}}, "unknown key 'databse'"),
        ({"policy": {"commission_bps": 20_000}}, "'policy.commission_bps'"),
        ({"shops": [{"platform": "lazada", "shop_ref": "1", "conn_id": "c"}]}, "'shops.0.platform'"),
        ({"shops": [{"platform": "shopee", "shop_ref": "1"}]}, "'shops.0.conn_id': Field required"),
        (
            {"shops": [{"platform": "shopee", "shop_ref": "1", "conn_id": "c", "policy": {"pph": "x"}}]},
            "unknown key 'shops.0.policy.pph'",
        ),
        ([1, 2], "top level must be a mapping"),
    ],
)
def test_bad_values_are_reported_by_key(raw, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_config(raw)


def test_duplicate_shops_are_refused():
    shop = {"platform": "shopee", "shop_ref": 100, "conn_id": "c"}
    with pytest.raises(ConfigError, match="shopee:100 is listed twice"):
        parse_config({"shops": [shop, shop]})


def test_yaml_file_round_trip(tmp_path, monkeypatch):
    path = tmp_path / "omnikop.yaml"
    path.write_text(
        "shops:\n  - {platform: shopee, shop_ref: 100001, conn_id: shopee_demo, policy: {commission_bps: 1000}}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("OMNIKOP_CONFIG", str(path))
    config = load_config()
    assert config.shop("shopee", "100001").policy.commission_bps == 1000


def test_a_shop_on_an_unknown_platform_is_refused_naming_the_platforms_that_exist():
    with pytest.raises(ConfigError) as refused:
        parse_config({"shops": [{"platform": "lazada", "shop_ref": "1", "conn_id": "c"}]})
    assert "no connector named 'lazada'; available: gojek, grab, shopee, store, tokopedia, whatsapp" in str(
        refused.value
    )
