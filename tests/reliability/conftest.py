"""Fixtures of the reliability suite; each computed fault-matrix cell rides on its test's report to the table
that ``tests/conftest.py`` prints at the end of every run (see ``tests.reliability.table``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path

import pytest

from tests.reliability.matrix import RESULTS, Reference, build_reference
from tests.reliability.table import CELL_PROPERTY


@pytest.fixture(scope="session")
def references(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Reference]:
    """Each connector's reference, built on first use and shared by every cell of that connector."""
    built: dict[str, Reference] = {}
    workdir = tmp_path_factory.mktemp("references")

    def get(platform: str) -> Reference:
        if platform not in built:
            built[platform] = build_reference(platform, sqlite_template, workdir)
        return built[platform]

    return get


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Attach each cell a test computed to its report, so the table can be printed where the reports meet
    (the controller, when pytest-xdist runs the tests in workers)."""
    before = len(RESULTS)
    yield
    item.user_properties.extend((CELL_PROPERTY, asdict(cell)) for cell in RESULTS[before:])
