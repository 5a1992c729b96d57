"""Bring a database to the current schema (Alembic) and seed reference data: the chart of accounts, with each
discovered connector's marketplace receivable (declared in ``connectors/<platform>/platform.py``)."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from connectors.base.registry import platforms
from foundation.db import transaction
from ledger.chart import AccountSpec, marketplace_receivable, seed_chart

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["database_url"] = engine.url.render_as_string(hide_password=False)
    return config


def upgrade(engine: Engine) -> int:
    """Migrate to head and seed the chart; return the number of accounts added. Safe to run repeatedly."""
    config = alembic_config(engine)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # one summary line is enough for operators
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    with transaction(engine) as session:
        return seed_chart(session, declared=declared_accounts())


def declared_accounts() -> list[AccountSpec]:
    """The chart rows the connectors declare: one marketplace receivable per platform."""
    return [marketplace_receivable(info.receivable.code, info.receivable.name) for info in platforms()]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
