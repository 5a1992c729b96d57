"""The command line works against both databases, as a user runs it."""

from __future__ import annotations

from tests.ledger.test_check import run_cli


def test_help_lists_the_commands(db_url):
    result = run_cli(db_url, "--help")
    assert result.returncode == 0
    for command in ("db", "ledger", "demo", "sync", "members", "mappings", "quarantine", "sandbox", "airflow"):
        assert command in result.stdout


def test_db_upgrade_is_repeatable_and_ledger_check_is_clean(db_url):
    first = run_cli(db_url, "db", "upgrade")
    assert first.returncode == 0, first.stderr
    assert "at revision" in first.stdout and "(0 account(s) added" in first.stdout
    check = run_cli(db_url, "ledger", "check")
    assert check.returncode == 0 and "clean" in check.stdout


def test_an_unreachable_database_gives_a_clear_error():
    result = run_cli("postgresql+psycopg://nobody@127.0.0.1:1/none", "ledger", "check")
    assert result.returncode == 2
    assert "cannot reach the database" in result.stderr and "Traceback" not in result.stderr


def test_an_unmigrated_database_says_to_run_db_upgrade(tmp_path):
    result = run_cli(f"sqlite:///{tmp_path}/empty.db", "ledger", "check")
    assert result.returncode == 2 and "omnikop db upgrade" in result.stderr
