"""Bank statement CSVs: both presets read the sandbox bank's exports to the rupiah, a custom column mapping
from ``omnikop.yaml`` works, and a file that does not fit is refused whole, with every bad line named."""

from __future__ import annotations

import pytest

from connectors.base.sandbox.bank import bank_statement_csv, statement_lines
from connectors.base.sandbox.world import World, WorldConfig
from foundation.bank_layouts import PRESETS
from foundation.config import ConfigError, parse_config
from reconciliation.bank_csv import StatementRejected, parse_statement

WORLD = World.generate(WorldConfig(days=6, orders_per_day=4, platforms=("shopee",), discrepancies=True))


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_each_preset_reads_the_banks_export_to_the_rupiah(preset: str):
    expected = statement_lines(WORLD)
    statement = parse_statement(bank_statement_csv(WORLD, preset).encode("utf-8"), PRESETS[preset])
    assert [(line.booked_on, line.amount) for line in statement.lines] == [(e.booked_on, e.amount) for e in expected]
    payouts = [(line, e) for line, e in zip(statement.lines, expected, strict=True) if e.reference]
    assert payouts and all(e.reference in f"{line.reference} {line.description}" for line, e in payouts)
    assert any(line.amount < 0 for line in statement.lines)  # the bank fee debit is read, signed
    if preset == "bca":  # no reference column: the bank's transaction code is taken from the description
        assert all(line.reference.count("/") == 2 for line in statement.lines if line.amount > 0)
        assert statement.skipped == {"preamble": 6, "summary": 4}


def test_a_custom_column_mapping_from_the_configuration():
    config = parse_config(
        {
            "reconciliation": {
                "bank_accounts": {
                    "bri-giro": {
                        "columns": {"date": "Tgl", "description": "Uraian", "reference": "Ref", "amount": "Nominal"},
                        "date_format": "%Y-%m-%d",
                        "decimal": ",",
                        "thousands": ".",
                        "delimiter": "|",
                    }
                }
            }
        }
    )
    text = "Tgl|Uraian|Ref|Nominal\n2026-01-08|SHOPEE PAYOUT|TRF01012026|1.250.000,00\n2026-01-31|BIAYA ADM||-10.000\n"
    statement = parse_statement(text.encode(), config.bank_account("bri-giro").layout())
    assert [(str(line.booked_on), line.amount, line.reference) for line in statement.lines] == [
        ("2026-01-08", 1_250_000, "TRF01012026"),
        ("2026-01-31", -10_000, ""),
    ]


def test_a_statement_that_does_not_fit_is_refused_whole_naming_every_bad_line():
    text = (
        "Tanggal;Keterangan;No. Referensi;Debit;Kredit;Saldo\n"
        "02/01/2026;TRANSFER MASUK;FT1;0,00;100.000,00;0\n"
        "2026-01-03;TRANSFER MASUK;FT2;0,00;100.000,00;0\n"
        "04/01/2026;TRANSFER MASUK;FT3;0,00;100.000,50;0\n"
        "05/01/2026;ANEH;FT4;5,00;5,00;0\n"
    )
    with pytest.raises(StatementRejected) as rejected:
        parse_statement(text.encode(), PRESETS["mandiri"], "mutasi.csv")
    problems = rejected.value.problems
    assert [problem.split(":")[0] for problem in problems] == ["line 3", "line 4", "line 5"]
    assert "does not match '%d/%m/%Y'" in problems[0] and "whole-rupiah" in problems[1]
    assert "nothing was stored" in str(rejected.value)
    with pytest.raises(StatementRejected, match="no header row naming the date column 'Tanggal Transaksi'"):
        parse_statement(text.encode(), PRESETS["bca"])


@pytest.mark.parametrize(
    ("account", "message"),
    [
        ({"preset": "bri"}, "'reconciliation.bank_accounts.x.preset': Value error, unknown preset 'bri'"),
        ({}, "'reconciliation.bank_accounts.x': Value error, give a 'preset' or the 'columns'"),
        ({"columns": {"date": "d", "description": "e"}}, "'reconciliation.bank_accounts.x.columns'"),
        ({"preset": "bca", "decimal": ","}, "separators must differ"),
        ({"preset": "bca", "reference_pattern": "("}, "not a valid regular expression"),
        ({"preset": "bca", "colums": {}}, "unknown key 'reconciliation.bank_accounts.x.colums'"),
    ],
)
def test_bank_account_configuration_errors_name_the_key(account: dict, message: str):  # type: ignore[type-arg]
    with pytest.raises(ConfigError) as error:
        parse_config({"reconciliation": {"bank_accounts": {"x": account}}})
    assert message in str(error.value)


def test_an_unknown_bank_account_names_the_configured_ones():
    config = parse_config({"reconciliation": {"bank_accounts": {"bca-ops": {"preset": "bca"}}}})
    with pytest.raises(ConfigError, match=r"no bank account 'mandiri' .*\(configured: bca-ops\)"):
        config.bank_account("mandiri")
