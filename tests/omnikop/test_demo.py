"""``omnikop demo`` (what ``make demo`` runs) on embedded defaults, in a fresh working directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ledger.fingerprint import ledger_fingerprint
from omnikop.db import make_engine, transaction

OMNIKOP = str(Path(sys.executable).with_name("omnikop"))


def run_demo(workdir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMNIKOP_", "AIRFLOW"))}
    return subprocess.run([OMNIKOP, "demo"], cwd=workdir, env=env, capture_output=True, text=True, timeout=1200)


def fingerprint(workdir: Path) -> str:
    engine = make_engine(f"sqlite:///{workdir / '.omnikop' / 'omnikop.db'}")
    with transaction(engine) as session:
        value = ledger_fingerprint(session)
    engine.dispose()
    return value


@pytest.mark.slow
def test_demo_writes_its_outputs_passes_bean_check_and_a_second_run_changes_nothing(tmp_path: Path):
    first = run_demo(tmp_path)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert "bean-check: passed" in first.stdout
    out = tmp_path / "out"
    for name in (
        "trial_balance.csv",
        "journal.csv",
        "ledger.beancount",
        "statements/member-0001.html",
        "reconciliation/reconciliation-2026-10.html",
        "reconciliation/reconciliation-2026-10.xlsx",
    ):
        assert (out / name).stat().st_size > 0, name
    assert "omnikop_ledger_check: success" in first.stdout
    books = fingerprint(tmp_path)
    second = run_demo(tmp_path)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert fingerprint(tmp_path) == books
