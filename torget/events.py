"""Domain events: small dataclasses that the stores publish after a change.

Subscribers run synchronously inside the same transaction as the change, so that derived data
(the search index, later notifications and audit records) is written or rolled back with it.
Which handlers run is the site's: `torget.site` lists every subscription in one place, and
`publish` calls those of the connection's site. The stores never import the subscribers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from torget.site_lookup import site_of

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
    "publish",
]


@dataclass(frozen=True)
class DatasetSaved:
    """A dataset or one of its distributions was created or changed."""

    dataset_id: str


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


def publish(conn: sa.Connection, event: object) -> None:
    """Call, in this transaction, every handler the connection's site subscribed to the
    event's type (see `torget.site.SUBSCRIPTIONS`)."""
    site = site_of(conn, f"publishing {type(event).__name__}")
    for handler in site.subscribers.get(type(event), ()):
        handler(conn, event)
