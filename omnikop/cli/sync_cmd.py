"""``omnikop sync`` and ``omnikop quarantine``: run one shop's pipeline, inspect and replay the quarantine."""

from __future__ import annotations

from datetime import datetime

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from foundation.db import transaction
from omnikop.cli.common import config, console, engine

quarantine_app = typer.Typer(help="Records that could not be mapped or posted, by reason.", no_args_is_help=True)


def sync(
    platform: str = typer.Argument(..., help="a connector name (shopee, tokopedia, gojek, grab, …)"),
    shop: str = typer.Option(..., "--shop", help="the shop_ref as configured in omnikop.yaml"),
    since: datetime = typer.Option(None, "--since", help="window start (ISO time, UTC if no zone)"),
    until: datetime = typer.Option(None, "--until", help="window end (default now)"),
) -> None:
    """Pull → land → parse → map → post for one shop and window. Re-running posts nothing new."""
    from omnikop.shops import connector_for, default_window
    from sync.pipeline import sync_shop

    settings, db = config(), engine()
    window = default_window(settings, platform, shop, _utc(since), _utc(until))
    connector = connector_for(settings, db, platform, shop)
    console.print(f"sync {platform} shop {shop}: {window.start.isoformat()} → {window.end.isoformat()}")
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as bar:
        tasks: dict[str, TaskID] = {}

        def advance(what: str, count: int) -> None:
            if what not in tasks:
                tasks[what] = bar.add_task(what, total=None)
            bar.advance(tasks[what], count)

        summary = sync_shop(db, settings, connector, window, progress=advance)
    console.print(render_summary(summary))


def render_summary(summary) -> Table:  # type: ignore[no-untyped-def]
    table = Table(title="sync summary", show_header=False)
    table.add_row("pages landed (new)", f"{summary.pages} ({summary.new_pages})")
    table.add_row("records parsed", str(summary.records))
    table.add_row("journal entries posted", str(summary.posted_entries))
    table.add_row("goods movements posted", str(summary.posted_movements))
    table.add_row("skipped as duplicate", str(summary.duplicates))
    quarantined = sum(summary.quarantined.values())
    table.add_row("quarantined", str(quarantined))
    for reason, count in sorted(summary.quarantined.items()):
        table.add_row(f"  {reason}", str(count))
    return table


@quarantine_app.command("list")
def list_items(
    platform: str = typer.Option(None, "--platform"),
    shop: str = typer.Option(None, "--shop"),
    details: bool = typer.Option(False, "--details", help="list every item, not only the counts"),
) -> None:
    """Open quarantine items grouped by reason."""
    from core_mapping.quarantine import open_items

    with transaction(engine()) as session:
        items = open_items(session, platform=platform, shop_ref=shop)
    if not items:
        console.print("quarantine is empty")
        return
    grouped: dict[str, list] = {}
    for item in items:
        grouped.setdefault(item.reason, []).append(item)
    table = Table(title=f"{len(items)} open quarantine item(s)")
    for heading in ("reason", "count", "example"):
        table.add_column(heading)
    for reason, group in sorted(grouped.items(), key=lambda pair: -len(pair[1])):
        first = group[0]
        table.add_row(
            reason,
            str(len(group)),
            f"{first.platform}:{first.shop_ref} {first.stream} {first.record_key}: {first.message}",
        )
    console.print(table)
    if details:
        for item in items:
            console.print(
                f"#{item.id} {item.platform}:{item.shop_ref} {item.stream} {item.record_key} page {item.raw_page_id}"
                f" [{item.stage}/{item.reason}] {item.message}"
            )


@quarantine_app.command("replay")
def replay_items(
    platform: str = typer.Option(None, "--platform"),
    shop: str = typer.Option(None, "--shop"),
    reason: str = typer.Option(None, "--reason", help="only items with this reason"),
) -> None:
    """Re-map quarantined records from their landed pages and post what now maps; the rest stays open."""
    from core_mapping.quarantine import open_items
    from omnikop.shops import connector_for
    from sync.replay import replay

    settings, db = config(), engine()
    with transaction(db) as session:
        shops = sorted({(i.platform, i.shop_ref) for i in open_items(session, platform=platform, shop_ref=shop)})
    posted = still_open = 0
    for shop_platform, shop_ref in shops:
        summary = replay(
            db, settings, connector_for(settings, db, shop_platform, shop_ref), reasons={reason} if reason else None
        )
        posted += summary.posted_entries + summary.posted_movements
        still_open += sum(summary.quarantined.values())
    console.print(f"replay: {posted} posting(s) made, {still_open} record(s) still quarantined")


def _utc(moment: datetime | None) -> datetime | None:
    from datetime import UTC

    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
