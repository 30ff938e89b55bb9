"""Downloading a distribution's file for loading: time-limited, size-limited, public hosts only.

A URL typed by an editor must not make the server fetch from its own network (SSRF): the
connection goes through `torget.outbound`'s guard, which looks the host up once, refuses
private, loopback, link-local, multicast and reserved addresses (and IPv6 forms that carry
them) unless `allow_private_addresses` is set (tests set it to reach their loopback server),
and connects to exactly the addresses it checked, on every redirect. An HTML page where data
was expected (a login or "not found" page) is refused with that reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from torget.datastore.errors import LoadError
from torget.outbound import Guard, Refused, stream

__all__ = ["FetchLimits", "download"]

_REDIRECTS = 5


@dataclass(frozen=True)
class FetchLimits:
    timeout: float = 30.0
    max_bytes: int = 2 << 30
    allow_private: bool = False


def _save(url: str, response: httpx.Response, target: Path, limits: FetchLimits,
          progress: Callable[[int], None]) -> None:  # fmt: skip
    if response.status_code >= 400:
        raise LoadError(
            url,
            f"the server answered HTTP {response.status_code}",
            code="http_status",
            params={"status": response.status_code},
        )
    if "text/html" in response.headers.get("content-type", ""):
        raise LoadError(url, "the server returned an HTML page, not a data file", code="html_page")
    declared = int(response.headers.get("content-length") or 0)
    if declared > limits.max_bytes:
        raise LoadError(
            url,
            f"the file is {declared} bytes, more than {limits.max_bytes}",
            code="too_large",
            params={"limit": limits.max_bytes},
        )
    size = 0
    with target.open("wb") as handle:
        for chunk in response.iter_bytes(1 << 20):
            size += len(chunk)
            if size > limits.max_bytes:
                raise LoadError(
                    url,
                    f"the file is larger than {limits.max_bytes} bytes",
                    code="too_large",
                    params={"limit": limits.max_bytes},
                )
            handle.write(chunk)
            progress(size)


def download(
    url: str,
    target: Path,
    limits: FetchLimits,
    progress: Callable[[int], None] | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Headers | None:
    """Fetch `url` into `target`, following up to five redirects, each one checked; return
    the answer's headers, or None when a conditional request (`headers` with If-None-Match,
    If-Modified-Since: a scheduled refresh) was answered 304 Not Modified."""
    tell = progress or (lambda _n: None)
    guard = Guard(allow_private=limits.allow_private)
    try:
        with (
            guard.client(limits.timeout) as client,
            stream(client, "GET", url, redirects=_REDIRECTS, headers=headers or {}) as response,
        ):
            if response.status_code == 304 and headers:
                return None
            _save(str(response.url), response, target, limits, tell)
            return response.headers
    except Refused as exc:
        raise LoadError(
            url, f"refused: {exc}", code="download_refused", params={"detail": str(exc)}
        ) from None
    except httpx.TimeoutException:
        raise LoadError(
            url,
            f"no answer within {limits.timeout:g} seconds",
            code="timeout",
            params={"seconds": limits.timeout},
        ) from None
    except httpx.HTTPError as exc:
        raise LoadError(
            url, f"download failed: {exc}", code="download_failed", params={"detail": str(exc)}
        ) from None
