"""The one configuration file, ``omnikop.yaml``: database, shops and accounting policy.

Path from ``OMNIKOP_CONFIG`` (default ``./omnikop.yaml``). A missing file means "all defaults", which is
the embedded SQLite database under ``./.omnikop/``. ``OMNIKOP_DATABASE_URL`` overrides the file's URL so
one config can be pointed at PostgreSQL. Validation errors name the offending key.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError, field_validator, model_validator

from foundation.allocation_split import DEFAULT_BPS, check_bps
from foundation.bank_layouts import PRESETS, BankColumns, BankLayout
from foundation.platforms import unknown_platform

DEFAULT_CONFIG_PATH = Path("omnikop.yaml")
DEFAULT_DATABASE_URL = "sqlite:///.omnikop/omnikop.db"
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: DAG files parse this file


class ConfigError(Exception):
    """The configuration file is missing a value or has a bad one; the message names the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DatabaseConfig(_Strict):
    url: str = DEFAULT_DATABASE_URL


class PolicyOverride(_Strict):
    model: Literal["consignment", "principal"] | None = None
    commission_bps: int | None = Field(None, ge=0, le=10_000)
    marketplace_fees: Literal["charge_member", "absorb"] | None = None
    pph22: Literal["prepaid_tax", "recharge_member"] | None = None


class PolicyConfig(_Strict):
    """Accounting policy (design §5). Overridable per shop (``shops[].policy``) and per member agreement
    (``policy.members``); a member's agreement wins over the shop's, which wins over these defaults."""

    model: Literal["consignment", "principal"] = "consignment"
    commission_bps: int = Field(500, ge=0, le=10_000, description="coop commission, basis points of gross")
    marketplace_fees: Literal["charge_member", "absorb"] = "charge_member"
    pph22: Literal["prepaid_tax", "recharge_member"] = "prepaid_tax"
    members: dict[str, PolicyOverride] = Field(default_factory=dict, description="member_no → agreement terms")


class ShopConfig(_Strict):
    platform: str = Field(description="a connector under connectors/ (the registry's discovered platforms)")
    shop_ref: str = Field(min_length=1, description="the platform's shop / outlet / merchant id")
    conn_id: str = Field(min_length=1, description="Airflow Connection id holding this shop's credentials")
    schedule: str = "@daily"
    lookback_hours: int = Field(48, ge=0, le=24 * 30)
    flavor: str | None = None
    policy: PolicyOverride = PolicyOverride()

    @field_validator("platform")
    @classmethod
    def _known_platform(cls, value: str) -> str:
        """Checked against the discovered connectors, not a fixed list, so a scaffolded platform configures."""
        problem = unknown_platform(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("shop_ref", mode="before")
    @classmethod
    def _shop_ref_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value


class BankAccountConfig(_Strict):
    """One bank account whose statements are imported: a layout ``preset`` and/or ``columns``, plus overrides."""

    preset: str | None = Field(None, description=f"one of: {', '.join(sorted(PRESETS))}")
    columns: BankColumns | None = None
    date_format: str | None = None
    decimal: Literal[".", ","] | None = None
    thousands: Literal[",", ".", " ", ""] | None = None
    delimiter: str | None = Field(None, min_length=1, max_length=1)
    encoding: str | None = None
    reference_pattern: str | None = None
    footer_labels: tuple[str, ...] | None = None
    ledger_account: str = Field("1-1200", description="the ledger's account for this bank account")

    @field_validator("preset")
    @classmethod
    def _known_preset(cls, value: str | None) -> str | None:
        if value is not None and value not in PRESETS:
            raise ValueError(f"unknown preset {value!r}; presets are {', '.join(sorted(PRESETS))}")
        return value

    @model_validator(mode="after")
    def _has_a_layout(self) -> BankAccountConfig:
        if self.preset is None and self.columns is None:
            raise ValueError("give a 'preset' or the 'columns' (date, description, reference, debit/credit or amount)")
        self.layout()  # a bad combination (e.g. equal separators) is refused here, with the account named
        return self

    def layout(self) -> BankLayout:
        """The preset (if any) with this account's settings laid over it."""
        overrides = {
            name: value
            for name, value in self.model_dump(exclude={"preset", "ledger_account"}).items()
            if value is not None
        }
        base = PRESETS[self.preset].model_dump() if self.preset else {}
        return BankLayout.model_validate({**base, **overrides})


class ReconciliationConfig(_Strict):
    """Finance reconciliation (``reconciliation/``): thresholds, report folder and bank accounts."""

    settlement_due_days: int = Field(7, ge=0, le=365, description="a completed order unsettled after this is late")
    wallet_grace_days: int = Field(1, ge=0, le=60, description="time for a released settlement to reach the wallet")
    bank_window_days: int = Field(3, ge=0, le=30, description="days a withdrawal may take to reach the bank")
    net_tolerance: int = Field(0, ge=0, description="rupiah a settlement may differ from its order before it counts")
    alert_open_amount: int = Field(0, ge=0, description="alert when open variances exceed this many rupiah")
    store_window_days: int = Field(3, ge=0, le=30, description="days a store's QRIS/cash takings may take to the bank")
    store_qris_mdr_bps: int = Field(
        0,
        ge=0,
        le=1000,
        description="QRIS merchant discount rate the acquirer deducts, in basis points of the day's QRIS takings"
        " (0: none assumed, so every deduction shows as a store_qris_fee variance)",
    )
    report_dir: str = "out/reconciliation"
    bank_accounts: dict[str, BankAccountConfig] = Field(default_factory=dict)

    @field_validator("bank_accounts")
    @classmethod
    def _account_names(cls, value: dict[str, BankAccountConfig]) -> dict[str, BankAccountConfig]:
        for name in value:
            if not re.fullmatch(r"[A-Za-z0-9_.-]{1,40}", name):
                raise ValueError(f"bank account name {name!r}: use 1-40 letters, digits, '.', '_' or '-'")
        return value


class ShuConfig(_Strict):
    """Profit sharing (coop_accounting.md §1.3-1.4): the AD/ART split in basis points and the eligibility rule.

    ``allocation_bps`` replaces the placeholder defaults wholesale (missing components are 0) and must sum to
    10 000; anything else is refused with the sum named."""

    allocation_bps: dict[str, StrictInt] = Field(default_factory=lambda: dict(DEFAULT_BPS))
    exited_members: Literal["exclude", "include_until_exit"] = "exclude"
    extraordinary_members: Literal["exclude", "include"] = "exclude"
    capital_base: Literal["closing", "time_weighted"] = "closing"
    output_dir: str = Field("out/shu", description="where `shu compute` and the SHU DAG write their tables")

    @field_validator("allocation_bps")
    @classmethod
    def _sums_to_10_000(cls, value: dict[str, int]) -> dict[str, int]:
        return check_bps(value)


class ChannelAllocation(_Strict):
    """How much of a product's available-to-sell one channel (a shop) is offered: ``all`` of it, a
    ``percentage`` (rounded down), a ``fixed`` number of units (at most what is available) or ``none``."""

    rule: Literal["all", "percentage", "fixed", "none"] = "all"
    value: int = Field(0, ge=0, description="percent (0-100) for 'percentage', units for 'fixed'")
    location: str | None = Field(None, min_length=1, description="the stock location this shop sells from")

    @model_validator(mode="after")
    def _value_fits_rule(self) -> ChannelAllocation:
        if self.rule == "percentage" and self.value > 100:
            raise ValueError(f"percentage {self.value} is above 100")
        return self


class StockConfig(_Strict):
    """One stock across every channel (``stock/``): where members' goods are held, the safety buffers kept
    back from every channel and each channel's share.

    ``channels`` keys are ``platform:shop_ref`` (one shop) or ``platform`` (every shop of it); a shop's own
    rule wins. Without a rule a shop is offered all of the available stock."""

    location: str = Field("store", min_length=1, description="the cooperative's store holding members' goods")
    safety_buffer: int = Field(0, ge=0, description="units of every product kept back from all channels")
    buffers: dict[str, StrictInt] = Field(default_factory=dict, description="product_ref → its own buffer")
    channels: dict[str, ChannelAllocation] = Field(default_factory=dict)

    @field_validator("buffers")
    @classmethod
    def _buffers_not_negative(cls, value: dict[str, int]) -> dict[str, int]:
        bad = sorted(product for product, units in value.items() if units < 0)
        if bad:
            raise ValueError(f"buffers must be 0 or more units (negative for {', '.join(bad)})")
        return value

    @field_validator("channels")
    @classmethod
    def _channel_keys(cls, value: dict[str, ChannelAllocation]) -> dict[str, ChannelAllocation]:
        for key in value:
            platform = key.split(":", 1)[0]
            problem = unknown_platform(platform)
            if problem:
                raise ValueError(f"channel {key!r}: use 'platform' or 'platform:shop_ref' ({problem})")
        return value

    def buffer(self, product_ref: str) -> int:
        return self.buffers.get(product_ref, self.safety_buffer)

    def allocation(self, platform: str, shop_ref: str) -> ChannelAllocation:
        return self.channels.get(f"{platform}:{shop_ref}") or self.channels.get(platform) or ChannelAllocation()

    def location_of(self, platform: str, shop_ref: str) -> str:
        """The stock location a shop's sales draw on (its goods movements are booked at ``platform:shop_ref``)."""
        return self.allocation(platform, shop_ref).location or self.location


class OmnikopConfig(_Strict):
    database: DatabaseConfig = DatabaseConfig()
    timezone: str = "Asia/Jakarta"
    # Settlement report files (GoBiz, Grab portals) dropped here, one sub-folder per platform:
    # <inbox>/<platform>/ → imported to done/ or rejected/ by the omnikop_settlement_inbox DAG.
    inbox: str = Field(default_factory=lambda: os.environ.get("OMNIKOP_INBOX", ".omnikop/inbox"))
    shops: tuple[ShopConfig, ...] = ()
    policy: PolicyConfig = PolicyConfig()
    reconciliation: ReconciliationConfig = ReconciliationConfig()
    shu: ShuConfig = ShuConfig()
    stock: StockConfig = StockConfig()

    @property
    def database_url(self) -> str:
        return os.environ.get("OMNIKOP_DATABASE_URL") or self.database.url

    def bank_account(self, name: str) -> BankAccountConfig:
        try:
            return self.reconciliation.bank_accounts[name]
        except KeyError:
            known = ", ".join(sorted(self.reconciliation.bank_accounts)) or "none configured"
            raise ConfigError(
                f"no bank account {name!r} under 'reconciliation.bank_accounts' (configured: {known})"
            ) from None

    def shop(self, platform: str, shop_ref: str) -> ShopConfig:
        for shop in self.shops:
            if shop.platform == platform and shop.shop_ref == str(shop_ref):
                return shop
        raise ConfigError(f"no shop {platform}:{shop_ref} in the configuration; add it under 'shops'")


def config_path() -> Path:
    return Path(os.environ.get("OMNIKOP_CONFIG") or DEFAULT_CONFIG_PATH)


def load_config(path: Path | None = None) -> OmnikopConfig:
    """Load and validate the configuration; a missing default file yields all defaults."""
    path = path or config_path()
    if not path.exists():
        if path == DEFAULT_CONFIG_PATH and "OMNIKOP_CONFIG" not in os.environ:
            return OmnikopConfig()
        raise ConfigError(f"configuration file {path} does not exist (set OMNIKOP_CONFIG or create it)")
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    return parse_config(raw, source=str(path))


def parse_config(raw: Any, source: str = "configuration") -> OmnikopConfig:
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: the top level must be a mapping of keys, got {type(raw).__name__}")
    try:
        config = OmnikopConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{source}: " + "; ".join(_describe(err) for err in exc.errors())) from None
    _check_unique_shops(config, source)
    return config


def _describe(error: Any) -> str:
    key = ".".join(str(part) for part in error["loc"]) or "(top level)"
    if error["type"] == "extra_forbidden":
        return f"unknown key '{key}'"
    return f"'{key}': {error['msg']}"


def _check_unique_shops(config: OmnikopConfig, source: str) -> None:
    seen: set[tuple[str, str]] = set()
    for index, shop in enumerate(config.shops):
        key = (shop.platform, shop.shop_ref)
        if key in seen:
            raise ConfigError(f"{source}: 'shops.{index}': shop {shop.platform}:{shop.shop_ref} is listed twice")
        seen.add(key)
