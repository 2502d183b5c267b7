"""The signature a receiver checks: HMAC-SHA256 with the subscription's secret over
"<timestamp>.<raw body>", sent as `Sampo-Webhook-Signature: v1=<hex>` (see api/README.md)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix that marks the secret, not one)


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_hex(24)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return "v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def headers(*, secret: str, event_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": "Sampo-Webhooks/1",
        "Sampo-Webhook-Id": event_id,
        "Sampo-Webhook-Timestamp": str(timestamp),
        "Sampo-Webhook-Signature": signature(secret, timestamp, body),
    }


def verify(secret: str, timestamp: str, body: bytes, received: str) -> bool:
    """What a receiver does (and the tests' receiver): compare in constant time."""
    try:
        expected = signature(secret, int(timestamp), body)
    except ValueError:
        return False
    return hmac.compare_digest(expected, received)
