"""What profit sharing relies on from the rest of omnikop: the volume tags, the chart, the schema, the config."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from core_mapping.rules import TAG_REFUND, TAG_REFUND_SHARED, TAG_VOLUME
from foundation.config import ConfigError, parse_config
from ledger.chart import read_chart
from omnikop.schema import metadata
from shu.accounts import BANK, COMPONENT_ACCOUNTS, SAVINGS_ACCOUNTS, SHU_UNDISTRIBUTED, VOLUME_TAGS


def test_the_volume_tags_are_the_ones_the_posting_rules_write():
    assert VOLUME_TAGS == (TAG_VOLUME, TAG_REFUND, TAG_REFUND_SHARED)


def test_every_account_shu_books_to_is_a_postable_chart_account_with_the_right_dimension():
    chart = {spec.code: spec for spec in read_chart()}
    for code in {BANK, SHU_UNDISTRIBUTED, *COMPONENT_ACCOUNTS.values(), *SAVINGS_ACCOUNTS.values()}:
        assert chart[code].postable, code
    assert {chart[code].dimension for code in SAVINGS_ACCOUNTS.values()} == {"member"}
    assert chart[COMPONENT_ACCOUNTS["jasa_usaha"]].dimension == "member"
    assert chart[SHU_UNDISTRIBUTED].dimension is None and chart[COMPONENT_ACCOUNTS["cadangan"]].dimension is None


def test_an_allocation_not_summing_to_10_000_bp_is_refused_naming_the_key_and_the_sum():
    raw = {"shu": {"allocation_bps": {"cadangan": 4000, "jasa_usaha": 4000, "jasa_modal": 2000, "sosial": 500}}}
    with pytest.raises(ConfigError) as refused:
        parse_config(raw, "omnikop.yaml")
    assert "'shu.allocation_bps'" in str(refused.value) and "sum to 10500 basis points, not 10000" in str(refused.value)
    with pytest.raises(ConfigError, match="'shu.exited_members'"):
        parse_config({"shu": {"exited_members": "pro_rata"}})
    assert parse_config({}).shu.allocation_bps["cadangan"] == 4000


def test_the_migration_creates_exactly_the_shu_tables_of_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        drift = [diff for diff in compare_metadata(context, metadata) if "shu_" in str(diff)]
    assert drift == []
