"""Test fixtures: a migrated database on SQLite and, when reachable, on PostgreSQL.

PostgreSQL tests run when ``OMNIKOP_TEST_PG_URL`` points at a server (``.ci/run`` sets it) and are skipped
with a visible reason otherwise. With ``OMNIKOP_REQUIRE_PG=1`` (also set by ``.ci/run``) an unreachable
PostgreSQL fails the run instead of skipping, so CI can never pass without the PostgreSQL half.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from foundation.db import make_engine
from omnikop import migrate
from omnikop.schema import metadata

PG_URL = os.environ.get("OMNIKOP_TEST_PG_URL")
REQUIRE_PG = os.environ.get("OMNIKOP_REQUIRE_PG") == "1"
KEEP_TABLES = {"accounts", "alembic_version"}


def _skip_or_fail(reason: str) -> None:
    if REQUIRE_PG:
        pytest.fail(f"PostgreSQL is required (OMNIKOP_REQUIRE_PG=1) but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for each test (migrating per test would be slow)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_session_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, migrated once and dropped at the end."""
    if not PG_URL:
        _skip_or_fail("OMNIKOP_TEST_PG_URL is not set (set it to a PostgreSQL URL to run these tests)")
    name = f"omnikop_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        admin.dispose()
        _skip_or_fail(f"PostgreSQL at {make_url(PG_URL).render_as_string()} is not reachable: {error}")
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


# Tables whose own sequence (serial or identity column) has handed out a value since its last restart.
_ADVANCED_SEQUENCE_TABLES = text(
    "SELECT DISTINCT t.relname FROM pg_sequences s"
    " JOIN pg_class c ON c.relname = s.sequencename AND c.relkind = 'S'"
    " JOIN pg_depend d ON d.objid = c.oid AND d.classid = 'pg_class'::regclass"
    " AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')"
    " JOIN pg_class t ON t.oid = d.refobjid"
    " WHERE s.schemaname = current_schema() AND s.last_value IS NOT NULL"
)


def _truncate_all(url: str) -> None:
    """Every omnikop table (but the chart and Alembic's version) empty, its identities restarted.

    Only the tables a test left *dirty* (rows, or a sequence that handed out a value) are truncated: the result is
    the same as truncating all of them (an untouched table is already empty with a fresh sequence), but TRUNCATE
    costs ~25 ms per table on PostgreSQL, ~0.5 s for all of them, paid before each of ~200 PostgreSQL tests.
    """
    engine = make_engine(url)
    tables = [table.name for table in metadata.sorted_tables if table.name not in KEEP_TABLES]
    with engine.begin() as connection:
        probes = (f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM {name})" for name in tables)  # noqa: S608 (our table names)
        rows = " UNION ALL ".join(probes)
        dirty = set(connection.execute(text(rows)).scalars())
        dirty |= set(connection.execute(_ADVANCED_SEQUENCE_TABLES).scalars()) & set(tables)
        if dirty:
            names = ", ".join(name for name in tables if name in dirty)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of an empty, migrated omnikop database (chart seeded), on each database in turn."""
    if request.param == "sqlite":
        path = tmp_path / "omnikop.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("pg_session_url")
    _truncate_all(url)
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def pg_url(request: pytest.FixtureRequest) -> str:
    """PostgreSQL only (for behaviour SQLite cannot show, such as concurrent writers)."""
    url = request.getfixturevalue("pg_session_url")
    _truncate_all(url)
    return url


def _expected_seconds(item: pytest.Item) -> float:
    """A slow test's ``@pytest.mark.slow(seconds=…)`` estimate (its duration on a 2-core runner); 0 without one."""
    marker = item.get_closest_marker("slow")
    return float(marker.kwargs.get("seconds", 0)) if marker is not None else 0.0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Slow integration tests first, the longest estimates first among them: with several test processes, a long
    test started last would be the tail of the whole run (pytest-xdist hands the items out in this order)."""
    items.sort(key=lambda item: (item.get_closest_marker("slow") is None, -_expected_seconds(item)))


def pytest_configure(config: pytest.Config) -> None:
    """With pytest-xdist's default ``load`` schedule (``-n N``), schedule as ``loadgroup`` does instead: tests are
    handed out one at a time, in the order above, to whichever worker is free. ``load`` splits the first quarter
    of the run between the workers up front, so the long tests could pile up on one worker while the other idles
    at the end. (Not ``--dist`` in ``addopts``: a run with ``-p no:xdist`` would refuse the option.)"""
    if not hasattr(config, "workerinput") and getattr(config.option, "dist", "no") == "load":
        config.option.dist = "loadgroup"


SUMMARY_PROPERTY = "terminal_summary_section"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Sections tests asked to show whatever the outcome (``user_properties`` entries named
    ``SUMMARY_PROPERTY``: title and lines), then the fault matrix if its cells ran. Lives here, not in a
    sub-folder conftest, because only this one is loaded by pytest-xdist's controller, where the reports meet."""
    matrix_ran = False
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", "") != "call":
                continue
            for name, value in getattr(report, "user_properties", ()):
                if name == SUMMARY_PROPERTY:
                    terminalreporter.section(value["title"])
                    for line in value["lines"]:
                        terminalreporter.write_line(line)
                matrix_ran = matrix_ran or name == "fault_matrix_cell"  # tests.reliability.table.CELL_PROPERTY
    if matrix_ran:
        from tests.reliability.table import write_table

        write_table(terminalreporter)
