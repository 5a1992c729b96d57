"""The ledger's copy of its guard SQL (``ledger.triggers``) is what a migrated database really runs."""

from __future__ import annotations

import re

from sqlalchemy import Engine, text

from ledger.triggers import POSTGRESQL_BALANCE_CHECK, SQLITE_GUARDS


def _words(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip()


def test_the_guards_a_migrated_database_holds_are_the_ledgers(engine: Engine) -> None:
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            installed = {
                _words(sql)
                for (sql,) in connection.execute(text("SELECT sql FROM sqlite_master WHERE type = 'trigger'"))
            }
            assert {_words(sql) for sql in SQLITE_GUARDS} <= installed
            return
        body = connection.scalar(text("SELECT prosrc FROM pg_proc WHERE proname = 'omnikop_check_balance'"))
    expected = re.search(r"AS \$\$(.*)\$\$;", POSTGRESQL_BALANCE_CHECK, re.S)
    assert expected is not None
    assert _words(body) == _words(expected.group(1))
