"""The reconciliation DAG's task: it matches, writes the month's report, and raises the alert (a failed task
that is not retried) when open variances exceed ``reconciliation.alert_open_amount`` — after the report is
written, so finance has it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from airflow.sdk.exceptions import AirflowFailException

from omnikop.orchestration.tasks import reconcile_and_report
from tests.reconciliation.helpers import BANK_ACCOUNT, import_statement, serve_world, sqlite_copy

RUN_AFTER = datetime(2026, 1, 31, 2, 0, tzinfo=UTC)  # 09:00 WIB on the last day of January


def configure(path: Path, **settings: object) -> None:
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["reconciliation"].update(settings)
    path.write_text(yaml.safe_dump(config), encoding="utf-8")


def test_the_task_writes_the_report_then_alerts_when_open_variances_exceed_the_threshold(
    sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    with serve_world(sqlite_copy(sqlite_template, tmp_path), tmp_path, monkeypatch, discrepancies=True) as setup:
        setup.sync_in_process()
        with setup.session() as session:
            import_statement(session, setup.config(), BANK_ACCOUNT, setup.bank_statement())
    monkeypatch.setenv("OMNIKOP_CONFIG", str(setup.config_path))
    reports = tmp_path / "reports"
    configure(setup.config_path, report_dir=str(reports), alert_open_amount=1_000_000)
    with pytest.raises(AirflowFailException) as alert:
        reconcile_and_report(RUN_AFTER)
    open_total = sum(abs(d.difference) for d in setup.world.discrepancies)
    message = str(alert.value)
    assert f"open variances Rp {open_total:,}".replace(",", ".") in message and "threshold Rp 1.000.000" in message
    assert (reports / "reconciliation-2026-01.html").exists() and (reports / "reconciliation-2026-01.xlsx").exists()
    configure(setup.config_path, alert_open_amount=open_total)
    summary = reconcile_and_report(RUN_AFTER)
    assert summary["open_amount"] == open_total and summary["new"] == 0
    assert summary["variances"] == {d.kind: 1 for d in setup.world.discrepancies}
