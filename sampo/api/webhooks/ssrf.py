"""Guard against server-side request forgery: a webhook URL may only reach the public
internet, unless an admin allowed its host (SAMPO_WEBHOOK_ALLOWED_HOSTS).

The check is made on the addresses the host resolves to at delivery time, and the caller
connects to the very address that was checked (no second lookup a rebinding DNS server
could answer differently). Hosts written as numbers in any form inet_aton accepts
(2130706433, 0177.0.0.1, 0x7f.1, 127.1) are read as the address they mean, never looked up.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# host, port -> the addresses it resolves to; tests point it elsewhere.
Resolver = Callable[[str, int], list[str]]

_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class UnsafeURLError(ValueError):
    """The URL may not be called; the message says why, for the admin."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as written (without brackets), for the Host header and TLS
    port: int
    address: str  # the checked address to connect to
    path: str  # path and query


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


RESOLVER: Resolver = system_resolver


def _number(part: str) -> int:
    if part.lower().startswith("0x"):
        return int(part[2:] or "0", 16)
    if len(part) > 1 and part.startswith("0"):
        return int(part, 8)
    return int(part, 10)


def loose_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """An IPv4 address in any form inet_aton accepts (1 to 4 parts, decimal, octal or hex),
    or None when the host is not written as numbers."""
    parts = host.split(".")
    if host.endswith("."):  # a trailing dot is still the same address
        parts = parts[:-1]
    if not 1 <= len(parts) <= 4:
        return None
    try:
        numbers = [_number(part) for part in parts]
    except ValueError:
        return None
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):
        raise UnsafeURLError(_("The address %(host)s is not valid.") % {"host": host})
    value = last
    for i, n in enumerate(reversed(head)):
        value += n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def literal_address(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return loose_ipv4(host)


def _unwrapped(address: IPAddress) -> IPAddress:
    """The IPv4 address inside an IPv4-mapped or NAT64 IPv6 address."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address in _NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def is_public(address: IPAddress) -> bool:
    address = _unwrapped(address)
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or (isinstance(address, ipaddress.IPv6Address) and address.is_site_local)
        or not address.is_global
    )


def _allowed(host: str) -> bool:
    """Admin-allowed hosts, as written in the URL: a name, or an address in its usual form."""
    wanted = {h.strip().lower().strip("[]") for h in settings.SAMPO_WEBHOOK_ALLOWED_HOSTS}
    if host in wanted:
        return True
    try:
        return str(ipaddress.ip_address(host)) in wanted
    except ValueError:
        return False


def check_url(url: str) -> tuple[str, str, int, str]:
    """The syntax alone (for a form): scheme, host, port and path, or UnsafeURLError."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise UnsafeURLError(_("The URL is not valid.")) from error
    if parts.scheme not in ("http", "https"):
        raise UnsafeURLError(_("Only http and https URLs can receive webhooks."))
    host = (parts.hostname or "").lower()
    if not host:
        raise UnsafeURLError(_("The URL has no host."))
    if parts.username is not None or parts.password is not None:
        raise UnsafeURLError(_("Put no user name or password in the URL."))
    port = port or (443 if parts.scheme == "https" else 80)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.scheme, host, port, path


def resolve(url: str, *, resolver: Resolver | None = None) -> Target:
    """The address to connect to for `url`, checked; UnsafeURLError if it may not be called.
    Every address the name resolves to must be public: a name that also points inside the
    network is refused, whichever address a connection would pick."""
    scheme, host, port, path = check_url(url)
    allowed = _allowed(host)
    literal = literal_address(host)
    if literal is not None:
        addresses: list[IPAddress] = [literal]
    else:
        try:
            found = (resolver or RESOLVER)(host, port)
        except (OSError, UnicodeError) as error:
            raise UnsafeURLError(_("The host %(host)s was not found.") % {"host": host}) from error
        addresses = [ipaddress.ip_address(a.split("%")[0]) for a in found]
        if not addresses:
            raise UnsafeURLError(_("The host %(host)s was not found.") % {"host": host})
    if not allowed:
        for address in addresses:
            if not is_public(address):
                raise UnsafeURLError(
                    _(
                        "%(host)s is a private or reserved address (%(address)s). An "
                        "administrator of the server can allow it with "
                        "SAMPO_WEBHOOK_ALLOWED_HOSTS."
                    )
                    % {"host": host, "address": address}
                )
    return Target(scheme, host, port, str(addresses[0]), path)
