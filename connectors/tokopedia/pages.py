"""Reading Tokopedia answers (both flavors) as pages to page past."""

from __future__ import annotations

from functools import partial

from connectors.base.pagination import page_field

PLATFORM = "tokopedia"

field = partial(page_field, PLATFORM)
