"""Every table omnikop owns, gathered on one metadata for Alembic."""

from __future__ import annotations

# Importing the model modules registers their tables on the shared metadata.
import connectors.base.landing
import connectors.base.tokens
import connectors.base.webhooks
import core_mapping.models
import ledger.models
import reconciliation.models
import shu.models
import stock.models
from foundation.db import Base

TABLE_MODULES = (
    connectors.base.landing,
    connectors.base.tokens,
    connectors.base.webhooks,
    core_mapping.models,
    ledger.models,
    reconciliation.models,
    shu.models,
    stock.models,
)

metadata = Base.metadata
