"""Which platforms exist: the folders under ``connectors/`` that hold a ``connector.py``, found on disk.

The configuration validates each shop's platform against this list, so a scaffolded connector configures at
once. Discovery reads the folder without importing any connector: the foundation stays a leaf that imports
nothing of omnikop's (``connectors.base.registry`` builds on this list and loads the declarations).
"""

from __future__ import annotations

import importlib.util
import pkgutil
from functools import lru_cache
from pathlib import Path


def connectors_root() -> Path:
    spec = importlib.util.find_spec("connectors")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the connectors package is not installed next to foundation")
    return Path(next(iter(spec.submodule_search_locations)))


def available_platforms() -> list[str]:
    """Names of the platform folders, sorted. The folder is re-read only when it changes (its mtime moves when a
    platform folder is added or removed), so a scaffolded folder counts at once, while validating a configuration
    of 1 000 shops does not list the folder 1 000 times (DAG files parse the configuration)."""
    root = connectors_root()
    return list(_platforms_in(root, root.stat().st_mtime_ns))


@lru_cache(maxsize=4)
def _platforms_in(root: Path, _mtime_ns: int) -> tuple[str, ...]:
    return tuple(
        sorted(
            module.name
            for module in pkgutil.iter_modules([str(root)])
            if module.ispkg and module.name != "base" and (root / module.name / "connector.py").exists()
        )
    )


def platforms_with(module: str) -> list[str]:
    """The platforms whose folder holds ``<module>.py`` (an optional capability, e.g. ``stock_push``)."""
    root = connectors_root()
    return [name for name in available_platforms() if (root / name / f"{module}.py").exists()]


def unknown_platform(platform: str) -> str | None:
    """Why ``platform`` cannot be configured (naming the ones that can), or None when a connector exists."""
    names = available_platforms()
    return None if platform in names else f"no connector named {platform!r}; available: {', '.join(names)}"
