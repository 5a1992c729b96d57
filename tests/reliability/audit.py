"""Dependency audit: the locked requirements checked against known vulnerabilities with ``pip-audit``.

The vulnerability data lives online (PyPI's JSON API or OSV). Where it cannot be reached the audit cannot
say anything; then the check is skipped with the reason, unless ``OMNIKOP_REQUIRE_AUDIT=1`` (set it in a CI
that has the access) turns that into a failure. A pin with a known vulnerability always fails.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import requests

# What pip-audit's default service reads for every pin: the per-version JSON with its "vulnerabilities" list.
PROBE_URL = "https://pypi.org/pypi/pip/24.0/json"


@dataclass
class Verdict:
    vulnerable: list[str] = field(default_factory=list)  # "name version: id (fix: x)"
    unaudited: list[str] = field(default_factory=list)  # packages the service could not look up

    @property
    def clean(self) -> bool:
        return not self.vulnerable and not self.unaudited


def service_reachable(timeout: float = 5.0) -> str | None:
    """None if the vulnerability service answers; otherwise why not (for the skip reason)."""
    try:
        answer = requests.get(PROBE_URL, timeout=timeout)
    except requests.RequestException as error:
        return f"{PROBE_URL} unreachable ({type(error).__name__})"
    if answer.status_code != 200 or '"vulnerabilities"' not in answer.text:
        return f"{PROBE_URL} answered HTTP {answer.status_code} without vulnerability data"
    return None


def locked_requirements(root: Path, out: Path) -> Path:
    """Every pinned package of ``uv.lock`` (all groups), as a requirements file."""
    uv = Path(sys.executable).with_name("uv")
    exported = subprocess.run(
        [str(uv), "export", "--frozen", "--no-hashes", "--no-emit-project", "--all-groups"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    out.write_text(exported.stdout, encoding="utf-8")
    return out


def run_pip_audit(requirements: Path) -> dict[str, object]:
    pip_audit = Path(sys.executable).with_name("pip-audit")
    result = subprocess.run(
        [
            str(pip_audit),
            "-r",
            str(requirements),
            "--no-deps",
            "--disable-pip",
            "--format",
            "json",
            "--progress-spinner",
            "off",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if not result.stdout.strip().startswith("{"):
        raise RuntimeError(f"pip-audit failed ({result.returncode}): {result.stderr[-2000:]}")
    return json.loads(result.stdout)


def verdict_of(report: dict[str, object]) -> Verdict:
    """Read pip-audit's JSON report: vulnerable pins and packages that could not be audited."""
    verdict = Verdict()
    for dependency in report.get("dependencies", []):  # type: ignore[union-attr]
        name, version = dependency.get("name"), dependency.get("version", "?")
        if dependency.get("skip_reason"):
            verdict.unaudited.append(f"{name}: {dependency['skip_reason']}")
        for vuln in dependency.get("vulns", []):
            fixes = ", ".join(vuln.get("fix_versions", [])) or "none yet"
            verdict.vulnerable.append(f"{name} {version}: {vuln.get('id')} (fix: {fixes})")
    return verdict
