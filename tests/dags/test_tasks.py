"""Task helpers: the window a run covers."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from omnikop.orchestration.tasks import run_window

RUN_AFTER = datetime(2026, 1, 9, 6, tzinfo=UTC)


def context(conf=None, **interval):  # type: ignore[no-untyped-def]
    return {"dag_run": SimpleNamespace(conf=conf or {}, run_after=RUN_AFTER), **interval}


def test_scheduled_runs_cover_their_data_interval():
    start, end = datetime(2026, 1, 7, 18, tzinfo=UTC), datetime(2026, 1, 8, 18, tzinfo=UTC)
    assert run_window(context(data_interval_start=start, data_interval_end=end)) == (start, end)


def test_a_manual_trigger_without_an_interval_covers_the_day_before_it():
    assert run_window(context()) == (datetime(2026, 1, 8, 6, tzinfo=UTC), RUN_AFTER)


def test_an_operator_can_ask_for_an_explicit_window():
    window = run_window(context({"since": "2026-01-01T00:00:00", "until": "2026-01-03T00:00:00+00:00"}))
    assert window == (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 3, tzinfo=UTC))
