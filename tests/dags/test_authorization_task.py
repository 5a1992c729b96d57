"""The ledger-check DAG's ``authorisations`` task: it fails (the alert), naming each configured shop and date,
when a refresh token or seller authorisation ends within the warning days, and passes otherwise."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from airflow.sdk.exceptions import AirflowFailException

from connectors.base.tokens import AUTHORIZATION_EXPIRES_AT, TokenPair, TokenStore
from foundation.db import make_engine
from omnikop.orchestration.dags import ledger_check_dag
from omnikop.orchestration.tasks import check_authorisations_or_fail

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def configure(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch, *shops: str) -> None:
    path = tmp_path / "omnikop.yaml"
    entries = [{"platform": "shopee", "shop_ref": shop, "conn_id": f"shopee_{shop}"} for shop in shops]
    path.write_text(yaml.safe_dump({"database": {"url": db_url}, "shops": entries}), encoding="utf-8")
    monkeypatch.setenv("OMNIKOP_CONFIG", str(path))
    monkeypatch.delenv("OMNIKOP_DATABASE_URL", raising=False)


def authorise(db_url: str, shop: str, refresh_ends: datetime, authorisation_ends: datetime) -> None:
    tokens = TokenStore(make_engine(db_url), "shopee", shop)
    tokens.obtain(lambda _: False, lambda _: TokenPair("a", NOW + timedelta(hours=4), "r", refresh_ends))
    tokens.note(**{AUTHORIZATION_EXPIRES_AT: authorisation_ends.isoformat()})


def test_the_ledger_check_dag_has_the_authorisation_alert_beside_the_ledger_check() -> None:
    assert sorted(ledger_check_dag().task_ids) == ["authorisations", "ledger_check"]


def test_the_task_fails_naming_each_shop_and_date_then_passes_once_reauthorised(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(tmp_path, db_url, monkeypatch, "101", "102")
    authorise(db_url, "101", NOW + timedelta(days=29), NOW + timedelta(days=6))
    authorise(db_url, "102", NOW + timedelta(days=29), NOW + timedelta(days=200))
    authorise(db_url, "999", NOW + timedelta(days=2), NOW + timedelta(days=2))  # not configured any more
    with pytest.raises(AirflowFailException) as alert:
        check_authorisations_or_fail(NOW)
    message = str(alert.value)
    assert "1 shop authorisation(s)" in message and "within 14 days" in message
    assert "shopee:101 authorisation ends in 6 d 0 h (2026-12-07 02:00 UTC" in message
    assert "102" not in message.replace("2026-12", "") and "999" not in message
    assert "omnikop shops authorize" in message
    monkeypatch.setenv("OMNIKOP_AUTHORIZATION_WARNING_DAYS", "5")
    assert check_authorisations_or_fail(NOW) == "no shop authorisation or refresh token ends within 5 days"
    monkeypatch.delenv("OMNIKOP_AUTHORIZATION_WARNING_DAYS")
    authorise(db_url, "101", NOW + timedelta(days=30), NOW + timedelta(days=365))  # the seller authorised again
    assert "no shop authorisation" in check_authorisations_or_fail(NOW)
