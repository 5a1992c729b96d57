"""Connector errors, classified by what the caller should do (retry, refresh, fail, quarantine).

Every error carries the platform, the (redacted) endpoint, HTTP status, the platform's own error code and
request id, so an operator can quote them to the platform; ``str()`` never contains a secret.
"""

from __future__ import annotations

from typing import Any


class ConnectorError(Exception):
    retryable = False

    def __init__(
        self,
        message: str,
        *,
        platform: str = "",
        endpoint: str = "",
        http_status: int | None = None,
        platform_code: str | None = None,
        request_id: str | None = None,
    ) -> None:
        self.platform, self.endpoint = platform, endpoint
        self.http_status, self.platform_code, self.request_id = http_status, platform_code, request_id
        context = ", ".join(
            part
            for part in (
                platform and f"platform={platform}",
                endpoint and f"endpoint={endpoint}",
                http_status is not None and f"http={http_status}",
                platform_code and f"code={platform_code}",
                request_id and f"request_id={request_id}",
            )
            if part
        )
        super().__init__(f"{message} ({context})" if context else message)


class ConfigError(ConnectorError):
    """The Connection or shop configuration is missing a field or has a bad one. Not retryable."""


class AuthError(ConnectorError):
    """Credentials were refused. Re-authorise the shop or fix the Connection."""


class TokenExpired(AuthError):
    """The access token expired or was revoked: refresh once, then retry the call once."""


class PermissionDenied(AuthError):
    """Authenticated, but the app lacks the scope or permission for this endpoint."""


class RateLimited(ConnectorError):
    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None, **context: object) -> None:
        super().__init__(message, **context)  # type: ignore[arg-type]
        self.retry_after = retry_after


class QuotaExhausted(ConnectorError):
    """A daily/periodic call quota is used up; retrying now cannot help (Shopee ``error_limit``)."""


class ServerError(ConnectorError):
    """5xx, timeouts, connection resets and platform 'busy' codes: transient, retried with backoff."""

    retryable = True


class InvalidRequest(ConnectorError):
    """The platform refused the request as malformed (bad window, page size, parameter). A bug: fail."""


class InvalidPayload(ConnectorError):
    """The response could not be read (malformed or truncated JSON, missing envelope).

    Retried at the HTTP layer (a truncated body is often transient); if it persists, the page is landed as
    received and its records are quarantined rather than lost.
    """

    retryable = True
    body: bytes = b""
    call: Any = None  # the ``http.Call`` whose answer could not be read, when the HTTP layer raised this


class PaginationError(ConnectorError):
    """The platform's paging went wrong: a repeated cursor (would loop forever) or an impossible page."""
