"""The one HTTP loop every connector uses: timeouts, signing per attempt, retries, rate limit, redaction.

Two retry layers with written budgets (style_study §8.5): this client retries for *seconds*
(``RetryBudget``: attempts and total time); Airflow retries the task for *minutes*. Retried: connection
errors, timeouts, HTTP 429/5xx and platform codes the interpreter marks retryable; a server ``Retry-After``
wins over our own backoff. An expired token is refreshed once and the call retried once. A 4xx is never
retried. Requests are signed inside the retried unit so every attempt carries a fresh timestamp.
"""

from __future__ import annotations

import json
import logging
import os
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, stop_after_delay

from connectors.base.errors import ConnectorError, InvalidPayload, ServerError, TokenExpired
from connectors.base.ratelimit import RateLimiter
from connectors.base.redact import install_log_redaction, redact_mapping, redact_text

log = logging.getLogger("omnikop.http")
install_log_redaction("urllib3.connectionpool", "omnikop.http")


@dataclass(frozen=True)
class Call:
    """One logical API call, before signing. ``params``/``json`` hold request data only, never secrets."""

    method: str
    path: str
    params: Mapping[str, Any] = field(default_factory=dict)
    json: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)

    def descriptor(self) -> dict[str, Any]:
        """What gets landed next to the response: enough to replay the request, nothing secret."""
        described: dict[str, Any] = {"method": self.method, "path": self.path, "params": redact_mapping(self.params)}
        if self.json is not None:
            described["json"] = redact_mapping(self.json) if isinstance(self.json, Mapping) else self.json
        return described


@dataclass(frozen=True)
class SignedCall:
    """The wire form of a call: full URL, query (may include secrets), headers and body bytes."""

    url: str
    params: Mapping[str, Any]
    headers: Mapping[str, str]
    body: bytes | None = None


class Signer(Protocol):
    def sign(self, call: Call, now: int) -> SignedCall: ...


class Interpreter(Protocol):
    """Turns an HTTP response into data or a ``ConnectorError`` (platforms put errors in 200 bodies too)."""

    def interpret(self, call: Call, response: requests.Response, payload: Any) -> Any: ...


@dataclass(frozen=True)
class ApiResponse:
    call: Call
    status: int
    body: bytes
    data: Any
    request_id: str | None = None


@dataclass(frozen=True)
class RetryBudget:
    attempts: int = 6
    seconds: float = 60.0
    backoff_initial: float = 0.2
    backoff_max: float = 8.0
    max_retry_after: float = 30.0


def parse_json(body: bytes) -> Any:
    """Decode JSON with every non-integer number as ``Decimal`` (money never passes through float)."""
    return json.loads(body, parse_float=Decimal)


def _session_reading_environment_once() -> requests.Session:
    """A session that does not consult the environment itself: ``HttpClient._environment`` does, once per host."""
    session = requests.Session()
    session.trust_env = False
    return session


class HttpClient:
    def __init__(
        self,
        platform: str,
        base_url: str,
        *,
        signer: Signer,
        interpreter: Interpreter,
        limiter: RateLimiter | None = None,
        timeout: tuple[float, float] = (5.0, 30.0),
        budget: RetryBudget = RetryBudget(),
        refresh_token: Callable[[], None] | None = None,
        secrets: tuple[str, ...] = (),
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        session: requests.Session | None = None,
    ) -> None:
        self.platform, self.base_url = platform, base_url.rstrip("/")
        self.signer, self.interpreter, self.limiter = signer, interpreter, limiter
        self.timeout, self.budget, self.refresh_token = timeout, budget, refresh_token
        self.secrets, self._sleep, self._clock = secrets, sleep, clock
        # requests reads the proxy and CA-bundle environment afresh on every call (walking all of os.environ
        # twice), which profiling a 1 320-page pull put above the cost of signing. On its own session this client
        # reads it once per host (``_environment``) and hands requests the answer: the same settings. A session
        # passed in is the caller's and left as it is.
        self.session = session or _session_reading_environment_once()
        self._environments: dict[str, dict[str, Any]] | None = None if session else {}
        self.attempts = 0  # total HTTP attempts made, for run summaries and tests

    def _environment(self, url: str) -> dict[str, Any]:
        """What requests itself would take from the environment for ``url``: the proxies for its host (and
        ``NO_PROXY``) and ``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE``; nothing for a session passed in."""
        if self._environments is None:
            return {}
        host = urlsplit(url).netloc
        settings = self._environments.get(host)
        if settings is None:
            bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
            settings = {"proxies": requests.utils.get_environ_proxies(url), "verify": bundle or None}
            self._environments[host] = settings
        return settings

    def call(self, call: Call) -> ApiResponse:
        """Perform ``call`` within the retry budget; refresh the token once if it expired."""
        try:
            return self._call_with_retries(call)
        except TokenExpired:
            if self.refresh_token is None:
                raise
            log.info("%s %s: access token expired, refreshing once", self.platform, call.path)
            self.refresh_token()
            return self._call_with_retries(call)

    def _call_with_retries(self, call: Call) -> ApiResponse:
        retrying = Retrying(
            stop=stop_after_attempt(self.budget.attempts) | stop_after_delay(self.budget.seconds),
            wait=self._wait,
            retry=retry_if_exception(_is_retryable),
            sleep=self._sleep,
            reraise=True,
            before_sleep=self._log_retry,
        )
        return retrying(self._attempt, call)

    def _attempt(self, call: Call) -> ApiResponse:
        if self.limiter is not None:
            self.limiter.acquire()
        self.attempts += 1
        signed = self.signer.sign(call, int(self._clock()))
        try:
            response = self.session.request(
                call.method,
                signed.url,
                params=signed.params,
                headers=dict(signed.headers),
                data=signed.body,
                timeout=self.timeout,
                **self._environment(signed.url),
            )
        except (requests.ConnectionError, requests.Timeout) as error:
            raise ServerError(
                f"transport failure: {type(error).__name__}", platform=self.platform, endpoint=call.path
            ) from None
        body = response.content
        try:
            payload = parse_json(body) if body else None
        except ValueError:
            if response.status_code >= 500:
                payload = None
            else:
                invalid = InvalidPayload(
                    f"response is not valid JSON ({len(body)} bytes)",
                    platform=self.platform,
                    endpoint=call.path,
                    http_status=response.status_code,
                )
                invalid.body = body  # kept so a persistently bad page can be landed and quarantined
                invalid.call = call  # and described as the request it answered
                raise invalid from None
        data = self.interpreter.interpret(call, response, payload)
        request_id = payload.get("request_id") if isinstance(payload, dict) else None
        return ApiResponse(call, response.status_code, body, data, request_id and str(request_id))

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            return min(float(retry_after), self.budget.max_retry_after)
        exponential = self.budget.backoff_initial * 2 ** (state.attempt_number - 1)
        return min(self.budget.backoff_max, exponential) * random.uniform(0.5, 1.0)

    def _log_retry(self, state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        log.warning(
            "%s: attempt %d failed (%s); retrying",
            self.platform,
            state.attempt_number,
            redact_text(str(error), self.secrets),
        )


def _is_retryable(error: BaseException) -> bool:
    return isinstance(error, ConnectorError) and error.retryable
