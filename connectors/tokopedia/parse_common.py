"""What both Tokopedia parsers share: one record at a time, a bad record becomes ``Rejected`` (never an
exception, never silence), and personal data is masked before a page is landed."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from connectors.base.amounts import BadField
from connectors.base.protocol import LandedPage
from connectors.base.records import Parsed, RawRef, Rejected, Settlement, check_settlement

PLATFORM = "tokopedia"
Build = Callable[[dict[str, Any], RawRef], Parsed | list[Parsed]]


def rejected(page: LandedPage, key: str, reason: str, message: str, details: dict[str, str] | None = None) -> Rejected:
    return Rejected(PLATFORM, page.shop_ref, page.stream, key, reason, message, RawRef(page.id, key), details or {})


def malformed(page: LandedPage, message: str) -> Rejected:
    """The whole page is unreadable: one rejection for the page, so it is quarantined, not lost."""
    return rejected(page, f"page:{page.id}", "malformed_page", message)


def each(page: LandedPage, items: Any, key_of: Callable[[dict[str, Any]], Any], build: Build) -> Iterator[Parsed]:
    """``build`` every item of a record list; an item that fails becomes a ``Rejected`` keyed by ``key_of``."""
    if not isinstance(items, list):
        yield malformed(page, f"{page.kind} page has no record list")
        return
    for index, item in enumerate(items):
        key = _key(item, key_of, index)
        try:
            if not isinstance(item, dict):
                raise BadField(f"{page.kind}[{index}]", "is not an object", "malformed_record")
            built = build(item, RawRef(page.id, key))
        except BadField as error:
            yield rejected(page, key, error.reason, str(error))
            continue
        except (KeyError, TypeError, ValueError, ArithmeticError, AttributeError) as error:
            yield rejected(page, key, "malformed_record", f"{page.kind}[{index}]: {type(error).__name__}: {error}")
            continue
        yield from built if isinstance(built, list) else [built]


def _key(item: Any, key_of: Callable[[dict[str, Any]], Any], index: int) -> str:
    if isinstance(item, dict):
        try:
            value = key_of(item)
        except (KeyError, TypeError, ValueError):
            value = None
        if value not in (None, ""):
            return str(value)
    return f"#{index}"


def checked(settlement: Settlement, key: str, hint: str = "") -> Settlement | Rejected:
    """``check_settlement``, with a rejection keyed like every other settlement rejection of this connector
    (by order, where there is one), the document's own ref kept in its details and ``hint`` (what the
    difference most likely is, in this platform's terms) added to its message."""
    result = check_settlement(settlement)
    if isinstance(result, Rejected):
        details = {**result.details, "settlement_ref": settlement.settlement_ref}
        message = f"{result.message}: {hint}" if hint else result.message
        raw = RawRef(settlement.raw.page_id, key)
        return dataclasses.replace(result, record_key=key, raw=raw, details=details, message=message)
    return result


def masker(names: Iterable[str]) -> Callable[[bytes], bytes]:
    """A function that replaces the string values of the named JSON keys with ``***`` in raw bytes, leaving
    every other byte exactly as received (so the landed page is still the platform's answer)."""
    alternatives = "|".join(re.escape(name) for name in sorted(names))
    pattern = re.compile(rb'("(?:' + alternatives.encode() + rb')"\s*:\s*)"(?:[^"\\]|\\.)*"')
    return lambda body: pattern.sub(rb'\g<1>"***"', body)
