"""Find a platform's sandbox class: ``connectors/<platform>/sandbox`` exports ``SANDBOX``."""

from __future__ import annotations

import importlib

from connectors.base.errors import ConfigError
from connectors.base.registry import available_platforms
from connectors.base.sandbox.platform import PlatformSandbox


def sandbox_class(platform: str) -> type[PlatformSandbox]:
    if platform not in available_platforms():
        raise ConfigError(f"no connector named {platform!r}; available: {', '.join(available_platforms())}")
    module = importlib.import_module(f"connectors.{platform}.sandbox")
    return module.SANDBOX
