"""The main job on embedded defaults: sandboxes on loopback, demo members and mappings, the real Airflow DAGs
run through Airflow's own test runner for a span of days, then the ledger check and the outputs in ``out/``.

Everything lives under ``./.omnikop/`` (the omnikop SQLite database, the Airflow home, logs) and ``./out/``.
Running it again re-runs the same intervals against the same world: the books do not change.
"""

from __future__ import annotations

import json
import os
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from rich.console import Console
from rich.table import Table
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from connectors.base.connection import env_var_name
from connectors.base.registry import available_platforms
from connectors.base.sandbox.catalog import sandbox_class
from connectors.base.sandbox.emitter import EmitOptions
from connectors.base.sandbox.platform import PlatformSandbox
from connectors.base.sandbox.server import SandboxServer
from connectors.base.sandbox.world import PLATFORMS, World, WorldConfig
from connectors.base.settlement_files.layout import WIB
from connectors.base.tokens import StoredToken
from connectors.base.webhooks import build_app, receiver_from_config
from core_mapping.csv_io import import_mappings
from core_mapping.models import Document, QuarantineItem
from foundation.config import load_config
from foundation.db import make_engine, transaction
from ledger.models import GoodsMovement, JournalEntry, Member
from members.csv_io import import_members
from omnikop import migrate
from omnikop.demo.fixtures import conn_id, mappings_csv, members_csv, shop_configs
from omnikop.demo.outputs import write_outputs
from omnikop.demo.stock import acknowledged_per_channel, opening_count, pushed_per_platform, sku_mapped_shops
from omnikop.demo.store_bank import QRIS_MDR_BPS, import_store_statement
from omnikop.orchestration.airflow_env import AirflowHome
from reconciliation.models import Variance

if TYPE_CHECKING:
    from connectors.whatsapp.sandbox.render import Payment

STATE = Path(".omnikop")
# The demo world carries the injected reconciliation discrepancies, so the demo report shows each kind.
# The store comes last so the marketplaces' part of the world (one seeded generator) is what it was before it.
DEMO_WORLD = WorldConfig(
    seed=2026,
    members=8,
    orders_per_day=6,
    days=14,
    start=date(2026, 10, 1),
    discrepancies=True,
    platforms=(*PLATFORMS, "store"),
    stock_limited=True,  # one true stock per product across channels (never binding here: same orders)
)
# Channels added to that world with generators of their own, so they add to the demo's books without changing the
# other platforms' (``World.add_channel``).
ADDED_CHANNELS = ("whatsapp",)
BANK_ACCOUNT = "bca-operasional"
ALERT_OPEN_AMOUNT = 10_000_000  # above the injected discrepancies, so the demo's reconciliation run passes
RUN_DAYS = 2  # daily DAG runs at the end of the demo span
LOOKBACK_HOURS = 24 * 22  # the first run reaches back over the whole demo history


@dataclass
class DemoPaths:
    root: Path
    out: Path

    @property
    def database_url(self) -> str:
        return f"sqlite:///{(self.root / 'omnikop.db').resolve()}"

    @property
    def config(self) -> Path:
        return self.root / "demo" / "omnikop.yaml"

    @property
    def airflow(self) -> Path:
        return self.root / "airflow"

    @property
    def log(self) -> Path:
        return self.root / "logs" / "demo.log"


@dataclass
class DemoResult:
    counts: dict[str, int] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    bean_check: str = ""
    pushed: dict[str, int] = field(default_factory=dict)  # "platform:shop_ref" → SKUs whose push it acknowledged


def demo_world() -> World:
    world = World.generate(DEMO_WORLD)
    for channel in ADDED_CHANNELS:
        world.add_channel(channel)
    world.as_of = run_dates(world)[-1] + timedelta(hours=1)
    return world


def run_dates(world: World) -> list[datetime]:
    """``run_after`` of each daily DAG run: 07:00 WIB, just after the 01:00 WIB interval boundary."""
    last = world.config.start + timedelta(days=world.config.days + 9)
    return [datetime.combine(last - timedelta(days=RUN_DAYS - 1 - n), time(0), UTC) for n in range(RUN_DAYS)]


def run_demo(
    console: Console,
    *,
    root: Path = STATE,
    out: Path = Path("out"),
    log_level: str = "WARNING",
    connections_file: Path | None = None,
) -> DemoResult:
    """The demo; ``log_level`` also applies to the DAG runs. ``connections_file`` receives the sandboxes'
    credentials (sandbox-only values, new every run) so a test can scan logs and landing for them."""
    paths = DemoPaths(root, out)
    paths.log.parent.mkdir(parents=True, exist_ok=True)
    paths.log.write_text("", encoding="utf-8")
    world = demo_world()
    platforms = demo_platforms()
    steps = 5
    console.rule("omnikop demo")
    with ExitStack() as stack:
        console.print(f"[1/{steps}] starting sandboxes for {', '.join(platforms)} on loopback")
        running = start_sandboxes(stack, world, platforms, console)
        if connections_file is not None:
            connections_file.write_text(json.dumps(running.connections), encoding="utf-8")
            connections_file.chmod(0o600)
        console.print(
            f"[2/{steps}] omnikop database {paths.database_url}: demo members, mappings, bank statement, {paths.config}"
        )
        engine = prepare(paths, world, platforms)
        push_and_drop_reports(stack, running, paths, engine, console)
        import_pos_exports(running, paths, engine, console)
        console.print(f"[3/{steps}] Airflow home {paths.airflow} (SQLite), pools for the partner rate limits")
        home = AirflowHome(
            paths.airflow,
            paths.config,
            {**running.connections, "OMNIKOP_TASK_RETRIES": "0", "AIRFLOW__LOGGING__LOGGING_LEVEL": log_level},
        )
        home.migrate(log=paths.log)
        pools = home.set_pools(platforms, log=paths.log)
        console.print("      " + ", ".join(f"{name}={slots}" for name, slots in pools.items()))
        console.print(
            f"[4/{steps}] running the DAGs through `airflow dags test` ({RUN_DAYS} days × {len(platforms)} platforms)"
        )
        runs = [{"dag_id": "omnikop_settlement_inbox", "logical_date": run_dates(world)[0].isoformat()}]
        runs += [
            {"dag_id": f"omnikop_sync_{platform}", "logical_date": run_after.isoformat()}
            for run_after in run_dates(world)
            for platform in platforms
        ]
        runs.append({"dag_id": "omnikop_ledger_check", "logical_date": run_dates(world)[-1].isoformat()})
        _run_dags(console, home, runs, paths, engine)
        posted = opening_count(engine, world, paths.config, paths.config.parent)
        console.print(
            f"      stock: opening count of the mapped products ({posted} adjustment(s) posted), then the push;"
            " the reconciliation report after it shows the stock per product and channel"
        )
        _run_dags(
            console,
            home,
            [
                {"dag_id": dag_id, "logical_date": run_dates(world)[-1].isoformat()}
                for dag_id in ("omnikop_stock", "omnikop_reconciliation")
            ],
            paths,
            engine,
        )
        pushed = pushed_per_platform(world)
        channels = [p for p in platforms if pushed.get(p)]
        console.print(
            f"      stock pushed to {len(channels)} channels: "
            + ", ".join(f"{p} {pushed.get(p, 0)} listing(s)" for p in platforms)
        )
    console.print(f"[5/{steps}] writing outputs to {out}/")
    result = DemoResult()
    result.files, result.bean_check = write_outputs(engine, out, load_config(paths.config))
    result.counts = _counts(engine)
    result.pushed = acknowledged_per_channel(engine)
    engine.dispose()
    console.print(_summary(result))
    console.print(f"bean-check: {result.bean_check}")
    for path in result.files:
        console.print(f"  {path}")
    console.print(f"Airflow log of this run: {paths.log}")
    return result


@dataclass
class RunningSandboxes:
    sandboxes: dict[str, PlatformSandbox]
    connections: dict[str, str]  # AIRFLOW_CONN_* → JSON, how Airflow and the CLI receive the credentials


def start_sandboxes(
    stack: ExitStack, world: World, platforms: list[str], console: Console | None = None
) -> RunningSandboxes:
    """Serve each platform's sandbox on loopback until ``stack`` closes."""
    running = RunningSandboxes({}, {})
    for platform in platforms:
        sandbox = sandbox_class(platform)(world)
        server = stack.enter_context(SandboxServer(sandbox.app))
        running.sandboxes[platform] = sandbox
        for shop in sandbox.shop_refs():
            connection = json.dumps(sandbox.connection_for(shop, server.url))
            running.connections[env_var_name(conn_id(platform, shop))] = connection
        if console is not None:
            console.print(f"      {platform}: {server.url} ({len(sandbox.shop_refs())} shops)")
    return running


def push_and_drop_reports(
    stack: ExitStack, running: RunningSandboxes, paths: DemoPaths, engine, console: Console
) -> None:  # type: ignore[no-untyped-def]
    """What the push platforms do in real life: webhook events to the receiver, settlement reports from the
    merchant portal into the inbox (the settlement-inbox DAG imports them)."""
    pushing = {p: s for p, s in running.sandboxes.items() if hasattr(s, "emitter")}
    if not pushing:
        return
    os.environ.update(running.connections)  # the receiver reads each shop's Connection per request
    receiver = stack.enter_context(SandboxServer(build_app(receiver_from_config(engine, load_config(paths.config)))))
    inbox = Path(load_config(paths.config).inbox)
    for platform, sandbox in pushing.items():
        delivered, bank_paid = 0, []
        folder = inbox / platform
        folder.mkdir(parents=True, exist_ok=True)
        for shop in sandbox.shop_refs():
            day = _whatsapp_day(sandbox, shop) if hasattr(sandbox, "payments") else None
            options = EmitOptions(only=tuple(order for order, _ in day)) if day is not None else EmitOptions()
            results = sandbox.emitter.deliver(receiver.url, shop, options)  # type: ignore[attr-defined]
            failed = [r for r in results if not 200 <= r.status < 300]
            if failed:
                raise RuntimeError(f"{platform} shop {shop}: the receiver refused {len(failed)} webhook deliveries")
            delivered += len(results)
            if day is not None:
                paid = [payment for _, payment in day if payment is not None]
                by_note = _paid_by_note(paid) if shop == sandbox.shop_refs()[-1] else None
                _confirm_payments(engine, shop, [p for p in paid if p is not by_note])
                gross = {
                    o.order_ref: sum(line.amount for line in o.lines) for o in sandbox.world.orders_of(platform, shop)
                }
                bank_paid += [(shop, p, p is by_note, gross[p.order_ref]) for p in paid if p.method != "cash"]
                continue
            start = datetime.combine(sandbox.world.config.start, time(), UTC) - timedelta(days=1)
            report = sandbox.settlement_report(shop, "settlement_report_csv", start, sandbox.world.as_of)  # type: ignore[attr-defined]
            (folder / f"{shop}-settlements.csv").write_bytes(report)
        if hasattr(sandbox, "payments"):
            console.print(f"      {platform}: {delivered} webhooks (a day of orders) delivered; payments confirmed")
            _import_payments_statement(engine, paths, bank_paid, console)
            continue
        console.print(f"      {platform}: {delivered} webhook events delivered to {receiver.url}; reports in {folder}/")


def _whatsapp_day(sandbox: PlatformSandbox, shop: str) -> list[tuple[str, Payment | None]]:
    """The last day of WhatsApp catalog orders of ``shop`` (order ref, and the payment an operator confirms, or
    None while it is unpaid). Transfers and QRIS payments are confirmed; one cash payment (the first shop's
    first), the other cash orders still wait to be paid at the counter."""
    last = sandbox.world.config.start + timedelta(days=sandbox.world.config.days - 1)
    paid = {p.order_ref: p for p in sandbox.payments(shop)}  # type: ignore[attr-defined]
    orders = [o.order_ref for o in sandbox.world.orders_of("whatsapp", shop) if o.created_at.date() == last]
    cash = [ref for ref in orders if ref in paid and paid[ref].method == "cash"]
    unpaid = cash[1:] if shop == sandbox.shop_refs()[0] else cash
    return [(ref, paid.get(ref) if ref not in unpaid else None) for ref in orders]


def _confirm_payments(engine, shop: str, payments: list) -> None:  # type: ignore[no-untyped-def, type-arg]
    """``omnikop orders confirm --land-only`` for each payment; the WhatsApp sync DAG posts them."""
    from connectors.whatsapp.confirm import confirm_payment

    for p in payments:
        confirm_payment(engine, shop, p.order_ref, p.method, reference=p.reference, at=p.paid_at)


def _paid_by_note(payments: list):  # type: ignore[no-untyped-def, type-arg]
    """The transfer nobody confirms by hand: its buyer wrote the order code in the note, the bank import confirms it."""
    return next((p for p in payments if p.method == "transfer"), None)


def _import_payments_statement(engine, paths: DemoPaths, paid: list, console: Console) -> None:  # type: ignore[no-untyped-def, type-arg]
    """The buyers' transfers and QRIS payments on the cooperative's account, as ``omnikop import bank`` takes
    them: each credit names its payment's reference; one names only the order code, and the import confirms it
    (``omnikop.payments_from_bank``). The WhatsApp sync DAG posts the confirmations, the payments level matches."""
    from foundation.bank_layouts import PRESETS
    from omnikop.demo.store_bank import bca_statement
    from omnikop.payments_from_bank import confirm_from_bank
    from reconciliation.bank_csv import parse_statement
    from reconciliation.bank_store import store_statement

    lines = []
    for _, payment, by_note, gross in paid:
        note = f"ORDER {payment.order_ref[-8:]}" if by_note else payment.reference
        kind = "KR OTOMATIS QRIS" if payment.method == "qris" else "TRSF E-BANKING CR"
        lines.append((payment.paid_at.astimezone(WIB).date(), f"{kind} {note}", gross))
    if not lines:
        return
    path = paths.config.parent / "bank-bca-whatsapp.csv"
    path.write_text(bca_statement(sorted(lines)), encoding="utf-8")
    data = path.read_bytes()
    statement = parse_statement(data, PRESETS["bca"], str(path))
    with transaction(engine) as session:
        store_statement(session, BANK_ACCOUNT, path.name, data, statement, "bca")
    confirmed = confirm_from_bank(engine, statement.lines, sorted({("whatsapp", shop) for shop, *_ in paid}))
    console.print(
        f"      whatsapp: {len(lines)} transfer/QRIS credits on {path.name};"
        f" {len(confirmed)} order(s) confirmed by their transfer note"
    )


def import_pos_exports(running: RunningSandboxes, paths: DemoPaths, engine, console: Console) -> None:  # type: ignore[no-untyped-def]
    """What each store outlet does at closing: export the till's sales (here the whole demo span, so the file
    overlaps every earlier day) and ``omnikop import pos`` it; the store's sync DAG then posts the receipts."""
    from connectors.store.importer import import_pos_file

    for platform, sandbox in running.sandboxes.items():
        if not hasattr(sandbox, "pos_export"):
            continue
        folder = paths.root / "pos"
        folder.mkdir(parents=True, exist_ok=True)
        first, last = sandbox.world.config.start - timedelta(days=1), sandbox.world.as_of.date()
        for outlet in sandbox.shop_refs():
            path = folder / f"{outlet}-{last:%Y%m%d}.xlsx"
            path.write_bytes(sandbox.pos_export(outlet, first, last, "pos_sales_xlsx"))  # type: ignore[attr-defined]
            landed = import_pos_file(engine, path)
            receipts = sum(item.receipts for item in landed)
            console.print(f"      {platform}: {path.name}: {receipts} receipts landed for the {platform} sync DAG")
        statement = paths.config.parent / "bank-bca-gerai.csv"
        with transaction(engine) as session:
            outlets = list(sandbox.shop_refs())
            import_store_statement(session, BANK_ACCOUNT, statement, sandbox.world, outlets, sandbox.tender_of)  # type: ignore[attr-defined]
        console.print(f"      {platform}: the outlets' QRIS settlements and cash deposits on {statement.name}")


def demo_platforms() -> list[str]:
    return [p for p in available_platforms() if _has_sandbox(p)]


def prepare(paths: DemoPaths, world: World, platforms: list[str]):  # type: ignore[no-untyped-def]
    """The omnikop database migrated and loaded with the demo members, mappings and configuration."""
    engine = make_engine(paths.database_url)
    migrate.upgrade(engine)
    _configure(paths, world, platforms, engine)
    return engine


def _has_sandbox(platform: str) -> bool:
    try:
        sandbox_class(platform)
    except (ImportError, AttributeError):
        return False
    return True


def _configure(paths: DemoPaths, world: World, platforms: list[str], engine) -> None:  # type: ignore[no-untyped-def]
    import io

    paths.config.parent.mkdir(parents=True, exist_ok=True)
    config = {
        "database": {"url": paths.database_url},
        "inbox": str((paths.root / "inbox").resolve()),
        "shops": shop_configs(world, platforms=platforms, lookback_hours=LOOKBACK_HOURS),
        "reconciliation": {
            "report_dir": str((paths.out / "reconciliation").resolve()),
            "alert_open_amount": ALERT_OPEN_AMOUNT,
            "bank_accounts": {BANK_ACCOUNT: {"preset": "bca"}},
            "store_qris_mdr_bps": QRIS_MDR_BPS,  # what the demo's acquirer deducts (omnikop/demo/store_bank.py)
        },
    }
    paths.config.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    with transaction(engine) as session:
        import_members(session, io.StringIO(members_csv(world)), "demo members")
        mappings = mappings_csv(world, platforms=platforms, sku_mapped=sku_mapped_shops(world))
        import_mappings(session, io.StringIO(mappings), "demo mappings")
        # The sandboxes are new on every demo run, so tokens they issued last time mean nothing to them now.
        session.execute(delete(StoredToken).where(StoredToken.platform.in_(platforms)))
        _import_bank_statement(session, paths, world, platforms)


def _import_bank_statement(session: Session, paths: DemoPaths, world: World, platforms: list[str]) -> None:
    """The cooperative's bank statement for the demo span, imported as `omnikop import bank` does (idempotent)."""
    from connectors.base.registry import connector_class
    from connectors.base.sandbox.bank import bank_statement_csv
    from foundation.bank_layouts import PRESETS
    from reconciliation.bank_csv import parse_statement
    from reconciliation.bank_store import store_statement

    # Withdrawals reach the bank from platforms with a seller wallet (Shopee, Tokopedia). GoBiz and Grab pay
    # out without a wallet omnikop can read, so their transfers cannot be matched here (see the README).
    wallets = [p for p in platforms if "wallet" in connector_class(p).streams]
    shops = [(shop.platform, shop.shop_ref) for shop in world.shops if shop.platform in wallets]
    path = paths.config.parent / "bank-bca.csv"
    path.write_text(bank_statement_csv(world, "bca", shops=shops), encoding="utf-8")
    data = path.read_bytes()
    store_statement(session, BANK_ACCOUNT, path.name, data, parse_statement(data, PRESETS["bca"], str(path)), "bca")


def _run_dags(console: Console, home: AirflowHome, runs: list[dict], paths: DemoPaths, engine) -> None:  # type: ignore[no-untyped-def]
    """All DAG runs through Airflow's test runner in one Airflow process, reporting each as it finishes."""
    counts = [_counts(engine)]

    def report(result: dict) -> None:  # type: ignore[type-arg]
        counts.append(_counts(engine))
        posted = counts[-1]["journal entries"] - counts[-2]["journal entries"]
        moved = counts[-1]["goods movements"] - counts[-2]["goods movements"]
        day = result["logical_date"][:10]
        console.print(
            f"      {day} {result['dag_id']}: {result['state']} in {result['seconds']} s,"
            f" {posted} entries and {moved} goods movements posted"
        )

    results = home.run_dags(runs, log=paths.log, on_result=report)
    if len(results) < len(runs) or any(r["state"] != "success" for r in results):
        tail = "".join(home.last_output[-30:])
        raise RuntimeError(f"a DAG run failed (Airflow's log of this run: {paths.log}):\n{tail}")


def _counts(engine) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with transaction(engine) as session:

        def count(model, *where) -> int:  # type: ignore[no-untyped-def]
            return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)

        return {
            "members": count(Member),
            "orders": count(Document, Document.doc_type == "order"),
            "settlements": count(Document, Document.doc_type == "settlement"),
            "journal entries": count(JournalEntry),
            "goods movements": count(GoodsMovement),
            "quarantined (open)": count(QuarantineItem, QuarantineItem.resolved_at.is_(None)),
            "reconciliation variances (open)": count(Variance, Variance.status == "open"),
        }


def _summary(result: DemoResult) -> Table:
    table = Table(title="omnikop demo: the books")
    table.add_column("")
    table.add_column("count", justify="right")
    for name, value in result.counts.items():
        table.add_row(name, f"{value:,}".replace(",", "."))
    for channel, skus in result.pushed.items():
        table.add_row(f"stock pushed, acknowledged: {channel}", f"{skus:,}".replace(",", "."))
    return table
