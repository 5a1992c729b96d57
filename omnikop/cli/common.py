"""Shared CLI plumbing: the console, the configured engine, and turning known errors into clean exits."""

from __future__ import annotations

from functools import cache

from rich.console import Console
from sqlalchemy import Engine

from foundation.config import OmnikopConfig, load_config
from foundation.db import make_engine

console = Console(highlight=False, soft_wrap=True)
errors = Console(stderr=True, highlight=False, soft_wrap=True)


@cache
def config() -> OmnikopConfig:
    return load_config()


@cache
def engine() -> Engine:
    return make_engine(config().database_url)


def redacted_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)
