"""Supply chain and SQL hygiene: no locked dependency with a known vulnerability; no SQL built from strings."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from tests.reliability.audit import locked_requirements, run_pip_audit, service_reachable, verdict_of

ROOT = Path(__file__).resolve().parents[2]
REQUIRE_AUDIT = os.environ.get("OMNIKOP_REQUIRE_AUDIT") == "1"


def test_locked_dependencies_have_no_known_vulnerabilities(tmp_path: Path) -> None:
    unreachable = service_reachable()
    if unreachable:
        message = f"the vulnerability service cannot be reached: {unreachable}"
        if REQUIRE_AUDIT:
            pytest.fail(f"OMNIKOP_REQUIRE_AUDIT=1 but {message}")
        pytest.skip(message + " (set OMNIKOP_REQUIRE_AUDIT=1 where it must run)")
    verdict = verdict_of(run_pip_audit(locked_requirements(ROOT, tmp_path / "requirements.txt")))
    assert verdict.vulnerable == [], "upgrade these pins in uv.lock:\n" + "\n".join(verdict.vulnerable)
    # every locked pin is on PyPI: a pin the service could not look up means the audit did not really run
    assert verdict.unaudited == [], verdict.unaudited[:10]


def test_a_known_vulnerable_pin_fails_the_verdict() -> None:
    """The report reading itself, on pip-audit's JSON shape: one vulnerable pin, one unaudited package."""
    report = {
        "dependencies": [
            {
                "name": "requests",
                "version": "2.31.0",
                "vulns": [{"id": "GHSA-9wx4-h78v-vm56", "fix_versions": ["2.32.0"]}],
            },
            {"name": "left-pad", "version": "1.0", "skip_reason": "Dependency not found on PyPI"},
            {"name": "rich", "version": "13.7.0", "vulns": []},
        ]
    }
    verdict = verdict_of(report)
    assert verdict.vulnerable == ["requests 2.31.0: GHSA-9wx4-h78v-vm56 (fix: 2.32.0)"]
    assert verdict.unaudited == ["left-pad: Dependency not found on PyPI"] and not verdict.clean


def test_sql_from_string_formatting_is_a_lint_error_everywhere() -> None:
    """ruff's S608 (bandit: SQL built by string formatting) is selected and ignored nowhere, tests included;
    ``ruff check .`` in ``make test`` then fails on any new f-string/format/% SQL. Deliberate exceptions carry a
    ``# noqa: S608`` with the reason on the line."""
    lint = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["ruff"]["lint"]
    assert "S608" in lint["select"] or "S" in lint["select"]
    assert "S608" not in lint.get("ignore", [])
    assert all("S608" not in rules for rules in lint.get("per-file-ignores", {}).values())
