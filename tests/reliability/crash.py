"""A sync in a separate process that ``SIGKILL``s itself at a named point of the pipeline.

The process comes from a fork server that has imported the pipeline once, so a crash cell costs a fork, not a
Python start-up. The kill itself is the pipeline's own ``fault_point`` hook (``OMNIKOP_FAULT_POINT``): no
``finally`` block, no rollback handler and no connection close runs, exactly as when the OOM killer or a node
failure ends an Airflow worker.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from dataclasses import dataclass
from datetime import datetime

from connectors.base.windows import Window
from foundation.config import parse_config
from foundation.db import make_engine
from omnikop.demo.fixtures import shop_configs
from sync.pipeline import FAULT_POINT_ENV, sync_shop
from tests.reliability.bench import Instance, make_connector

PRELOAD = ["tests.reliability.crash"]


@dataclass(frozen=True)
class SyncOrder:
    """Everything the child needs to run ``omnikop sync`` for the instance's shops (picklable)."""

    platform: str
    db_url: str
    config: dict[str, object]
    shops: tuple[tuple[str, str, str | None], ...]  # (shop_ref, connection JSON, flavor)
    window: tuple[str, str]

    @classmethod
    def of(cls, instance: Instance, db_url: str) -> SyncOrder:
        window = instance.window()
        return cls(
            instance.platform,
            db_url,
            {"database": {"url": db_url}, "shops": shop_configs(instance.world, platforms=[instance.platform])},
            tuple((shop, instance.connection(shop), instance.flavor(shop)) for shop in instance.shops),
            (window.start.isoformat(), window.end.isoformat()),
        )


def _run(order: SyncOrder, point: str) -> None:
    os.environ[FAULT_POINT_ENV] = point
    engine = make_engine(order.db_url)
    config = parse_config(order.config)
    window = Window(datetime.fromisoformat(order.window[0]), datetime.fromisoformat(order.window[1]))
    for shop, connection, flavor in order.shops:
        sync_shop(engine, config, make_connector(order.platform, engine, shop, connection, flavor), window)


def sync_until_killed(order: SyncOrder, point: str, timeout: float = 60) -> int:
    """Run the sync in a child that kills itself at ``point``; return the child's exit code (-9 when killed)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    child = context.Process(target=_run, args=(order, point), daemon=True)
    child.start()
    child.join(timeout)
    if child.exitcode is None:
        child.kill()
        child.join(5)
    return child.exitcode if child.exitcode is not None else -signal.SIGKILL - 1000
