"""The address a request comes from, for the login throttle (django-axes) and the audit log.

Behind a reverse proxy (SAMPO_BEHIND_PROXY) every request arrives from the proxy, which appends
the client's address to X-Forwarded-For; the last entry is the one the proxy saw (the entries
before it are whatever the client sent, so they are not trusted). Without a proxy the header is
ignored: anyone could send it.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    address = request.META.get("REMOTE_ADDR", "")
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if entries := [entry.strip() for entry in forwarded.split(",") if entry.strip()]:
            address = entries[-1]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
