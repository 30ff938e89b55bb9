"""Atom 1.0 documents (RFC 4287): one small writer for every feed Torget publishes.

The suggestions' feed (`participation/suggestion_feed.py`) and the datasets' feed
(`web/feeds.py`) describe their entries as `Entry` values and call `atom_document`. A feed's
`id` is its own canonical address; an entry's `id` is a permanent `urn:uuid:` (RFC 4287
§4.2.6), never a page address that could move. The feed carries an `author` (the site), which
§4.1.1 requires when an entry has none. Text is XML-escaped by the serializer, so HTML in a
title is shown as text, and every text and attribute passes `torget.text.xml_safe`: one
control character left in an older row would otherwise make the whole feed invalid XML for
every reader.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from torget.clock import now
from torget.text import xml_safe

__all__ = ["ATOM_MEDIA_TYPE", "Category", "Entry", "FeedInfo", "Link", "atom_document"]

ATOM_MEDIA_TYPE = "application/atom+xml"
_NS = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class FeedInfo:
    title: str
    self_url: str  # also the feed's id
    page_url: str  # the HTML list it mirrors
    site_name: str = "Torget"


@dataclass(frozen=True)
class Link:
    href: str
    type: str = "text/html"
    rel: str = "alternate"


@dataclass(frozen=True)
class Category:
    term: str
    label: str | None = None


@dataclass(frozen=True)
class Entry:
    id: str  # a permanent IRI, e.g. urn:uuid:…
    title: str
    updated: dt.datetime
    published: dt.datetime
    summary: str
    links: tuple[Link, ...]
    author: str | None = None
    categories: tuple[Category, ...] = field(default=())


def _element(parent: ET.Element, tag: str, **attrs: str | None) -> ET.Element:
    kept = {name: xml_safe(v) for name, v in attrs.items() if v is not None}
    return ET.SubElement(parent, tag, kept)


def _text(parent: ET.Element, tag: str, value: str, **attrs: str) -> ET.Element:
    element = _element(parent, tag, **attrs)
    element.text = xml_safe(value)
    return element


def _stamp(value: dt.datetime) -> str:
    if value.tzinfo is None:  # stored as UTC without a zone (SQLite)
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _entry(feed: ET.Element, item: Entry) -> None:
    entry = _element(feed, "entry")
    _text(entry, "id", item.id)
    _text(entry, "title", item.title, type="text")
    _text(entry, "updated", _stamp(item.updated))
    _text(entry, "published", _stamp(item.published))
    for link in item.links:
        _element(entry, "link", rel=link.rel, type=link.type, href=link.href)
    if item.author:
        author = _element(entry, "author")
        _text(author, "name", item.author)
    for category in item.categories:
        _element(entry, "category", term=category.term, label=category.label)
    _text(entry, "summary", item.summary, type="text")


def atom_document(info: FeedInfo, entries: list[Entry], base: str) -> bytes:
    """The feed document, UTF-8; `base` is the site's public address."""
    feed = ET.Element("feed", xmlns=_NS)
    _text(feed, "id", info.self_url)
    _text(feed, "title", info.title, type="text")
    latest = max((e.updated for e in entries), default=None)
    _text(feed, "updated", _stamp(latest or now()))
    _element(feed, "link", rel="self", type=ATOM_MEDIA_TYPE, href=info.self_url)
    _element(feed, "link", rel="alternate", type="text/html", href=info.page_url)
    author = _element(feed, "author")
    _text(author, "name", info.site_name)
    _text(author, "uri", base + "/")
    for item in entries:
        _entry(feed, item)
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body
