"""The SSRF guard: which addresses are refused (literal inputs, every IPv6 form that carries an
IPv4 address), and, against live loopback servers, that a connection goes to exactly the
address that was checked and that every redirect hop is checked again."""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from torget.datastore.errors import LoadError
from torget.datastore.fetch import FetchLimits, download
from torget.outbound import Guard, Refused, refusal, stream
from torget.participation.webhook_sender import TargetRefused, check_target

REFUSED = [
    ("127.0.0.1", "loopback"),
    ("10.1.2.3", "private"),
    ("172.16.0.1", "private"),
    ("192.168.1.1", "private"),
    ("169.254.169.254", "link-local"),
    ("100.64.0.1", "not a globally reachable"),
    ("0.0.0.0", "unspecified"),
    ("224.0.0.1", "multicast"),
    ("240.0.0.1", "private"),
    ("255.255.255.255", "private"),
    ("::1", "loopback"),
    ("::", "unspecified"),
    ("fe80::1", "link-local"),
    ("fd00::1", "private"),
    ("fc00::1", "private"),
    ("ff02::1", "multicast"),
    ("::ffff:127.0.0.1", "IPv4-mapped for 127.0.0.1, a loopback"),
    ("::ffff:169.254.169.254", "IPv4-mapped for 169.254.169.254, a link-local"),
    ("::127.0.0.1", "IPv4-compatible for 127.0.0.1, a loopback"),
    ("::8.8.8.8", "deprecated IPv4-compatible"),
    ("64:ff9b::7f00:1", "NAT64 for 127.0.0.1, a loopback"),
    ("64:ff9b::a9fe:a9fe", "NAT64 for 169.254.169.254, a link-local"),
    ("64:ff9b::a01:203", "NAT64 for 10.1.2.3, a private"),
    ("64:ff9b:1::808:808", "local-use NAT64"),
    ("2002:7f00:1::1", "6to4 for 127.0.0.1, a loopback"),
    ("2002:a9fe:a9fe::", "6to4 for 169.254.169.254, a link-local"),
    # Teredo: server 65.54.227.120, client 127.0.0.1 stored inverted (0x80ffff fe).
    ("2001:0:4136:e378:8000:63bf:80ff:fffe", "Teredo client for 127.0.0.1, a loopback"),
    ("2001:0:7f00:1:8000:63bf:f7f7:f7f7", "Teredo server for 127.0.0.1, a loopback"),
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "private"),  # any Teredo address
]

PUBLIC = ["8.8.8.8", "193.10.5.1", "2a00:1450:4001::1", "::ffff:8.8.8.8", "64:ff9b::808:808",
          "2002:808:808::1"]  # fmt: skip


@pytest.mark.parametrize(("address", "why"), REFUSED)
def test_addresses_that_are_not_public_are_refused(address: str, why: str) -> None:
    reason = refusal(ipaddress.ip_address(address))
    assert reason is not None and why in reason


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    "host", ["[::ffff:127.0.0.1]", "[::127.0.0.1]", "[64:ff9b::7f00:1]", "[2002:7f00:1::1]"]
)
def test_ipv6_forms_of_loopback_are_refused_by_downloads_and_webhooks(
    host: str, tmp_path: Path
) -> None:
    url = f"http://{host}:8080/data.csv"
    with pytest.raises(TargetRefused, match="private address"):
        check_target(url, allow_private=False)
    with pytest.raises(LoadError, match="private address"):
        download(url, tmp_path / "data.csv", FetchLimits(timeout=5))


@dataclass
class Resolver:
    """A name server under the test's control: one answer per look-up, the last repeated."""

    answers: list[list[str]]
    asked: list[str] = field(default_factory=list)

    def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        return self.answers[min(len(self.asked), len(self.answers)) - 1]


@dataclass
class Server:
    url: str
    requests: list[str]


def _handler(name: str, requests: list[str], redirect: str | None) -> type:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            requests.append(self.path)
            if redirect is not None and self.path == "/jump":
                self.send_response(302)
                self.send_header("Location", redirect)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = f"{name} {self.headers['Host']}".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: Any) -> None:
            pass

    return Handler


@contextmanager
def serve(host: str, name: str, port: int = 0, redirect: str | None = None) -> Iterator[Server]:
    requests: list[str] = []
    server = ThreadingHTTPServer((host, port), _handler(name, requests, redirect))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Server(f"http://{host}:{server.server_address[1]}", requests)
    finally:
        server.shutdown()
        server.server_close()


# 127.0.0.2 stands for a public host: the guard lets it through as an allowed network, while
# 127.0.0.1 stays refused as the loopback address it is.
PUBLIC_STAND_IN = Guard(allowed_networks=(ipaddress.ip_network("127.0.0.2/32"),))


def _get(guard: Guard, url: str) -> str:
    with guard.client(5) as client, stream(client, "GET", url, redirects=3) as response:
        return response.read().decode()


def test_a_redirect_to_loopback_is_refused() -> None:
    with (
        serve("127.0.0.1", "secret") as inside,
        serve("127.0.0.2", "public", redirect=f"{inside.url}/x.csv") as outside,
    ):
        with pytest.raises(Refused, match="127.0.0.1 is a loopback address"):
            _get(PUBLIC_STAND_IN, f"{outside.url}/jump")
        assert outside.requests == ["/jump"] and inside.requests == []
        allowed = Guard(allow_private=True)
        assert _get(allowed, f"{outside.url}/jump").startswith("secret")


def test_a_name_with_any_private_address_is_refused_before_connecting() -> None:
    with serve("127.0.0.1", "secret") as inside:
        port = inside.url.rsplit(":", 1)[1]
        resolver = Resolver([["93.184.215.14", "127.0.0.1"]])
        guard = Guard(resolver=resolver)
        with pytest.raises(Refused, match="data.example is a private address: 127.0.0.1"):
            _get(guard, f"http://data.example:{port}/x.csv")
        assert inside.requests == [] and resolver.asked == ["data.example"]


def test_the_connection_goes_to_the_address_that_was_checked() -> None:
    """DNS rebinding: the name answers the allowed address first and loopback after. The
    guard looks it up once and connects there; loopback never sees the request, and the
    request still names the host (Host header)."""
    with serve("127.0.0.2", "public") as outside:
        port = int(outside.url.rsplit(":", 1)[1])
        with serve("127.0.0.1", "secret", port=port) as inside:
            resolver = Resolver([["127.0.0.2"], ["127.0.0.1"]])
            guard = Guard(resolver=resolver, allowed_networks=PUBLIC_STAND_IN.allowed_networks)
            assert _get(guard, f"http://data.example:{port}/x.csv") == (
                f"public data.example:{port}"
            )
            assert resolver.asked == ["data.example"]
            assert outside.requests == ["/x.csv"] and inside.requests == []
