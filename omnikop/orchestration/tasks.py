"""What the DAG tasks do. Plain functions over package code, called by thin ``@task`` wrappers in the DAG
factories, unit-testable without Airflow. Errors retrying cannot fix fail the task without retries."""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime, timedelta
from typing import Any

log = logging.getLogger("omnikop.tasks")


def configured_shops(platform: str, only: list[str] | None = None) -> list[str]:
    """The shops of ``platform`` in ``omnikop.yaml`` (optionally just ``only``, e.g. for a one-shop backfill)."""
    from foundation.config import load_config

    shops = [shop.shop_ref for shop in load_config().shops if shop.platform == platform]
    if only:
        unknown = sorted(set(only) - set(shops))
        if unknown:
            raise ValueError(f"dag_run.conf shops {unknown} are not configured for {platform} in omnikop.yaml")
        shops = [shop for shop in shops if shop in only]
    return shops


def run_window(context: Any) -> tuple[datetime, datetime]:
    """The interval a run covers: ``dag_run.conf`` ``since``/``until`` if given (an operator's manual re-sync),
    else the run's data interval, else — a manual trigger has none — the day before the run."""
    conf = context["dag_run"].conf or {}
    if conf.get("since") and conf.get("until"):
        return _aware(datetime.fromisoformat(conf["since"])), _aware(datetime.fromisoformat(conf["until"]))
    start, end = context.get("data_interval_start"), context.get("data_interval_end")
    if start is not None and end is not None and end > start:
        return start, end
    until = context["dag_run"].run_after
    return until - timedelta(days=1), until


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def sync_one_shop(platform: str, shop_ref: str, interval_start: datetime, interval_end: datetime) -> dict[str, Any]:
    """Pull the shop's data interval (widened by its lookback), land, map and post. Idempotent per interval."""
    from connectors.base.errors import AuthError, ConfigError
    from connectors.base.windows import Window
    from foundation.config import ConfigError as OmnikopConfigError
    from foundation.config import load_config
    from foundation.db import make_engine
    from omnikop.shops import connector_for
    from sync.pipeline import sync_shop

    config = load_config()
    engine = make_engine(config.database_url)
    try:
        shop = config.shop(platform, shop_ref)
        start, end = (datetime.fromtimestamp(moment.timestamp(), UTC) for moment in (interval_start, interval_end))
        window = Window(start - timedelta(hours=shop.lookback_hours), end)
        connector = connector_for(config, engine, platform, shop_ref)
        summary = sync_shop(engine, config, connector, window)
    except (AuthError, ConfigError, OmnikopConfigError) as error:
        from airflow.sdk.exceptions import AirflowFailException

        raise AirflowFailException(f"{platform}:{shop_ref}: {error} (retrying will not help)") from error
    finally:
        engine.dispose()
    result = {
        "platform": platform,
        "shop_ref": shop_ref,
        "window": window.key(),
        "pages": summary.pages,
        "records": summary.records,
        "posted_entries": summary.posted_entries,
        "posted_movements": summary.posted_movements,
        "duplicates": summary.duplicates,
        "quarantined": dict(summary.quarantined),
    }
    log.info("omnikop sync %s:%s %s", platform, shop_ref, result)
    return result


def check_ledger_or_fail() -> str:
    """Run every ledger invariant; a violation fails the task loudly with the list."""
    from foundation.config import load_config
    from foundation.db import make_engine, transaction
    from ledger.check import check_ledger

    engine = make_engine(load_config().database_url)
    with transaction(engine) as session:
        report = check_ledger(session)
    engine.dispose()
    if not report.ok:
        from airflow.sdk.exceptions import AirflowFailException

        details = "\n".join(f"{v.check}: {v.message}" for v in report.violations)
        raise AirflowFailException(f"{report.summary()}\n{details}")
    log.info(report.summary())
    return report.summary()


AUTHORIZATION_WARNING_DAYS = 14  # OMNIKOP_AUTHORIZATION_WARNING_DAYS overrides


def check_authorisations_or_fail(now: datetime | None = None) -> str:
    """Fail, naming each shop and date, when a configured shop's refresh token or seller authorisation ends
    within ``OMNIKOP_AUTHORIZATION_WARNING_DAYS`` (default 14): time to ask the seller, before syncs fail."""
    from foundation.config import load_config
    from foundation.db import make_engine
    from omnikop.authorizations import configured_shops, expiring_authorisations

    config = load_config()
    days = int(os.environ.get("OMNIKOP_AUTHORIZATION_WARNING_DAYS", AUTHORIZATION_WARNING_DAYS))
    moment = now or datetime.now(UTC)
    engine = make_engine(config.database_url)
    try:
        found = expiring_authorisations(engine, days, moment, configured_shops(config))
    finally:
        engine.dispose()
    if found:
        from airflow.sdk.exceptions import AirflowFailException

        lines = "\n".join(f"  {expiry.describe(moment)}" for expiry in found)
        raise AirflowFailException(
            f"{len(found)} shop authorisation(s) or refresh token(s) end within {days} days; ask each seller to"
            f" authorise again (`omnikop shops authorize PLATFORM --shop SHOP`):\n{lines}"
        )
    summary = f"no shop authorisation or refresh token ends within {days} days"
    log.info(summary)
    return summary


def reconcile_and_report(run_after: datetime) -> dict[str, Any]:
    """Run the matching as of the run's business day, write that month's report to
    ``reconciliation.report_dir``, then alert: when the open money variances exceed
    ``reconciliation.alert_open_amount`` the task fails (no retries: only finance can fix it) with the
    amounts in the message. The report and the variances are committed before the alert is raised, so
    finance always has the report that explains the alert."""
    from pathlib import Path

    from foundation.config import load_config
    from foundation.db import make_engine, transaction
    from ledger.money import format_idr
    from ledger.posting import BUSINESS_TIMEZONE
    from omnikop.stock_report import stock_level_rows
    from reconciliation.report.write import write_report
    from reconciliation.run import open_amount, run_reconciliation

    config = load_config()
    day = datetime.fromtimestamp(run_after.timestamp(), UTC).astimezone(BUSINESS_TIMEZONE).date()
    period = f"{day:%Y-%m}"
    engine = make_engine(config.database_url)
    try:
        with transaction(engine) as session:
            result = run_reconciliation(session, config, as_of=day)
            stock = stock_level_rows(session, config)
            files = write_report(session, config, result, period, Path(config.reconciliation.report_dir), stock)
            still_open = open_amount(session)
    finally:
        engine.dispose()
    summary = {
        "as_of": day.isoformat(),
        "period": period,
        "variances": result.counts(),
        "new": result.saved.detected,
        "bank_matches_posted": result.matches_posted,
        "open_amount": still_open,
        "report": str(files[0]),
    }
    log.info("omnikop reconciliation %s", summary)
    threshold = config.reconciliation.alert_open_amount
    if still_open > threshold:
        from airflow.sdk.exceptions import AirflowFailException

        raise AirflowFailException(
            f"reconciliation alert: open variances {format_idr(still_open)} exceed the threshold"
            f" {format_idr(threshold)} (reconciliation.alert_open_amount); review them with"
            f" `omnikop recon list --open` or in the report {files[0]}"
        )
    return summary


def task_retries() -> int:
    """Task-level retry budget (minutes-scale; the HTTP client retries for seconds). The demo sets 0."""
    return int(os.environ.get("OMNIKOP_TASK_RETRIES", "3"))


def report_platforms() -> list[str]:
    """Configured platforms whose settlements arrive as report files (they have a report layout)."""
    from connectors.base.settlement_files import ImportRefused, layout_of
    from foundation.config import load_config

    platforms = []
    for platform in sorted({shop.platform for shop in load_config().shops}):
        try:
            layout_of(platform)
        except ImportRefused:
            continue
        platforms.append(platform)
    return platforms


def import_inbox(platform: str) -> dict[str, Any]:
    """Land every settlement report waiting in ``<inbox>/<platform>/``; moves each to done/ or rejected/."""
    from pathlib import Path

    from connectors.base.settlement_files import process_inbox
    from foundation.config import load_config
    from foundation.db import make_engine

    config = load_config()
    inbox = Path(config.inbox) / platform
    inbox.mkdir(parents=True, exist_ok=True)
    engine = make_engine(config.database_url)
    try:
        outcomes = process_inbox(engine, platform, inbox)
    finally:
        engine.dispose()
    landed = [o.path.name for o in outcomes if o.result is not None and o.result.new]
    refused = {o.path.name: o.reason for o in outcomes if o.result is None}
    log.info("omnikop inbox %s: %d landed, %d refused %s", platform, len(landed), len(refused), refused)
    return {"platform": platform, "landed": landed, "refused": refused}
