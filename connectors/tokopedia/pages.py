"""Reading Tokopedia answers (both flavors) as pages to page past."""

from __future__ import annotations

from typing import Any

from connectors.base.errors import InvalidPayload

PLATFORM = "tokopedia"


def field(data: Any, *path: str) -> Any:
    """``data[path…]`` or ``InvalidPayload`` naming the missing key (a page we cannot page past)."""
    for key in path:
        if not isinstance(data, dict) or key not in data:
            raise InvalidPayload(f"response lacks {'.'.join(path)}", platform=PLATFORM)
        data = data[key]
    return data
