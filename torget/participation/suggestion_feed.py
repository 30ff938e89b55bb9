"""Suggestions as an Atom 1.0 feed (RFC 4287), for feed readers and the publishers' tools.

The feed's `id` is its own canonical address (the filters in a fixed order), so each filtered
feed is a feed of its own; an entry's `id` is `urn:uuid:<suggestion id>` (RFC 4122 §3, a
permanent IRI as RFC 4287 §4.2.6 asks), never the page address, which could move. A
suggestion's `updated` is its last change (a status change bumps it; votes do not, so a feed
reader is not told of every vote). The feed itself carries an `author` (the site), which
RFC 4287 §4.1.1 requires when an entry has none: an erased account's suggestion names no one.
Text is XML-escaped by the serializer, so HTML in a suggestion is shown as text, and every
text and attribute passes `torget.text.xml_safe`: the input rules refuse control characters,
but one left in an older row (or a display name) would otherwise make the whole feed invalid
XML for every reader.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from torget.clock import now
from torget.participation.suggestions import Suggestion
from torget.text import xml_safe

__all__ = ["ATOM_MEDIA_TYPE", "FeedInfo", "atom_feed"]

ATOM_MEDIA_TYPE = "application/atom+xml"
_NS = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class FeedInfo:
    title: str
    self_url: str  # also the feed's id
    page_url: str  # the HTML list it mirrors
    site_name: str = "Torget"


def _element(parent: ET.Element, tag: str, **attrs: str) -> ET.Element:
    return ET.SubElement(parent, tag, {name: xml_safe(v) for name, v in attrs.items()})


def _text(parent: ET.Element, tag: str, value: str, **attrs: str) -> ET.Element:
    element = _element(parent, tag, **attrs)
    element.text = xml_safe(value)
    return element


def _stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _entry(feed: ET.Element, item: Suggestion, base: str) -> None:
    entry = _element(feed, "entry")
    _text(entry, "id", f"urn:uuid:{item.id}")
    _text(entry, "title", item.title, type="text")
    _text(entry, "updated", _stamp(item.updated_at))
    _text(entry, "published", _stamp(item.created_at))
    _element(entry, "link", rel="alternate", type="text/html", href=base + item.path)
    if item.author_name:
        author = _element(entry, "author")
        _text(author, "name", item.author_name)
    _element(entry, "category", term=item.status, label=item.status.replace("_", " "))
    if item.theme:
        _element(entry, "category", term=item.theme)
    _text(entry, "summary", item.description, type="text")


def atom_feed(info: FeedInfo, items: list[Suggestion], base: str) -> bytes:
    """The feed document, UTF-8; `base` is the site's public address."""
    feed = ET.Element("feed", xmlns=_NS)
    _text(feed, "id", info.self_url)
    _text(feed, "title", info.title, type="text")
    latest = max((s.updated_at for s in items), default=None)
    _text(feed, "updated", _stamp(latest or now()))
    _element(feed, "link", rel="self", type=ATOM_MEDIA_TYPE, href=info.self_url)
    _element(feed, "link", rel="alternate", type="text/html", href=info.page_url)
    author = _element(feed, "author")
    _text(author, "name", info.site_name)
    _text(author, "uri", base + "/")
    for item in items:
        _entry(feed, item, base)
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body
