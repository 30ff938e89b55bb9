"""Picking a representation from a file extension, `?format=` or the Accept header.

A record's page (`html`) is one more representation of it: a browser, which puts `text/html`
first in its Accept header, gets the page; an API client sending `*/*` (curl, httpx) or nothing
gets the default, JSON.
"""

from __future__ import annotations

__all__ = ["negotiate", "split_extension", "format_param", "prefers_html", "FORMATS"]

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


def negotiate(accept: str, allowed: tuple[str, ...], default: str) -> str:
    """The allowed representation the Accept header prefers most (RFC 9110 q-values)."""
    best, best_q = default, 0.0
    for position, item in enumerate(accept.split(",")):
        media, *params = [p.strip() for p in item.split(";")]
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        q -= position * 1e-6  # earlier wins among equals
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
