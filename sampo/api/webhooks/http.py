"""One POST to a receiver, connecting to the address the SSRF guard checked (not to a fresh
lookup of the name) and following redirects ourselves, each hop checked again."""

from __future__ import annotations

import http.client
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urljoin

from django.conf import settings

from sampo.api.webhooks import ssrf

MAX_REDIRECTS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class Result:
    status: int | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to the checked address, with the certificate verified for the host name."""

    def __init__(self, target: ssrf.Target, timeout: float) -> None:
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: ssrf.Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def _host_header(target: ssrf.Target) -> str:
    host = f"[{target.host}]" if ":" in target.host else target.host
    default = 443 if target.scheme == "https" else 80
    return host if target.port == default else f"{host}:{target.port}"


def _post_once(target: ssrf.Target, body: bytes, headers: dict[str, str]) -> tuple[int, str | None]:
    timeout = float(settings.SAMPO_WEBHOOK_TIMEOUT_SECONDS)
    connection: http.client.HTTPConnection
    if target.scheme == "https":
        connection = _PinnedHTTPSConnection(target, timeout)
    else:
        connection = _PinnedHTTPConnection(target, timeout)
    try:
        connection.request("POST", target.path, body, {**headers, "Host": _host_header(target)})
        response = connection.getresponse()
        response.read(4096)  # a receiver's answer is not kept; read a little to end cleanly
        return response.status, response.getheader("Location")
    finally:
        connection.close()


def post(url: str, body: bytes, headers: dict[str, str]) -> Result:
    """POST the body, following up to MAX_REDIRECTS redirects with the same request (the
    signature covers the body, not the URL). Never raises for the receiver's failures."""
    for _hop in range(MAX_REDIRECTS + 1):
        try:
            target = ssrf.resolve(url)
            status, location = _post_once(target, body, headers)
        except ssrf.UnsafeURLError as error:
            return Result(None, f"refused: {error}")
        except (OSError, http.client.HTTPException) as error:
            return Result(None, str(error) or error.__class__.__name__)
        if status not in REDIRECTS or not location:
            return Result(status)
        url = urljoin(url, location)
    return Result(None, f"more than {MAX_REDIRECTS} redirects")
