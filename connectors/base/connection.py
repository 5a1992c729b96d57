"""Credentials from an Airflow Connection: inside Airflow through the Task SDK, outside through the same
``AIRFLOW_CONN_<ID>`` environment variable Airflow itself reads (JSON or URI form).

No other module reads credentials. The spec's ``repr`` never shows the password or secret extras.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from connectors.base.errors import ConfigError
from connectors.base.redact import REDACTED, is_secret


@dataclass(frozen=True)
class ConnectionSpec:
    conn_id: str
    conn_type: str = ""
    host: str = ""
    login: str = ""
    password: str = field(default="", repr=False)
    port: int | None = None
    schema: str = ""
    extra: dict[str, Any] = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:
        extra = {k: REDACTED if is_secret(k) or "secret" in k or "token" in k else v for k, v in self.extra.items()}
        return (
            f"ConnectionSpec(conn_id={self.conn_id!r}, conn_type={self.conn_type!r}, host={self.host!r},"
            f" login={self.login!r}, password={'***' if self.password else ''!r}, extra={extra!r})"
        )

    def require(self, name: str) -> str:
        """A required field (``login``, ``password``, ``host`` or an extra key), with a clear error."""
        value = getattr(self, name, None) if name in ("host", "login", "password", "schema") else self.extra.get(name)
        if value in (None, ""):
            where = name if name in ("host", "login", "password", "schema") else f"extra.{name}"
            raise ConfigError(f"Airflow Connection {self.conn_id!r} has no {where}; set it in the Connection")
        return str(value)

    def page_size(self, default: int, maximum: int) -> int:
        """Records per list page: extra ``page_size`` if set (1..``maximum``, the platform's limit), else ``default``.

        Production keeps the platform's maximum (fewest calls); tests set a small one so that pagination, and the
        faults that live between pages, really happen on a small world."""
        raw = self.extra.get("page_size")
        if raw in (None, ""):
            return default
        if not str(raw).isdigit() or not 1 <= int(raw) <= maximum:
            raise ConfigError(f"Airflow Connection {self.conn_id!r}: extra.page_size must be 1..{maximum}, got {raw!r}")
        return int(raw)

    def secret_values(self) -> tuple[str, ...]:
        values = [self.password] + [
            str(v) for k, v in self.extra.items() if is_secret(k) or "secret" in k or "token" in k
        ]
        return tuple(v for v in values if v)


def env_var_name(conn_id: str) -> str:
    return f"AIRFLOW_CONN_{conn_id.upper()}"


def load_connection(conn_id: str) -> ConnectionSpec:
    """Resolve ``conn_id`` from the environment or, inside Airflow, from its secrets backends."""
    raw = os.environ.get(env_var_name(conn_id))
    if raw is not None:
        return parse_connection(conn_id, raw)
    try:
        from airflow.sdk import Connection  # imported lazily: heavy, and only needed inside Airflow

        connection = Connection.get(conn_id)
    except Exception as error:  # Airflow raises several types for "not found" or "no task context"
        raise ConfigError(
            f"Airflow Connection {conn_id!r} not found ({type(error).__name__}); create it in Airflow or set"
            f" {env_var_name(conn_id)}"
        ) from None
    return _from_airflow(conn_id, connection)


def parse_connection(conn_id: str, raw: str) -> ConnectionSpec:
    """Parse Airflow's JSON or URI connection format (without importing Airflow, which is slow to load)."""
    text = raw.strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            raise ConfigError(f"{env_var_name(conn_id)} is not valid JSON") from None
        extra = data.get("extra") or {}
        if isinstance(extra, str):
            extra = json.loads(extra) if extra else {}
        return ConnectionSpec(
            conn_id=conn_id,
            conn_type=str(data.get("conn_type", "")),
            host=str(data.get("host") or ""),
            login=str(data.get("login") or ""),
            password=str(data.get("password") or ""),
            port=int(data["port"]) if data.get("port") else None,
            schema=str(data.get("schema") or ""),
            extra=dict(extra),
        )
    parts = urlsplit(text)
    if not parts.scheme:
        raise ConfigError(f"{env_var_name(conn_id)} is neither a Connection URI nor JSON")
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    extra = json.loads(query.pop("__extra__")) if "__extra__" in query else query
    host = unquote(parts.hostname or "")
    if "__" in host:  # Airflow encodes 'http://x' hosts as 'http%3A%2F%2Fx' or scheme 'http' + '__'
        host = host.replace("__", "://", 1)
    return ConnectionSpec(
        conn_id=conn_id,
        conn_type=parts.scheme.replace("-", "_"),
        host=host,
        login=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        port=parts.port,
        schema=unquote(parts.path.lstrip("/")),
        extra=extra,
    )


def _from_airflow(conn_id: str, connection: Any) -> ConnectionSpec:
    return ConnectionSpec(
        conn_id=conn_id,
        conn_type=connection.conn_type or "",
        host=connection.host or "",
        login=connection.login or "",
        password=connection.password or "",
        port=connection.port,
        schema=connection.schema or "",
        extra=dict(connection.extra_dejson or {}),
    )


def connection_json(
    conn_type: str, *, host: str = "", login: str = "", password: str = "", extra: dict[str, Any] | None = None
) -> str:
    """The JSON form of a Connection, for ``AIRFLOW_CONN_*`` variables and ``airflow connections add``."""
    return json.dumps(
        {"conn_type": conn_type, "host": host, "login": login, "password": password, "extra": extra or {}}
    )
