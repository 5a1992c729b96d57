"""The report's stock table: each product's stock across channels (on hand, reserved, available, oversold, what
each channel is offered, its last push and whether the channel shows what it should).

Reconciliation may not import ``stock`` (tests/test_layers.py): the shell computes these rows with ``stock`` and
hands them in as plain data, so this module only defines the row and turns rows into the report's frame.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

import pandas as pd

NO_PUSH = "never pushed"


@dataclass(frozen=True, slots=True)
class StockLevelRow:
    """One product at one location on one channel; ``channel`` is empty when no configured shop sells from the
    location (the product's figures are shown once, without a channel)."""

    product_ref: str
    member_no: str
    location: str
    on_hand: int
    reserved: int
    buffer: int
    available: int
    oversold: int
    channel: str = ""  # "platform:shop_ref"
    offered: int | None = None  # units the channel is offered now (its allocation rule on available)
    pushed: int | None = None  # the last quantity sent to the channel
    push_state: str = ""  # pending | acknowledged | failed | never pushed
    acknowledged: int | None = None  # what the channel confirmed it shows
    mismatch: bool = False  # the channel does not (yet) show what it is offered: a push is due or failed


COLUMNS = [
    ("product_ref", "Product", "text"),
    ("member_no", "Member", "text"),
    ("location", "Location", "text"),
    ("on_hand", "On hand", "int"),
    ("reserved", "Reserved", "int"),
    ("buffer", "Buffer", "int"),
    ("available", "Available", "int"),
    ("oversold", "Oversold", "int"),
    ("channel", "Channel", "text"),
    ("offered", "Offered", "int"),
    ("pushed", "Last pushed", "int"),
    ("push_state", "Push state", "text"),
    ("acknowledged", "Channel shows", "int"),
    ("mismatch", "Mismatch", "text"),
]
_WHOLE = ("on_hand", "reserved", "buffer", "available", "oversold")
_OPTIONAL = ("offered", "pushed", "acknowledged")  # empty where there is no channel or no push yet


def stock_levels_frame(rows: Iterable[StockLevelRow]) -> pd.DataFrame:
    """Rows sorted by product, location and channel; whole units as integers (nullable where a figure does not
    apply, so the CSV writes ``8``, never ``8.0``); ``mismatch`` as ``yes`` / ``no`` (empty without a channel)."""
    records = [
        {**asdict(row), "mismatch": ("yes" if row.mismatch else "no") if row.channel else ""}
        for row in sorted(rows, key=lambda r: (r.product_ref, r.location, r.channel))
    ]
    frame = pd.DataFrame(records, columns=[column for column, _, _ in COLUMNS])
    return frame.astype({**dict.fromkeys(_WHOLE, "int64"), **dict.fromkeys(_OPTIONAL, "Int64")})
