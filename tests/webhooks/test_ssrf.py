"""The SSRF guard: every way of writing an inside address is refused, unless its host is
allowed as written; the address checked is the one connected to, on every redirect hop."""

from __future__ import annotations

import pytest

from sampo.api.webhooks import http, ssrf
from tests.webhooks.receiver import Receiver

REFUSED = [
    "http://localhost/hook",
    "http://LOCALHOST./hook",
    "http://127.0.0.2/",
    "http://127.0.0.1.nip.invalid/",  # not found: refused as well
    "http://2130706433/",  # decimal
    "http://0177.0.0.1/",  # octal
    "http://0x7f.1/",  # hex, short form
    "http://0x7f000001/",
    "http://127.1/",  # short form
    "http://017700000001/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",  # IPv4-mapped IPv6
    "http://[::ffff:7f00:1]/",
    "http://[64:ff9b::7f00:1]/",  # NAT64 of 127.0.0.1
    "http://[fd00::1]/",  # unique local
    "http://[fe80::1]/",  # link-local
    "http://[::]/",
    "http://0.0.0.0/",
    "http://0/",
    "http://10.0.0.1/",
    "http://172.16.5.4/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "http://100.64.0.1/",  # shared address space
    "http://224.0.0.1/",  # multicast
    "http://240.0.0.1/",  # reserved
    "http://255.255.255.255/",
    "http://internal.test/",  # a name resolving inside
    "http://metadata.test/",
    "http://ula.test/",
    "http://rebind.test/",  # one public and one private address: refused
    "ftp://public.test/",
    "file:///etc/passwd",
    "gopher://public.test/",
    "http://user:pass@public.test/",
    "http:///nohost",
    "http://256.1.1.1.1/",
]


@pytest.mark.parametrize("url", REFUSED)
def test_it_refuses_an_address_inside_the_network_however_written(url: str) -> None:
    with pytest.raises(ssrf.UnsafeURLError):
        ssrf.resolve(url)


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://public.test/hook", "93.184.216.34"),
        ("https://public.test:8443/hook?x=1", "93.184.216.34"),
        ("https://[2606:4700:4700::1111]/", "2606:4700:4700::1111"),
        ("http://8.8.8.8/", "8.8.8.8"),
        ("http://127.0.0.1:9000/hook", "127.0.0.1"),  # allowed by the test settings
    ],
)
def test_it_lets_through_a_public_or_allowed_address(url: str, address: str) -> None:
    assert ssrf.resolve(url).address == address


def test_it_allows_a_private_host_only_as_the_admin_wrote_it(settings) -> None:
    settings.SAMPO_WEBHOOK_ALLOWED_HOSTS = ["internal.test"]

    assert ssrf.resolve("http://internal.test/").address == "10.1.2.3"
    with pytest.raises(ssrf.UnsafeURLError):
        ssrf.resolve("http://10.1.2.3/")


def test_it_refuses_everything_private_when_nothing_is_allowed(settings) -> None:
    settings.SAMPO_WEBHOOK_ALLOWED_HOSTS = []

    with pytest.raises(ssrf.UnsafeURLError):
        ssrf.resolve("http://127.0.0.1:9000/")


def test_it_connects_to_the_checked_address_and_sends_the_name_as_host(
    settings, receiver: Receiver
) -> None:
    settings.SAMPO_WEBHOOK_ALLOWED_HOSTS = ["receiver.test"]
    port = receiver.url.rsplit(":", 1)[1]

    result = http.post(f"http://receiver.test:{port}/hook", b"{}", {})

    assert result.ok
    [request] = receiver.received()
    assert request.headers["Host"] == f"receiver.test:{port}"


def test_it_follows_a_redirect_to_an_allowed_address(receiver: Receiver) -> None:
    receiver.redirects["/hook"] = f"{receiver.url}/moved"

    result = http.post(f"{receiver.url}/hook", b"{}", {})

    assert result.ok
    assert [r.path for r in receiver.received()] == ["/hook", "/moved"]


@pytest.mark.parametrize(
    "location",
    [
        "http://localhost:{port}/x",
        "http://2130706433:{port}/x",
        "http://[::1]:{port}/x",
        "http://internal.test/",
    ],
)
def test_it_refuses_a_redirect_to_an_inside_address(receiver: Receiver, location: str) -> None:
    port = receiver.url.rsplit(":", 1)[1]
    receiver.redirects["/hook"] = location.format(port=port)

    result = http.post(f"{receiver.url}/hook", b"{}", {})

    assert not result.ok
    assert result.error.startswith("refused")
    assert [r.path for r in receiver.received()] == ["/hook"]


def test_it_gives_up_on_endless_redirects(receiver: Receiver) -> None:
    receiver.redirects["/loop"] = f"{receiver.url}/loop"

    result = http.post(f"{receiver.url}/loop", b"{}", {})

    assert not result.ok
    assert len(receiver.received()) == http.MAX_REDIRECTS + 1
