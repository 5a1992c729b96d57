"""The one status ladder: an HTTP answer becomes data or a ``ConnectorError``, the same way on every platform.

Airbyte CDK's ``HttpStatusErrorHandler`` maps status (or body) to an ``ErrorResolution``; stripe-python raises
one class per kind of failure. Here the error class *is* the resolution: ``retryable`` on the class says whether
the HTTP layer retries, ``TokenExpired`` makes it refresh the token once and retry once, anything else fails
the call (``connectors/base/errors.py``). The ladder is owned here; a platform declares only what differs:

- its ``Envelope`` (where its body keeps the error code, message and request id, and the data on success);
- its table of body codes (``codes``: code → error class, or ``ByMessage`` when the words decide);
- which 4xx statuses mean something on their own (``statuses``: 401/403 for platforms whose bodies do not say);
- the words it uses at a rung (``Rung``), its ``Retry-After`` reader.

The rungs, top to bottom (the first that matches answers):

1. rate limited: HTTP 429, a body code in the table as ``RateLimited``, or the envelope says so;
2. server error: HTTP 5xx, unless the body carries a code the table knows (that code is more precise);
3. a status with its own meaning (``statuses``), unless the table knows the body code;
4. the body reports an error: its code's class from the table, else ``InvalidRequest``;
5. the envelope cannot be read: ``InvalidPayload`` (retried: truncated bodies are often transient). An envelope
   that needs nothing from an error answer (the status said it all) reports no problem there;
6. any other 4xx: ``client_error``;
7. success: the envelope's data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import requests

from connectors.base.errors import (
    ConnectorError,
    InvalidPayload,
    InvalidRequest,
    PermissionDenied,
    RateLimited,
    ServerError,
    TokenExpired,
)
from connectors.base.http import Call
from connectors.base.retry_after import parse_retry_after

Code = str | int


@dataclass(frozen=True)
class Answer:
    """What a platform's envelope says about one response, read once for every rung.

    ``code``: the body's error code when the body itself reports the error (None otherwise: the status decides);
    ``platform_code``: the code an operator quotes (Grab's ``reason`` is one without being an error signal);
    ``message``: the platform's own words ("" if none); ``problem``: why the envelope is unreadable."""

    code: Code | None = None
    platform_code: str | None = None
    message: str = ""
    request_id: str | None = None
    problem: str | None = None
    rate_limited: bool = False  # the body asks us to slow down although the status does not say 429


class Envelope(Protocol):
    """A platform's response shape: how to read its error fields, and what callers get on success."""

    def read(self, payload: Any, status: int) -> Answer: ...

    def data(self, payload: Any) -> Any: ...


@dataclass(frozen=True)
class ByMessage:
    """A body code whose meaning depends on its message (Shopee's ``error_auth`` covers tokens and signatures)."""

    contains: str
    then: type[ConnectorError]
    otherwise: type[ConnectorError]

    def error_for(self, message: str) -> type[ConnectorError]:
        return self.then if self.contains in message.lower() else self.otherwise


CodeTable = Mapping[Code, "type[ConnectorError] | ByMessage"]


@dataclass(frozen=True)
class Rung:
    """What one rung raises and says. ``words`` may name ``{status}``; with ``{message}`` it wraps the body's
    words (or its code); otherwise the body's message is said when it has one, unless ``quote_body`` is off
    (the platform's message there is about something else)."""

    error: type[ConnectorError]
    words: str
    quote_body: bool = True

    def says(self, answer: Answer, status: int) -> str:
        if "{message}" in self.words:
            return self.words.format(message=answer.message or answer.platform_code or "", status=status)
        if self.quote_body and answer.message:
            return answer.message
        return self.words.format(status=status)


def header_retry_after(response: requests.Response, answer: Answer) -> float | None:
    """The standard reader: the ``Retry-After`` header, seconds or HTTP-date (``parse_retry_after``)."""
    return parse_retry_after(response.headers.get("Retry-After"))


QUIET_RATE_LIMIT = Rung(RateLimited, "rate limited", quote_body=False)

# 401 and 403 for platforms whose error bodies do not say more: refresh the token once, or fail on scope.
AUTH_STATUSES: Mapping[int, Rung] = {
    401: Rung(TokenExpired, "unauthorized"),
    403: Rung(PermissionDenied, "forbidden"),
}


@dataclass(frozen=True)
class StatusLadder:
    """The ``Interpreter`` of every platform client (``HttpClient`` calls ``interpret``)."""

    platform: str
    envelope: Envelope
    codes: CodeTable = field(default_factory=dict)
    statuses: Mapping[int, Rung] = field(default_factory=dict)
    rate_limited: Rung = Rung(RateLimited, "too many requests")
    server_error: Rung = Rung(ServerError, "server error")
    client_error: Rung = Rung(InvalidRequest, "HTTP {status}")
    retry_after: Callable[[requests.Response, Answer], float | None] = header_retry_after

    @classmethod
    def body_decides(cls, platform: str, envelope: Envelope, codes: CodeTable) -> StatusLadder:
        """A platform whose body code says more than any status (Shopee, TikTok): no status rungs of its own, and
        the status rungs say only their own words (the body's message there is not about the status)."""
        return cls(
            platform,
            envelope,
            codes=codes,
            rate_limited=QUIET_RATE_LIMIT,
            server_error=Rung(ServerError, "server error", quote_body=False),
            client_error=Rung(InvalidRequest, "HTTP {status}", quote_body=False),
        )

    def interpret(self, call: Call, response: requests.Response, payload: Any) -> Any:
        status = response.status_code
        answer = self.envelope.read(payload, status)
        known = self.known_error(answer)
        context: dict[str, Any] = {
            "platform": self.platform,
            "endpoint": call.path,
            "http_status": status,
            "platform_code": answer.platform_code,
            "request_id": answer.request_id,
        }
        if status == 429 or answer.rate_limited or known is RateLimited:
            retry_after = self.retry_after(response, answer)
            raise RateLimited(self.rate_limited.says(answer, status), retry_after=retry_after, **context)
        rung = self.status_rung(status) if known is None else None
        if rung is not None:
            raise rung.error(rung.says(answer, status), **context)
        if answer.code is not None:
            raise (known or InvalidRequest)(answer.message, **context)
        if answer.problem is not None:
            raise InvalidPayload(answer.problem, **context)
        if status >= 400:
            raise self.client_error.error(self.client_error.says(answer, status), **context)
        return self.envelope.data(payload)

    def known_error(self, answer: Answer) -> type[ConnectorError] | None:
        """The table's class for the body's code, or None when the body reports no error or an unknown one."""
        try:
            entry = self.codes.get(answer.code) if answer.code is not None else None
        except TypeError:  # an unhashable "code" (a list, an object) is not one the table can know
            return None
        return entry.error_for(answer.message) if isinstance(entry, ByMessage) else entry

    def status_rung(self, status: int) -> Rung | None:
        if status >= 500:
            return self.server_error
        return self.statuses.get(status)


@dataclass(frozen=True)
class BareJson:
    """An OAuth token endpoint's answer: a plain JSON object (``access_token``, ``expires_in``), no envelope."""

    not_an_object: str = "response is not a JSON object"
    message: Callable[[Any, int], str] = lambda payload, status: ""  # the endpoint's words, if it has any
    errors_need_no_body: bool = False  # an error status is answered by its rung even without a JSON object

    def read(self, payload: Any, status: int) -> Answer:
        readable = isinstance(payload, dict) or (self.errors_need_no_body and status >= 400)
        problem = None if readable else self.not_an_object
        return Answer(message=self.message(payload, status), problem=problem)

    def data(self, payload: Any) -> Any:
        return payload
