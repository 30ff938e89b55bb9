"""Downloading a distribution's file for loading: time-limited, size-limited, public hosts only.

A URL typed by an editor must not make the server fetch from its own network (SSRF): every
address a host name resolves to is checked, on every redirect, and private, loopback,
link-local, multicast and reserved addresses are refused unless `allow_private_addresses`
is set (tests set it to reach their loopback server). An HTML page where data was expected
(a login or "not found" page) is refused with that reason.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from torget.datastore.errors import LoadError

__all__ = ["FetchLimits", "download"]

_REDIRECTS = 5


@dataclass(frozen=True)
class FetchLimits:
    timeout: float = 30.0
    max_bytes: int = 2 << 30
    allow_private: bool = False


def check_host(url: str, allow_private: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LoadError(url, "only http and https URLs can be loaded")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise LoadError(url, f"the host name does not resolve: {exc.strerror}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global or address.is_multicast:
            raise LoadError(url, f"refused: {parts.hostname} is a private address ({address})")


def _save(url: str, response: httpx.Response, target: Path, limits: FetchLimits,
          progress: Callable[[int], None]) -> None:  # fmt: skip
    if response.status_code >= 400:
        raise LoadError(url, f"the server answered HTTP {response.status_code}")
    if "text/html" in response.headers.get("content-type", ""):
        raise LoadError(url, "the server returned an HTML page, not a data file")
    declared = int(response.headers.get("content-length") or 0)
    if declared > limits.max_bytes:
        raise LoadError(url, f"the file is {declared} bytes, more than {limits.max_bytes}")
    size = 0
    with target.open("wb") as handle:
        for chunk in response.iter_bytes(1 << 20):
            size += len(chunk)
            if size > limits.max_bytes:
                raise LoadError(url, f"the file is larger than {limits.max_bytes} bytes")
            handle.write(chunk)
            progress(size)


def download(
    url: str, target: Path, limits: FetchLimits, progress: Callable[[int], None] | None = None
) -> None:
    """Fetch `url` into `target`, following up to five redirects, each one checked."""
    tell = progress or (lambda _n: None)
    timeout = httpx.Timeout(limits.timeout)
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False) as client:
            for _ in range(_REDIRECTS + 1):
                check_host(url, limits.allow_private)
                with client.stream("GET", url) as response:
                    if response.is_redirect and "location" in response.headers:
                        url = urljoin(url, response.headers["location"])
                        continue
                    _save(url, response, target, limits, tell)
                    return
    except httpx.TimeoutException:
        raise LoadError(url, f"no answer within {limits.timeout:g} seconds") from None
    except httpx.HTTPError as exc:
        raise LoadError(url, f"download failed: {exc}") from None
    raise LoadError(url, f"more than {_REDIRECTS} redirects")
