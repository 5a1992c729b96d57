"""Serve a sandbox app on loopback: in a background thread (tests, demo) or in the foreground (CLI).

Also the pieces every platform sandbox shares: the request log and admin routes (``/_sandbox/...``), the
fault middleware that turns ``FaultPlan`` switches into slow answers, aborted connections and broken bodies.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import uvicorn
from fastapi import FastAPI, Request, Response

from connectors.base.redact import redact_mapping
from connectors.base.sandbox.faults import FaultPlan
from connectors.base.sandbox.world import World


@dataclass
class SandboxState:
    """What a platform sandbox shares with its admin routes and with in-process tests."""

    world: World
    faults: FaultPlan = field(default_factory=FaultPlan)
    requests: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def log(self, request: Request, faults: set[str]) -> None:
        with self.lock:
            self.requests.append(
                {
                    "method": request.method,
                    "path": request.url.path,
                    "params": redact_mapping(dict(request.query_params)),
                    "faults": sorted(faults),
                }
            )

    def requests_to(self, path_suffix: str) -> list[dict[str, Any]]:
        with self.lock:
            return [r for r in self.requests if r["path"].endswith(path_suffix)]


def add_admin_routes(app: FastAPI, state: SandboxState) -> None:
    @app.get("/_sandbox/requests")
    def requests_log() -> list[dict[str, Any]]:
        return list(state.requests)

    @app.post("/_sandbox/faults")
    async def set_faults(request: Request) -> dict[str, Any]:
        state.faults.update(await request.json())
        return state.faults.snapshot()

    @app.post("/_sandbox/clock")
    async def set_clock(request: Request) -> dict[str, str]:
        state.world.as_of = datetime.fromisoformat((await request.json())["as_of"])
        return {"as_of": state.world.as_of.isoformat()}


FaultRenderer = Callable[[str, FaultPlan], Response]


def install_fault_middleware(
    app: FastAPI, state: SandboxState, render: FaultRenderer, *, exempt: tuple[str, ...] = ()
) -> None:
    """Apply the plan's transport-level faults; ``render(kind, plan)`` gives the platform's error answer.

    ``kind`` is 'rate_limit' or 'server_errors'. Body faults (malformed, truncated) corrupt the real answer.
    Connection resets abort the TCP connection (uvicorn's transport) without an HTTP answer.
    """

    @app.middleware("http")
    async def faults(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        path = request.url.path
        if path.startswith("/_sandbox") or any(path.startswith(prefix) for prefix in exempt):
            return await call_next(request)
        active = state.faults.next_request(path)
        state.log(request, active)
        request.state.faults = active
        if "slow" in active:
            await asyncio.sleep(state.faults.slow_seconds)
        if "connection_resets" in active:
            _abort(request)
            return Response(status_code=500)
        for kind in ("rate_limit", "server_errors"):
            if kind in active:
                return render(kind, state.faults)
        response = await call_next(request)
        if active & {"malformed_json", "truncated"}:
            body = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]
            broken = body[: len(body) // 2] if "truncated" in active else b"<html>502 Bad Gateway</html>"
            headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
            return Response(broken, status_code=200, headers=headers, media_type="application/json")
        return response


def _abort(request: Request) -> None:
    """Abort the client's TCP connection (works with uvicorn's h11/httptools transports)."""
    transport = getattr(request.scope.get("_omnikop_send"), "__self__", None)
    transport = getattr(transport, "transport", None)
    if transport is not None:
        transport.abort()


class _SendCapture:
    """ASGI wrapper that exposes uvicorn's ``send`` on the scope so the fault middleware can abort."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            scope["_omnikop_send"] = send
        await self.app(scope, receive, send)


class _PromptServer(uvicorn.Server):
    """uvicorn's server, stopped as soon as asked: uvicorn polls ``should_exit`` every 0.1 s and sleeps a fixed
    0.1 s in its shutdown before polling, again every 0.1 s, for the connections to close, so a stop took ~0.2 s
    (paid by each of the hundreds of sandboxes a test run starts). The same steps in the same order: the main loop
    also wakes when ``wake`` is called, and the shutdown waits for the connections and tasks in 5 ms steps."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._woken: asyncio.Event | None = None

    def wake(self) -> None:
        """Called from another thread after setting ``should_exit``: end the main loop's wait now."""
        loop, woken = self._loop, self._woken
        if loop is not None and woken is not None:
            try:
                loop.call_soon_threadsafe(woken.set)
            except RuntimeError:  # the loop has already closed: the server is gone
                pass

    async def main_loop(self) -> None:
        self._woken = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        counter = 0
        should_exit = await self.on_tick(counter)
        while not should_exit:
            counter = (counter + 1) % 864000
            try:
                await asyncio.wait_for(self._woken.wait(), timeout=0.1)
            except TimeoutError:
                pass
            should_exit = await self.on_tick(counter)

    async def _closed(self) -> None:
        while (self.server_state.connections or self.server_state.tasks) and not self.force_exit:
            await asyncio.sleep(0.005)
        for server in self.servers:
            await server.wait_closed()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        try:
            await asyncio.wait_for(self._closed(), timeout=self.config.timeout_graceful_shutdown)
        except TimeoutError:
            for task in self.server_state.tasks:
                task.cancel(msg="Task cancelled, timeout graceful shutdown exceeded")
        if not self.force_exit:
            await self.lifespan.shutdown()


class SandboxServer:
    """Run an ASGI app on 127.0.0.1 in a daemon thread; ``port=0`` picks a free port."""

    def __init__(self, app: Any, port: int = 0, host: str = "127.0.0.1") -> None:
        self.host, self.port = host, port or _free_port(host)
        config = uvicorn.Config(_SendCapture(app), host=host, port=self.port, log_level="warning", lifespan="off")
        self._server = _PromptServer(config)
        self._thread = threading.Thread(target=self._server.run, name=f"sandbox:{self.port}", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> SandboxServer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"sandbox server on {self.url} did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._server.wake()
        self._thread.join(timeout=10)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


def serve_foreground(app: Any, port: int, host: str = "127.0.0.1") -> None:
    """Serve until Ctrl-C (uvicorn handles SIGINT/SIGTERM and shuts down cleanly)."""
    uvicorn.run(_SendCapture(app), host=host, port=port, log_level="info", lifespan="off")


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]
