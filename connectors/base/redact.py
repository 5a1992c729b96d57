"""Remove secrets from URLs, parameters, headers and bodies before anything is logged or landed."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REDACTED = "***"
SECRET_NAMES = frozenset(
    {
        "sign",
        "signature",
        "access_token",
        "refresh_token",
        "partner_key",
        "app_secret",
        "client_secret",
        "secret",
        "password",
        "authorization",
        "x-tts-access-token",
        "code",
        "token",
        "api_key",
        "apikey",
        "x-go-signature",
        "authorization-hmac",
    }
)
_SECRET_PATTERN = re.compile(
    r"(?i)(\"?(?:" + "|".join(re.escape(name) for name in sorted(SECRET_NAMES)) + r")\"?\s*[=:]\s*\"?)([^\"&,\s}]+)"
)


def is_secret(name: str) -> bool:
    return name.lower() in SECRET_NAMES


def redact_mapping(values: Mapping[str, Any]) -> dict[str, Any]:
    """Copy of ``values`` with secret keys masked, recursively."""
    return {
        key: REDACTED if is_secret(key) else redact_mapping(value) if isinstance(value, Mapping) else value
        for key, value in values.items()
    }


def redact_url(url: str) -> str:
    parts = urlsplit(url)
    query = urlencode([(k, REDACTED if is_secret(k) else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def redact_text(text: str, extra_secrets: tuple[str, ...] = ()) -> str:
    """Mask ``name=value`` / ``"name": "value"`` pairs for secret names, and any known secret value."""
    text = _SECRET_PATTERN.sub(lambda match: match.group(1) + REDACTED, text)
    for secret in extra_secrets:
        if secret and len(secret) >= 6:
            text = text.replace(secret, REDACTED)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites a log record's message with secrets masked (for loggers we do not control, e.g. urllib3,
    which logs full request URLs — signatures and access tokens included — at DEBUG)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact_text(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


def install_log_redaction(*logger_names: str) -> None:
    for name in logger_names:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, RedactingFilter) for existing in logger.filters):
            logger.addFilter(RedactingFilter())
