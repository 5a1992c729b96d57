"""Every table omnikop owns, gathered on one metadata for Alembic."""

from __future__ import annotations

# Importing the model modules registers their tables on the shared metadata.
import connectors.base.landing
import connectors.base.tokens
import core_mapping.models
import ledger.models
import shu.models
from omnikop.db import Base

TABLE_MODULES = (connectors.base.landing, connectors.base.tokens, core_mapping.models, ledger.models, shu.models)

metadata = Base.metadata
