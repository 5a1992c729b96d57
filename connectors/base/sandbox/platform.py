"""What every platform sandbox offers the conformance kit, the CLI and the demo."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

from fastapi import FastAPI

from connectors.base.sandbox.server import SandboxState
from connectors.base.sandbox.shape import WorldShape
from connectors.base.sandbox.world import World


class PlatformSandbox(ABC):
    platform: str
    # How this platform's part of the world is generated; the default is what a scaffolded platform gets.
    shape: ClassVar[WorldShape] = WorldShape()

    def __init__(self, world: World) -> None:
        self.world = world
        self.state = SandboxState(world)
        self.app: FastAPI = self.build_app()

    @abstractmethod
    def build_app(self) -> FastAPI: ...

    @abstractmethod
    def connection_for(self, shop_ref: str, base_url: str) -> dict[str, Any]:
        """The Airflow Connection (conn_type, host, login, password, extra) that reaches this sandbox's shop."""

    def shop_refs(self) -> list[str]:
        return [shop.shop_ref for shop in self.world.shops_on(self.platform)]

    def banner(self, base_url: str) -> list[str]:
        lines = [f"{self.platform} sandbox on {base_url} (seed {self.world.config.seed})"]
        for shop_ref in self.shop_refs():
            connection = self.connection_for(shop_ref, base_url)
            secrets = ", ".join(f"{k}={v}" for k, v in connection.get("extra", {}).items())
            lines.append(f"  shop {shop_ref}: login={connection['login']} password={connection['password']} {secrets}")
        return lines

    def reset_faults(self) -> None:
        self.state.faults.reset()
