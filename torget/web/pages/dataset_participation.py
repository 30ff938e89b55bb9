"""What the public adds to a dataset's page, loaded in one call for `dataset.html`'s one
include (`_dataset_participation.html`): the follow button, the approved showcases that use
the dataset, and its questions and comments."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from torget.accounts.permissions import Actor
from torget.catalog.datasets import Dataset
from torget.participation.showcases import Showcase, list_showcases
from torget.participation.subjects import Subject
from torget.web.pages.comments import CommentsSection, comments_section
from torget.web.pages.follows import FollowButton, follow_button
from torget.web.pages.showcases import KIND_LABELS

__all__ = ["DatasetParticipation", "dataset_participation"]


@dataclass(frozen=True)
class DatasetParticipation:
    follow_button: FollowButton
    showcases: list[Showcase]
    comments_section: CommentsSection
    kinds: dict[str, str]


def dataset_participation(
    conn: sa.Connection, actor: Actor, dataset: Dataset
) -> DatasetParticipation:
    """For `dataset` as `actor` read it (so no second look-up of whether they may)."""
    subject = Subject("dataset", dataset.id, dataset.organisation_id, dataset.data.title,
                      f"/dataset/{dataset.name}", dataset.state == "published")  # fmt: skip
    return DatasetParticipation(
        follow_button(conn, actor, subject),
        list_showcases(conn, dataset_id=dataset.id),
        comments_section(conn, actor, subject),
        KIND_LABELS,
    )
