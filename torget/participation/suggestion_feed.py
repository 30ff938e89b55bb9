"""Suggestions as an Atom 1.0 feed (RFC 4287), for feed readers and the publishers' tools.

The feed's `id` is its own canonical address (the filters in a fixed order), so each filtered
feed is a feed of its own; an entry's `id` is `urn:uuid:<suggestion id>`. A suggestion's
`updated` is its last change (a status change bumps it; votes do not, so a feed reader is not
told of every vote). An erased account's suggestion names no author (the feed's, the site,
stands in). The document itself is written by `torget.atom`, the writer of every feed.
"""

from __future__ import annotations

from torget.atom import ATOM_MEDIA_TYPE, Category, Entry, FeedInfo, Link, atom_document
from torget.participation.suggestions import Suggestion

__all__ = ["ATOM_MEDIA_TYPE", "FeedInfo", "atom_feed"]


def _entry(item: Suggestion, base: str) -> Entry:
    categories = [Category(item.status, item.status.replace("_", " "))]
    if item.theme:
        categories.append(Category(item.theme))
    return Entry(
        id=f"urn:uuid:{item.id}",
        title=item.title,
        updated=item.updated_at,
        published=item.created_at,
        summary=item.description,
        links=(Link(base + item.path),),
        author=item.author_name or None,
        categories=tuple(categories),
    )


def atom_feed(info: FeedInfo, items: list[Suggestion], base: str) -> bytes:
    """The feed document, UTF-8; `base` is the site's public address."""
    return atom_document(info, [_entry(item, base) for item in items], base)
