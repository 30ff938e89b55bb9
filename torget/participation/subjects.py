"""What the public can comment on or follow: a dataset, a suggestion or an organisation.

One small lookup so that comments, follows and their e-mails agree on a subject's owner (whose
editors answer and moderate), its title and its page, whichever kind it is. Suggestions are
read straight from their table (the suggestions package owns their rules, not their row).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from torget.accounts.permissions import Actor
from torget.catalog.model import LangText, OrganisationIn
from torget.catalog.organisations import all_organisations
from torget.db.schema import datasets, organisations, suggestions
from torget.errors import FieldError, NotFound, ValidationFailed
from torget.ids import is_uuid

__all__ = ["Subject", "SUBJECT_TYPES", "get_subject", "lineage", "dataset_owners"]

SUBJECT_TYPES = ("dataset", "suggestion", "organisation")


@dataclass(frozen=True)
class Subject:
    type: str
    id: str
    organisation_id: str
    title: LangText
    path: str  # the public page, e.g. /dataset/badplatser
    public: bool  # a draft dataset is not


def _dataset(conn: sa.Connection, ref: str) -> Subject | None:
    key = datasets.c.id if is_uuid(ref) else datasets.c.name
    row = conn.execute(
        sa.select(datasets.c.id, datasets.c.name, datasets.c.organisation_id, datasets.c.state,
                  datasets.c.data).where(key == ref)
    ).first()  # fmt: skip
    if row is None:
        return None
    # the title alone: validating the whole record cost more than the page's comments
    title = LangText.model_validate(json.loads(row.data)["title"])
    return Subject("dataset", row.id, row.organisation_id, title, f"/dataset/{row.name}",
                   row.state == "published")  # fmt: skip


def _suggestion(conn: sa.Connection, ref: str) -> Subject | None:
    row = conn.execute(
        sa.select(suggestions.c.id, suggestions.c.organisation_id, suggestions.c.title).where(
            suggestions.c.id == ref
        )
    ).first()
    if row is None:
        return None
    return Subject("suggestion", row.id, row.organisation_id, LangText(sv=row.title),
                   f"/suggestions/{row.id}", True)  # fmt: skip


def _organisation(conn: sa.Connection, ref: str) -> Subject | None:
    row = conn.execute(
        sa.select(organisations.c.id, organisations.c.name, organisations.c.data).where(
            (organisations.c.id == ref) | (organisations.c.name == ref)
        )
    ).first()
    if row is None:
        return None
    data = OrganisationIn.model_validate_json(row.data)
    return Subject("organisation", row.id, row.id, data.title, f"/organisation/{row.name}", True)


def get_subject(
    conn: sa.Connection, actor: Actor, subject_type: str, ref: str, allowed: tuple[str, ...]
) -> Subject:
    """The subject `ref` (an id, or a dataset's or organisation's name) of `subject_type`, one
    of `allowed`; NotFound when it does not exist or the actor may not read it."""
    if subject_type not in allowed:
        raise ValidationFailed(
            [FieldError("subject_type", "unknown kind of subject", allowed=list(allowed))]
        )
    find = {"dataset": _dataset, "suggestion": _suggestion, "organisation": _organisation}
    found = find[subject_type](conn, ref)
    if found is None or not (found.public or actor.has_role(found.organisation_id, "member")):
        raise NotFound(f"no {subject_type} {ref!r}")
    return found


def lineage(conn: sa.Connection, organisation_id: str) -> list[str]:
    """The organisation and its parents up the tree, nearest first: following (or hooking)
    a municipality covers its departments' datasets too, as its roles do."""
    orgs = all_organisations(conn)
    by_name = {o.name: o for o in orgs.values()}
    chain: list[str] = []
    node = orgs.get(organisation_id)
    while node is not None and node.id not in chain:
        chain.append(node.id)
        node = by_name.get(node.data.parent) if node.data.parent else None
    return chain


def dataset_owners(conn: sa.Connection, dataset_ids: Sequence[str]) -> dict[str, str]:
    """Dataset id → its organisation's id, in order, for those of the datasets that exist: what a
    subscriber of many events reads first, to pass over the datasets nobody listens to."""
    ids = list(dict.fromkeys(dataset_ids))
    found: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        rows = conn.execute(
            sa.select(datasets.c.id, datasets.c.organisation_id).where(
                datasets.c.id.in_(ids[start : start + 500])
            )
        )
        found.update({r.id: r.organisation_id for r in rows})
    return {i: found[i] for i in ids if i in found}
