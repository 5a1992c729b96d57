"""``omnikop import pos``: check a POS export and land it, one landed page per outlet it names.

The file is landed exactly as received (stream ``orders``, kind ``pos_sales_csv``/``pos_sales_xlsx``); each
outlet's page holds the whole file and its parse reads that outlet's rows. Landing dedups by content per outlet,
so the same file imported again lands nothing; an overlapping file (yesterday's receipts exported again with
today's) lands as a new page whose old receipts map to the same idempotency keys and post nothing twice.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from connectors.base.landing import land_page
from connectors.base.protocol import FetchedPage
from connectors.base.settlement_files.table import UnreadableFile, read_table
from connectors.store.parse import PLATFORM
from connectors.store.pos_file import PosFileInvalid, read_pos_lines
from foundation.db import transaction

log = logging.getLogger("omnikop.store")
KINDS = {".csv": "pos_sales_csv", ".xlsx": "pos_sales_xlsx"}


@dataclass(frozen=True)
class LandedOutlet:
    outlet: str
    page_id: int
    new: bool
    lines: int
    receipts: int


def import_pos_file(engine: Engine, path: Path) -> list[LandedOutlet]:
    """Land ``path`` per outlet; ``PosFileInvalid`` (every problem, nothing landed) if any line is bad."""
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        raise PosFileInvalid([f"{path.name}: only .csv and .xlsx POS exports are read"])
    try:
        body = path.read_bytes()
        lines = read_pos_lines(read_table(body, kind))
    except (OSError, UnreadableFile) as error:
        raise PosFileInvalid([f"{path.name}: {error}"]) from None
    line_counts = Counter(line.outlet for line in lines)
    receipt_counts = Counter(outlet for outlet, _ in {(line.outlet, line.receipt_no) for line in lines})
    landed = []
    with transaction(engine) as session:  # every outlet of the file, or none
        for outlet in sorted(line_counts):
            request = {"source": "pos_file", "filename": path.name, "outlet": outlet, "rows": line_counts[outlet]}
            page = FetchedPage("orders", kind, request, body, 200, datetime.now(UTC))
            page_id, new = land_page(session, PLATFORM, outlet, page)
            landed.append(LandedOutlet(outlet, page_id, new, line_counts[outlet], receipt_counts[outlet]))
    for done in landed:
        log.info(
            "store outlet %s: %s %s page %d",
            done.outlet,
            path.name,
            "landed as" if done.new else "already",
            done.page_id,
        )
    return landed
