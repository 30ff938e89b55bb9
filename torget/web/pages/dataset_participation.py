"""What the public adds to a dataset's page, loaded in one call for `dataset.html`'s one
include (`_dataset_participation.html`): the follow button, the approved showcases that use
the dataset, and its questions and comments."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from torget.catalog.datasets import Dataset
from torget.db.engine import read
from torget.participation.showcases import Showcase, list_showcases
from torget.web.pages.comments import CommentsSection, comments_section
from torget.web.pages.follows import FollowButton, follow_button
from torget.web.pages.showcases import KIND_LABELS
from torget.web.request_site import request_site
from torget.web.sessions import page_actor

__all__ = ["DatasetParticipation", "dataset_participation"]


@dataclass(frozen=True)
class DatasetParticipation:
    follow_button: FollowButton
    showcases: list[Showcase]
    comments_section: CommentsSection
    kinds: dict[str, str]


def dataset_participation(request: Request, dataset: Dataset) -> DatasetParticipation:
    actor = page_actor(request)
    with read(request_site(request).engine) as conn:
        return DatasetParticipation(
            follow_button(conn, actor, "dataset", dataset.id),
            list_showcases(conn, dataset_id=dataset.id),
            comments_section(conn, actor, "dataset", dataset.id),
            KIND_LABELS,
        )
