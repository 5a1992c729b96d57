"""Onboarding a real shop: the seller's consent, the code back on a loopback callback, the code for tokens.

Shopee and TikTok Shop give API access to a shop only after its seller consents in a browser; the platform then
redirects to the partner's URL with a one-time code, which the partner exchanges for the shop's first token
pair. ``Authorizer`` is what each such platform supplies (``connectors/<platform>/authorize.py`` exports
``AUTHORIZER``); the flow around it (``omnikop shops authorize``) is the same for all of them. The exchange goes
through the platform's own connector, so the pair is stored exactly where, and how, the sync reads it
(``TokenStore``), and the first real API call proves the authorisation before anyone relies on it.
"""

from __future__ import annotations

import importlib
import threading
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import Engine

from connectors.base.connection import ConnectionSpec
from connectors.base.errors import AuthError, ConfigError
from connectors.base.protocol import Connector, ConnectorContext
from connectors.base.registry import connector_class
from connectors.base.tokens import AUTHORIZATION_EXPIRES_AT, AUTHORIZED_AT, Expiry, TokenStore

# Connection extras that would make the connector use an older grant instead of the new code.
OLD_GRANTS = ("refresh_token", "code", "auth_code")


class AuthorizationRefused(AuthError):
    """The callback did not carry a usable consent (seller declined, wrong shop, forged or stale state)."""


@dataclass(frozen=True)
class Authorized:
    """What the exchange established; never holds a token (this is what gets printed)."""

    platform: str
    shop_ref: str
    authorized_at: datetime
    refresh_expires_at: datetime | None
    authorization_expires_at: datetime | None
    shop_name: str | None = None


def add_query(url: str, **params: str) -> str:
    """``url`` with ``params`` appended to the query it already has."""
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query, keep_blank_values=True), *params.items()]
    return urlunsplit(parts._replace(query=urlencode(query)))


class Authorizer(ABC):
    """One platform's consent link, callback reading and code exchange, for one shop and one Connection."""

    platform: ClassVar[str]
    code_extra: ClassVar[str]  # the Connection extra the platform's client exchanges a code from
    flavor: ClassVar[str | None] = None

    def __init__(self, connection: ConnectionSpec, shop_ref: str, engine: Engine) -> None:
        self.connection, self.shop_ref, self.engine = connection, str(shop_ref), engine

    @abstractmethod
    def authorize_url(self, redirect_url: str, state: str) -> str:
        """The link the seller opens; consenting sends the browser to ``redirect_url`` with the code."""

    @abstractmethod
    def code_from(self, query: Mapping[str, str], state: str) -> str:
        """The code of a callback's query, after checking it answers our link (``state``) for our shop."""

    def redirect_note(self, redirect_url: str) -> str | None:
        """Anything the operator must know about the redirect (e.g. it must be registered with the platform)."""
        return None

    def exchange(self, code: str) -> Authorized:
        """Trade ``code`` for the shop's pair (stored in ``connector_tokens``), prove it with a real call, and
        record the authorisation's dates. A pair stored earlier is dropped first: re-authorising rotates both
        tokens, and the old refresh token must not be preferred over the new code."""
        tokens = TokenStore(self.engine, self.platform, self.shop_ref)
        tokens.forget()
        extra = {k: v for k, v in self.connection.extra.items() if k not in OLD_GRANTS}
        connection = replace(self.connection, extra={**extra, self.code_extra: code})
        context = ConnectorContext(self.shop_ref, connection, tokens, flavor=self.flavor)
        connector = connector_class(self.platform)(context)
        connector.check()
        now = datetime.now(UTC)
        name, authorization_ends = self.describe(connector)
        facts = {AUTHORIZED_AT: now.isoformat()}
        if authorization_ends is not None:
            facts[AUTHORIZATION_EXPIRES_AT] = authorization_ends.isoformat()
        tokens.note(**facts)
        stored = tokens.current()
        refresh_ends = stored.refresh_expires_at if stored is not None else None
        return Authorized(self.platform, self.shop_ref, now, refresh_ends, authorization_ends, name)

    def describe(self, connector: Connector) -> tuple[str | None, datetime | None]:
        """The shop's name and when its authorisation ends, where the platform says (None: it does not)."""
        return None, None

    @classmethod
    def expiry_notices(cls, engine: Engine, before: datetime) -> list[Expiry]:
        """Authorisation ends the platform announced by push (landed pages), ending before ``before``."""
        return []


def authorizer_class(platform: str) -> type[Authorizer]:
    """``AUTHORIZER`` of ``connectors/<platform>/authorize.py``; platforms without seller consent have none."""
    connector_class(platform)  # a clear error for an unknown platform
    try:
        module = importlib.import_module(f"connectors.{platform}.authorize")
    except ModuleNotFoundError as error:
        if error.name != f"connectors.{platform}.authorize":
            raise
        raise ConfigError(
            f"{platform} shops are not authorised by their seller (the Connection's credentials are enough)"
        ) from None
    return module.AUTHORIZER


class LoopbackCallback:
    """A one-shot HTTP server on 127.0.0.1 that receives the platform's redirect (``GET <path>?code=…``)."""

    def __init__(self, port: int = 0, path: str = "/callback") -> None:
        self.path = path
        self._received: dict[str, str] | None = None
        self._arrived = threading.Event()
        callback = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if parts.path != callback.path:
                    self.send_error(404)
                    return
                callback._received = dict(parse_qsl(parts.query, keep_blank_values=True))
                body = b"omnikop received the authorisation; you can close this window.\n"
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                callback._arrived.set()

            def log_message(self, format: str, *args: Any) -> None:  # the query holds the code: never log it
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="authorize-callback", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{self.path}"

    def __enter__(self) -> LoopbackCallback:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def wait(self, timeout: float) -> dict[str, str]:
        """The callback's query parameters; ``AuthorizationRefused`` if none arrives within ``timeout`` s."""
        if not self._arrived.wait(timeout) or self._received is None:
            raise AuthorizationRefused(f"no authorisation reached {self.url} within {timeout:.0f} s")
        return self._received
