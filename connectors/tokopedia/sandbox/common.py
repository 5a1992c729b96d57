"""What both flavors of the sandbox share: where each real host lives on the one server, paging with the
fault switches applied, opaque page tokens, and the clock conventions."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from fastapi import Request

from connectors.base.sandbox.faults import FaultPlan

# Where each real host lives on the one server. Both TikTok hosts are served at the root, exactly as a client
# reaches them: a standard client signs the path of the URL it requests (TikTok's Node SDK) or resolves an
# absolute API path against its base URL (``new URL(path, base)``), and either breaks under a mount prefix.
# Their paths do not collide with each other's nor with the legacy hosts', which keep a prefix each.
TTS_API = ""  # open-api.tiktokglobalshop.com, at the root
TTS_AUTH = ""  # auth.tiktok-shops.com, at the root too
TTS_API_PATHS = ("/authorization/", "/order/", "/finance/", "/product/")  # the open-api routes served
TTS_AUTH_PATHS = ("/api/v2/token/", "/oauth/")  # the auth host's routes served (token grants, seller consent)
FS_API = "/fs"  # fs.tokopedia.net
ACCOUNTS = "/accounts"  # accounts.tokopedia.com

WIB = timezone(timedelta(hours=7), "WIB")  # legacy saldo times are Jakarta wall-clock strings [I]


def ts(moment: datetime | None) -> int:
    return int(moment.timestamp()) if moment else 0


def wib_text(moment: datetime) -> str:
    return moment.astimezone(WIB).strftime("%Y-%m-%d %H:%M:%S")


def iso_utc(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def faults_of(request: Request) -> set[str]:
    """The faults the middleware picked for this request (empty for exempt paths)."""
    return getattr(request.state, "faults", set())


def page_of(rows: list[Any], offset: int, size: int, faults: FaultPlan) -> list[Any]:
    """``rows[offset:offset+size]`` with the page-level faults: a repeat of the previous page's last row,
    and reversed order within the page."""
    page = rows[offset : offset + size]
    if faults.duplicate_across_pages and 0 < offset <= len(rows):
        page = [rows[offset - 1], *page]
    if faults.out_of_order:
        page = list(reversed(page))
    return page


def page_token(scope: str, offset: int) -> str:
    """An opaque next-page token (TikTok treats tokens as opaque; so must the connector)."""
    return base64.urlsafe_b64encode(f"{scope}:{offset}".encode()).decode().rstrip("=")


def token_offset(scope: str, token: str) -> int | None:
    """The offset a token stands for, or None if it is not a token this scope issued."""
    if not token:
        return 0
    try:
        decoded = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    issued_scope, _, offset = decoded.rpartition(":")
    return int(offset) if issued_scope == scope and offset.isdigit() else None


def int_param(values: Any, name: str) -> int | None:
    """An integer query parameter or JSON field, or None if it is missing or not a whole number."""
    value = values.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and value.lstrip("-").isdigit() else None
