"""Fixtures for the reconciliation tests (the helpers they use are in ``helpers.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.reconciliation.helpers import SetupFactory, serve_world


@pytest.fixture
def served_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SetupFactory]:
    """``served_world(db_url, discrepancies=…, layout=…)``: a served world and a configured omnikop for it."""
    with ExitStack() as stack:
        yield lambda db_url, **options: stack.enter_context(serve_world(db_url, tmp_path, monkeypatch, **options))
