"""What the stock DAG's tasks do: list the shops that can take stock pushes, and run one shop's push cycle."""

from __future__ import annotations

import importlib.util
import logging
from typing import Any

log = logging.getLogger("omnikop.tasks")


def pushable_shops(platform: str) -> list[str]:
    """The configured shops of ``platform`` whose connector offers a stock push (``connectors/<p>/stock_push.py``);
    none for a platform without one, so its mapped task simply has nothing to do."""
    from omnikop.orchestration.tasks import configured_shops

    if importlib.util.find_spec(f"connectors.{platform}.stock_push") is None:
        return []
    return configured_shops(platform)


def push_one_shop(platform: str, shop_ref: str) -> dict[str, Any]:
    """Push the shop's changed quantities (``stock.push.push_shop``). Idempotent: a rerun pushes only what is
    still unacknowledged, and sets the same absolute quantities."""
    from connectors.base.errors import AuthError, ConfigError
    from connectors.base.stock_push import PushUnsupported
    from foundation.config import ConfigError as OmnikopConfigError
    from foundation.config import load_config
    from foundation.db import make_engine
    from omnikop.shops import connector_for
    from stock.push import push_shop

    config = load_config()
    engine = make_engine(config.database_url)
    try:
        summary = push_shop(engine, config, connector_for(config, engine, platform, shop_ref))
    except PushUnsupported as unsupported:
        log.warning("omnikop stock push %s:%s skipped: %s", platform, shop_ref, unsupported)
        return {"platform": platform, "shop_ref": shop_ref, "skipped": str(unsupported)}
    except (AuthError, ConfigError, OmnikopConfigError) as error:
        from airflow.sdk.exceptions import AirflowFailException

        raise AirflowFailException(f"{platform}:{shop_ref}: {error} (retrying will not help)") from error
    finally:
        engine.dispose()
    result = {
        "platform": platform,
        "shop_ref": shop_ref,
        "skus": summary.skus,
        "changed": summary.changed,
        "acknowledged": summary.acknowledged,
        "failed": summary.failed,
        "calls": summary.calls,
        "not_managed": len(summary.not_managed),
    }
    log.info("omnikop stock push %s", result)
    return result
