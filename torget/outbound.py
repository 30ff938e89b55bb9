"""Requests Torget makes to URLs that users typed: public addresses only, checked where it
connects (SSRF).

A datastore download and a webhook call go to a URL an editor chose, from inside the server's
network. Checking the host name's addresses and then letting the HTTP client look the name up
again is not enough: a name with a short TTL can answer a public address to the check and
`127.0.0.1` to the connection (DNS rebinding). So the check sits in the connection itself: an
httpcore network backend resolves the name once, refuses the connection when any of its
addresses is not public, and connects to exactly those addresses. TLS still names the host
(SNI and certificate verification), and the `Host` header is the URL's. Each redirect hop
opens its own connection and so is checked again; `stream` follows redirects itself, with a
limit, and refuses a hop to anything but http or https. Proxies from the environment are
ignored, since a proxy would look the name up itself.

An address is refused when it is loopback, private, link-local (169.254.169.254, the cloud
metadata address, is one), multicast, unspecified, reserved or otherwise not globally
reachable (RFC 6890 and the IANA special-purpose registries, as Python's `ipaddress` knows
them), and an IPv6 address when the IPv4 address it carries would be refused: IPv4-mapped
(`::ffff:127.0.0.1`), NAT64 (64:ff9b::/96, RFC 6052), 6to4 (2002::/16, RFC 3056) and Teredo
(2001::/32, RFC 4380: the server and the de-obfuscated client). IPv4-compatible addresses
(`::127.0.0.1`, deprecated by RFC 4291) and the local-use NAT64 prefix 64:ff9b:1::/48
(RFC 8215) are refused whatever they carry. `allow_private` lifts all this for tests and
instances that load from their own network.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, urljoin, urlsplit

import httpcore
import httpx

__all__ = [
    "Address",
    "Guard",
    "Refused",
    "Resolver",
    "embedded_ipv4",
    "refusal",
    "stream",
    "system_resolver",
]

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Sequence[str]]
"""(host name, port) → its addresses as text; raises OSError when the name does not resolve."""

_COMPATIBLE = ipaddress.IPv6Network("::/96")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")


class Refused(Exception):
    """A URL or address Torget will not connect to; the message says why."""


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def embedded_ipv4(address: ipaddress.IPv6Address) -> list[tuple[str, ipaddress.IPv4Address]]:
    """The IPv4 addresses an IPv6 address stands for, each with the name of its form."""
    found: list[tuple[str, ipaddress.IPv4Address]] = []
    low32 = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.ipv4_mapped is not None:
        found.append(("IPv4-mapped", address.ipv4_mapped))
    elif address in _COMPATIBLE and int(address) > 1:
        found.append(("IPv4-compatible", low32))
    if address in _NAT64:
        found.append(("NAT64", low32))
    if address.sixtofour is not None:
        found.append(("6to4", address.sixtofour))
    if address.teredo is not None:
        server, client = address.teredo
        found += [("Teredo server", server), ("Teredo client", client)]
    return found


def _own_refusal(address: Address) -> str | None:
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_unspecified:
        return "the unspecified address"
    if address.is_private:
        return "a private address"
    if address.is_reserved:
        return "a reserved address"
    if not address.is_global:
        return "not a globally reachable address"
    return None


def refusal(address: Address) -> str | None:
    """Why Torget will not connect to `address`, or None when it is public."""
    if isinstance(address, ipaddress.IPv6Address):
        forms = embedded_ipv4(address)
        for form, ipv4 in forms:
            why = _own_refusal(ipv4)
            if why is not None:
                return f"{form} for {ipv4}, {why}"
        if address in _NAT64_LOCAL:
            return "in the local-use NAT64 prefix 64:ff9b:1::/48"
        if forms and forms[0][0] == "IPv4-compatible":
            return "a deprecated IPv4-compatible address"
        if address.ipv4_mapped is not None or address in _NAT64:
            return None  # the connection goes to the IPv4 address, public as checked above
    return _own_refusal(address)


@dataclass(frozen=True)
class Guard:
    """Where outbound connections may go. `allowed_networks` are private networks reached
    even when `allow_private` is off (none by default)."""

    allow_private: bool = False
    resolver: Resolver = system_resolver
    allowed_networks: tuple[Network, ...] = ()

    def addresses(self, host: str, port: int) -> list[Address]:
        """The host's addresses, looked up once; Refused when any of them is not public."""
        try:
            found = [ipaddress.ip_address(host)]
        except ValueError:
            try:
                found = [ipaddress.ip_address(a) for a in self.resolver(host, port)]
            except OSError as exc:
                raise Refused(
                    f"the host name {host} does not resolve: {exc.strerror or exc}"
                ) from None
        if not found:
            raise Refused(f"the host name {host} has no address")
        if not self.allow_private:
            for address in found:
                why = refusal(address)
                if why is not None and not any(address in n for n in self.allowed_networks):
                    raise Refused(f"{host} is a private address: {address} is {why}")
        return found

    def check(self, url: str) -> None:
        """Refused unless `url` is http(s) and its host's addresses are all public."""
        parts = _http_url(url)
        if not self.allow_private:
            default = 443 if parts.scheme == "https" else 80
            self.addresses(parts.hostname or "", parts.port or default)

    def client(self, timeout: float) -> httpx.Client:
        """An HTTP client whose every connection goes through this guard."""
        return httpx.Client(
            transport=_GuardedTransport(self),
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            trust_env=False,
        )


def _http_url(url: str) -> SplitResult:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a bad port raises here, not at connection time
    except ValueError as exc:
        raise Refused(f"not a valid URL: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused("only http and https URLs are allowed")
    return parts


class _PinnedBackend(httpcore.SyncBackend):
    """Connects to the addresses the guard checked, never to a second look-up's answer."""

    def __init__(self, guard: Guard) -> None:
        self._guard = guard

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        failure: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in self._guard.addresses(host, port):
            try:
                return super().connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport over a connection pool with the pinned backend: httpx keeps its
    request, response and error handling, and only the connecting changes."""

    def __init__(self, guard: Guard) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            network_backend=_PinnedBackend(guard),
        )


@contextmanager
def stream(
    client: httpx.Client, method: str, url: str, *, redirects: int, **kwargs: Any
) -> Iterator[httpx.Response]:
    """The final response to `url`, following at most `redirects` redirects; every hop is an
    http(s) URL and connects through the client's guard."""
    for _ in range(redirects + 1):
        _http_url(url)
        with client.stream(method, url, **kwargs) as response:
            location = response.headers.get("location")
            if not (response.is_redirect and location):
                yield response
                return
        url = urljoin(url, location)
    raise Refused(f"more than {redirects} redirects")
