"""What the SHU DAG's tasks do: plain functions over ``shu``, called by thin ``@task`` wrappers (``shu_dag``).

The compute task returns what the approver must see (figures, the inputs hash, where the tables are); the post
task receives the approver's answer from the ``ApprovalOperator`` and posts exactly the hash that was approved.
A refusal (inputs changed, already posted from other inputs) fails the task without retries: retrying cannot
fix it, a new compute and approval can.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Any

log = logging.getLogger("omnikop.shu")


def year_from_conf(conf: dict[str, Any] | None) -> int:
    """The financial year from ``dag_run.conf["year"]`` (the DAG is triggered by hand, per year)."""
    year = (conf or {}).get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2999:
        from airflow.sdk.exceptions import AirflowFailException

        raise AirflowFailException(f"trigger omnikop_shu with conf {{'year': YYYY}}; got {year!r}")
    return year


def compute_for_approval(year: int, surplus: int | None = None) -> dict[str, Any]:
    """Compute and store the year's SHU, write its tables, return the approval summary (nothing is posted)."""
    from foundation.config import load_config
    from foundation.db import make_engine, transaction
    from shu.compute import compute_shu
    from shu.outputs import write_outputs
    from shu.snapshot import canonical_json

    config = load_config()
    engine = make_engine(config.database_url)
    try:
        with transaction(engine) as session:
            run = compute_shu(session, year, config.shu, surplus=surplus)
    finally:
        engine.dispose()
    results = run.results()
    paths = write_outputs(year, run.inputs_hash, canonical_json(run.inputs), results, Path(config.shu.output_dir))
    summary = {
        "year": year,
        "inputs_hash": run.inputs_hash,
        "computation_id": run.computation_id,
        "surplus": run.allocation.surplus,
        "members": len(run.allocation.shares),
        "files": [str(path.resolve()) for path in paths],
        "body": approval_body(year, run.inputs_hash, results, paths),
    }
    log.info(
        "SHU %s computed: S %s, %s member(s), inputs %s", year, summary["surplus"], summary["members"], run.inputs_hash
    )
    return summary


def approval_body(year: int, inputs_hash: str, results: dict[str, Any], paths: list[Path]) -> str:
    """Markdown for the approver: the pools, the member total and the hash they are approving."""
    from ledger.money import format_idr

    lines = [
        f"**SHU {year}**: {format_idr(results['surplus'])} ({results['surplus_source']}).",
        "",
        "| Komponen | bp | Jumlah |",
        "|---|---:|---:|",
        *(f"| {p['label']} | {p['bps']} | {format_idr(p['amount'])} |" for p in results["pools"]),
        "",
        f"To members: {format_idr(results['members_total'])}; to cadangan: {format_idr(results['reserve_total'])}.",
        f"Inputs hash: `{inputs_hash}`. Approving posts exactly these inputs; if the ledger changes first,"
        " posting refuses.",
        "",
        "Tables: " + ", ".join(f"`{path}`" for path in paths),
    ]
    return "\n".join(lines)


def post_approved(year: int, inputs_hash: str, approval: dict[str, Any]) -> dict[str, Any]:
    """Post the approved computation, recording the approver Airflow reports (``responded_by_user``)."""
    from airflow.sdk.exceptions import AirflowFailException

    from foundation.config import load_config
    from foundation.db import make_engine, transaction
    from shu.errors import ShuError
    from shu.posting import post_shu

    if approval.get("chosen_options") != ["Approve"]:
        raise AirflowFailException(f"SHU {year} was not approved ({approval.get('chosen_options')}); nothing posted")
    user = approval.get("responded_by_user") or {}
    approver = user.get("name") or user.get("id") or "unknown"
    responded = approval.get("responded_at")
    approved_at = datetime.fromisoformat(responded) if isinstance(responded, str) else responded
    config = load_config()
    engine = make_engine(config.database_url)
    try:
        with transaction(engine) as session:
            outcome = post_shu(
                session,
                year,
                config.shu,
                approved_by=approver,
                inputs_hash=inputs_hash,
                approved_at=approved_at,
                channel="airflow",
            )
    except ShuError as error:
        raise AirflowFailException(str(error)) from error
    finally:
        engine.dispose()
    log.info("SHU %s %s: %s entries, approved by %s", year, outcome.outcome, outcome.entries, outcome.approved_by)
    return {"year": year, "outcome": outcome.outcome, "entries": outcome.entries, "approved_by": outcome.approved_by}
