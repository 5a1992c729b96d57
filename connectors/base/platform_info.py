"""What a connector declares about its platform to the rest of omnikop, so adding a platform is one folder.

Each ``connectors/<platform>/platform.py`` exports ``PLATFORM``, a ``PlatformInfo``; the registry
(``connectors.base.registry``) discovers it, and everything outside the folder is derived from it: the Airflow
connection type and its form (``omnikop.orchestration.hooks``/``provider``), the shop-level marketplace
receivable the mapping posts to (``core_mapping.policy``), and that account's row in the chart of accounts
(seeded by ``omnikop.migrate``). Plain data, no imports beyond the standard library: Airflow reads it while it
is itself being imported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

# Detail accounts under "1-1300 Piutang marketplace" (ledger/data/chart_of_accounts.csv); 1-1350 and up belong
# to other parents, so a receivable code is checked against this pattern rather than trusted.
RECEIVABLE_CODE = re.compile(r"^1-13(0[1-9]|[1-4][0-9])$")


@dataclass(frozen=True)
class ConnectionForm:
    """The platform's Airflow Connections form: its title and what the standard fields mean for it.

    ``labels`` relabels ``host``/``login``/``password`` (the Airflow UI hides ``schema`` and ``port``);
    ``placeholders`` shows an example per field, ``extra`` included."""

    title: str
    labels: Mapping[str, str]
    placeholders: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        missing = {"host", "login", "password"} - set(self.labels)
        if missing:
            raise ValueError(f"connection form {self.title!r} must label {', '.join(sorted(missing))}")


@dataclass(frozen=True)
class ReceivableAccount:
    """The platform's marketplace receivable (escrow / seller balance, coop_accounting.md §1.9): one postable
    asset account per platform under 1-1300, with a shop dimension. The code and name are the chart row."""

    code: str
    name: str

    def __post_init__(self) -> None:
        if not RECEIVABLE_CODE.match(self.code):
            raise ValueError(f"receivable account {self.code!r} must be a detail account 1-1301…1-1349")


@dataclass(frozen=True)
class PlatformInfo:
    """One platform as omnikop outside ``connectors/<name>/`` sees it; ``name`` is its folder and conn_type."""

    name: str
    form: ConnectionForm
    receivable: ReceivableAccount
