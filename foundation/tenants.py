"""Cooperatives served by one deployment (tenants), each with its own config file and ledger database.

A secondary cooperative or a federation hosts many primary cooperatives on one Airflow. The *default*
cooperative is the one ``OMNIKOP_CONFIG`` names (what a single-cooperative install uses, with plain DAG ids).
Every ``*.yaml`` in ``OMNIKOP_TENANTS_DIR`` adds one more cooperative, named by its file stem; its DAG ids,
pools and assets carry that name as a prefix, and its config names its own ledger database.

Tasks run in their own process, so a task switches to its tenant by pointing ``OMNIKOP_CONFIG`` at the
tenant's file (``Tenant.active``) before calling the same package functions a single cooperative uses.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from foundation.config import ConfigError, config_path

TENANTS_DIR_ENV = "OMNIKOP_TENANTS_DIR"
TENANT_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
SEPARATOR = "__"


@dataclass(frozen=True)
class Tenant:
    """One cooperative: ``name`` None is the default cooperative (``OMNIKOP_CONFIG``, unprefixed ids)."""

    name: str | None = None
    config_file: Path | None = None

    def prefixed(self, identifier: str) -> str:
        """``identifier`` namespaced for this cooperative: DAG ids and pool names."""
        return identifier if self.name is None else f"{self.name}{SEPARATOR}{identifier}"

    def uri(self, path: str) -> str:
        """An asset URI in this cooperative's namespace (``omnikop://`` or ``omnikop://<name>/``)."""
        return f"omnikop://{path}" if self.name is None else f"omnikop://{self.name}/{path}"

    @property
    def database_env(self) -> str:
        """The environment variable that may hold this tenant's database URL."""
        return f"OMNIKOP_DATABASE_URL_{(self.name or '').upper()}"

    @property
    def tag(self) -> list[str]:
        return [] if self.name is None else [f"tenant:{self.name}"]

    @contextmanager
    def active(self) -> Iterator[None]:
        """Make ``load_config()`` read this cooperative's config for the duration.

        A named tenant's database is ``OMNIKOP_DATABASE_URL_<NAME>`` when set (so its password can stay in the
        environment), else the one its config file names; the deployment-wide ``OMNIKOP_DATABASE_URL`` belongs
        to the default cooperative and is hidden meanwhile."""
        if self.name is None:
            yield
            return
        saved = {key: os.environ.get(key) for key in ("OMNIKOP_CONFIG", "OMNIKOP_DATABASE_URL")}
        os.environ["OMNIKOP_CONFIG"] = str(self.config_file)
        own_database = os.environ.get(self.database_env)
        if own_database:
            os.environ["OMNIKOP_DATABASE_URL"] = own_database
        else:
            os.environ.pop("OMNIKOP_DATABASE_URL", None)
        try:
            yield
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


DEFAULT = Tenant()


def tenants() -> list[Tenant]:
    """The default cooperative (unless only tenant files exist and no default config does), then each
    tenant file in ``OMNIKOP_TENANTS_DIR`` in name order."""
    folder = os.environ.get(TENANTS_DIR_ENV)
    files = sorted(Path(folder).glob("*.yaml")) if folder and Path(folder).is_dir() else []
    named = [Tenant(_checked_name(path), path) for path in files]
    if named and not config_path().exists():
        return named
    return [DEFAULT, *named]


def tenant_named(name: str | None) -> Tenant:
    """The tenant called ``name`` (None or "" is the default cooperative); a clear error if there is none."""
    if not name:
        return DEFAULT
    for tenant in tenants():
        if tenant.name == name:
            return tenant
    folder = os.environ.get(TENANTS_DIR_ENV) or "(OMNIKOP_TENANTS_DIR is not set)"
    raise ConfigError(f"no tenant {name!r}: add {name}.yaml to {folder}")


def _checked_name(path: Path) -> str:
    if not TENANT_NAME.match(path.stem):
        raise ConfigError(
            f"tenant file {path}: the name {path.stem!r} must be lower-case letters, digits and underscores, "
            "starting with a letter (it prefixes DAG ids and pools)"
        )
    return path.stem
