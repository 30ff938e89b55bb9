"""Picking a representation from a file extension, `?format=` or the Accept header.

A record's page (`html`) is one more representation of it: a browser, which puts `text/html`
first in its Accept header, gets the page; an API client sending `*/*` (curl, httpx) or nothing
gets the default, JSON.
"""

from __future__ import annotations

__all__ = [
    "negotiate",
    "split_extension",
    "format_param",
    "prefers_html",
    "accepts_gzip",
    "FORMATS",
]

# Representation name -> media type. `json` is Torget's own JSON; the others are RDF syntaxes.
FORMATS = {
    "rdf": "application/rdf+xml",
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "json": "application/json",
    "html": "text/html",
}
_ALIASES = {"xml": "rdf", "turtle": "ttl", "json-ld": "jsonld"}


def split_extension(ref: str, allowed: tuple[str, ...]) -> tuple[str, str | None]:
    """`abc.ttl` → (`abc`, `ttl`) when `ttl` is allowed; names never contain dots."""
    stem, dot, ext = ref.rpartition(".")
    if dot and ext in allowed:
        return stem, ext
    return ref, None


def weighted(header: str) -> list[tuple[str, float]]:
    """The items of an Accept or Accept-Language header with their q-values (RFC 9110 §12.4.2);
    among equal weights the earlier item wins, so each later one loses a hair."""
    items = []
    for position, item in enumerate(header.split(",")):
        value, *params = [p.strip() for p in item.split(";")]
        q = 1.0
        for param in params:
            key, _, number = param.partition("=")
            if key.strip() == "q":
                try:
                    q = float(number)
                except ValueError:
                    q = 0.0
        items.append((value, q - position * 1e-6))
    return items


def negotiate(accept: str, allowed: tuple[str, ...], default: str) -> str:
    """The allowed representation the Accept header prefers most."""
    best, best_q = default, 0.0
    for media, q in weighted(accept):
        for name in allowed:
            if FORMATS[name] == media.lower() and q > best_q:
                best, best_q = name, q
    return best


def format_param(value: str | None, allowed: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    name = _ALIASES.get(value.lower(), value.lower())
    return name if name in allowed else None


def prefers_html(accept: str) -> bool:
    """True when the client ranks `text/html` above JSON (a browser's navigation)."""
    return negotiate(accept, ("json", "html"), "json") == "html"


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header allows gzip (RFC 9110 §12.5.3): named (or `x-gzip`,
    or `*`) with a q-value above 0. Without the header, no: identity is the safe default."""
    allowed = {coding.lower(): q for coding, q in weighted(accept_encoding) if coding}
    for coding in ("gzip", "x-gzip"):
        if coding in allowed:
            return allowed[coding] > 0
    return allowed.get("*", 0.0) > 0
