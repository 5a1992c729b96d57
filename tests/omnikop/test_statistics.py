"""Planner statistics during a large sync: a table is analysed once it has changed by more than autovacuum's rule
(here: about doubled) since its last ANALYZE, and not again until it changes that much more."""

from __future__ import annotations

from sqlalchemy import text

from foundation.db import make_engine, refresh_statistics


def _insert_documents(engine, count: int, prefix: str) -> None:  # type: ignore[no-untyped-def]
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO documents (platform, shop_ref, doc_type, external_id, revision, payload, raw_page_id,"
                " updated_at) SELECT 'shopee', '1', 'order', :prefix || n, '1', '{}', 1, now()"
                " FROM generate_series(1, :count) AS n"
            ),
            {"prefix": prefix, "count": count},
        )
        connection.execute(text("SELECT pg_stat_force_next_flush()"))  # the counts are read by another session


def test_a_table_is_analysed_when_it_has_grown_and_not_again_until_it_grows_more(pg_url):
    engine = make_engine(pg_url)
    _insert_documents(engine, 1_000, "a")
    assert "documents" in refresh_statistics(engine, ("documents",))
    with engine.connect() as connection:
        analysed = connection.execute(
            text("SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'documents'")
        ).scalar_one()
    assert refresh_statistics(engine, ("documents",)) == []  # nothing changed since
    _insert_documents(engine, 500, "b")  # 500 changed rows ≤ 50 + ½ × 1 500
    assert refresh_statistics(engine, ("documents",)) == []
    _insert_documents(engine, 700, "c")  # 1 200 > 50 + ½ × 2 200
    assert refresh_statistics(engine, ("documents",)) == ["documents"]
    with engine.connect() as connection:
        assert (
            connection.execute(
                text("SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'documents'")
            ).scalar_one()
            == analysed + 1
        )
    engine.dispose()


def test_sqlite_has_nothing_to_analyse(tmp_path):
    assert refresh_statistics(make_engine(f"sqlite:///{tmp_path / 'omnikop.db'}"), ("documents",)) == []
