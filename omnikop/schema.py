"""Every table omnikop owns, gathered on one metadata for Alembic."""

from __future__ import annotations

import ledger.models  # noqa: F401  (registers tables)
from omnikop.db import Base

metadata = Base.metadata
