"""Domain events: small dataclasses that the stores publish after a change.

Subscribers run synchronously inside the same transaction as the change, so that derived data
(the search index, later notifications and audit records) is written or rolled back with it.
Which handlers run is the site's: `torget.site` lists every subscription in one place, and
`publish` calls those of the connection's site. The stores never import the subscribers.

A write of many datasets at once (a harvest) publishes inside `gathered(conn)`: handlers
subscribed as `Bulk` then get the block's events together at its end, in one call, so the
search index and the due dates are written by one set-based pass instead of one round of
queries per dataset (10,000 harvested datasets: some 40 % of the harvest's time before). The
others still run at once, as the events come.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from torget.site_lookup import site_of

if TYPE_CHECKING:  # the catalogue publishes these events: no import of it at run time
    from torget.catalog.datasets import Dataset

__all__ = [
    "DatasetSaved",
    "DatasetDeleted",
    "DistributionSaved",
    "DistributionDeleted",
    "DataServiceSaved",
    "DataServiceDeleted",
    "OrganisationSaved",
    "OrganisationDeleted",
    "DatasetPublished",
    "DatasetWithdrawn",
    "DatasetUpdated",
    "SuggestionCreated",
    "SuggestionStatusChanged",
    "VoteCast",
    "VoteWithdrawn",
    "CommentPosted",
    "ShowcaseApproved",
    "Handler",
    "Bulk",
    "Gathering",
    "gathered",
    "publish",
]


@dataclass(frozen=True)
class DatasetSaved:
    """A dataset or one of its distributions was created or changed. `written` is the dataset
    as the save wrote it when the save has it at hand (a harvest's bulk insert), so that the
    search index need not read 10,000 new datasets back; None: read it."""

    dataset_id: str
    written: Dataset | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class DatasetDeleted:
    dataset_id: str


@dataclass(frozen=True)
class DistributionSaved:
    """A distribution was created or changed (its dataset also gets `DatasetSaved`)."""

    distribution_id: str
    dataset_id: str


@dataclass(frozen=True)
class DistributionDeleted:
    """Published before the row goes, so subscribers can still read it."""

    distribution_id: str
    dataset_id: str


@dataclass(frozen=True)
class DataServiceSaved:
    dataservice_id: str


@dataclass(frozen=True)
class DataServiceDeleted:
    dataservice_id: str


@dataclass(frozen=True)
class OrganisationSaved:
    organisation_id: str


@dataclass(frozen=True)
class OrganisationDeleted:
    organisation_id: str


@dataclass(frozen=True)
class DatasetPublished:
    """A dataset became public (draft → published), beside its `DatasetSaved`."""

    dataset_id: str


@dataclass(frozen=True)
class DatasetWithdrawn:
    """A public dataset stopped being public (unpublished or deleted); published before the
    row goes, so subscribers can still read it."""

    dataset_id: str


@dataclass(frozen=True)
class DatasetUpdated:
    """A public dataset (or one of its distributions) changed and stays public, beside its
    `DatasetSaved`: what followers and webhooks call "updated"."""

    dataset_id: str


# --- Participation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SuggestionCreated:
    suggestion_id: str


@dataclass(frozen=True)
class SuggestionStatusChanged:
    suggestion_id: str
    from_status: str
    to_status: str


@dataclass(frozen=True)
class VoteCast:
    suggestion_id: str
    user_id: str


@dataclass(frozen=True)
class VoteWithdrawn:
    suggestion_id: str
    user_id: str


@dataclass(frozen=True)
class CommentPosted:
    """A question, comment or answer on a dataset or a suggestion (`subject_type`)."""

    comment_id: str
    subject_type: str
    subject_id: str


@dataclass(frozen=True)
class ShowcaseApproved:
    showcase_id: str


Handler = Callable[[sa.Connection, Any], None]


@dataclass(frozen=True)
class Bulk:
    """A handler that takes many events of its type at once (`many(conn, events)`); outside
    `gathered` it is called with each event alone, like any handler. It reads the catalogue
    as it is when called: a change rolled back to a savepoint inside the block may have left
    an event behind (a harvested dataset its rules refused), and its record is then gone."""

    many: Callable[[sa.Connection, Sequence[Any]], None]

    def __call__(self, conn: sa.Connection, event: Any) -> None:
        self.many(conn, [event])


@dataclass
class Gathering:
    """The events kept for `Bulk` handlers in a `gathered` block: each event once per
    handler, handlers in the order they first had one. Of equal events the last is kept, in
    the place of the first: a `DatasetSaved` that hands over the dataset as written is
    replaced by a later save's, which does not (so the index reads the dataset back)."""

    kept: dict[Bulk, dict[object, object]] = field(default_factory=dict)

    def discard(self) -> None:
        """Forget what was kept (the block's writes are being rolled back)."""
        self.kept.clear()

    def deliver(self, conn: sa.Connection) -> None:
        while self.kept:
            handler = next(iter(self.kept))
            handler.many(conn, list(self.kept.pop(handler).values()))


_GATHERING = "torget.events.gathering"


@contextmanager
def gathered(conn: sa.Connection) -> Iterator[Gathering]:
    """Within the block, events for `Bulk` handlers are kept; they are delivered, in the same
    transaction, when the block ends without an exception (unless `discard`ed)."""
    if _GATHERING in conn.info:
        raise RuntimeError("events are already being gathered on this connection")
    gathering = conn.info[_GATHERING] = Gathering()
    try:
        yield gathering
    except BaseException:
        gathering.discard()
        raise
    finally:
        del conn.info[_GATHERING]
    gathering.deliver(conn)


def publish(conn: sa.Connection, event: object) -> None:
    """Call, in this transaction, every handler the connection's site subscribed to the
    event's type (see `torget.site.SUBSCRIPTIONS`); in a `gathered` block the `Bulk` ones
    get it at the block's end."""
    site = site_of(conn, f"publishing {type(event).__name__}")
    gathering: Gathering | None = conn.info.get(_GATHERING)
    for handler in site.subscribers.get(type(event), ()):
        if gathering is not None and isinstance(handler, Bulk):
            gathering.kept.setdefault(handler, {})[event] = event
        else:
            handler(conn, event)
