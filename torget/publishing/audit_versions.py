"""What a change did to a record, field by field: the versions of a dataset's metadata.

A use-case function takes the record's fields before the change (`before_dataset`, which locks
the row first, so nobody changes it between the two looks) and records after it
(`dataset_saved`, `dataset_deleted`): the entry keeps only the fields that differ, as
`{"title.sv": ["Badplatser", "Badplatser i Helsingborg"]}`, so the log stays small and a
dataset's history reads field by field. The fields are the record as stored
(`torget.catalog.datasets`, the DCAT-AP-SE record the API returns) with nested values as dotted
paths, each distribution under `distributions.<id>.`, and the dataset's classification under
`classification.`, so a classification given with a change (CKAN's extras) is part of that one
change. Lists (keywords, themes) are one field each. A created record's entry holds all its
fields and a deleted one's all it had, so the history starts and ends whole.

Which action an entry names follows from the state: draft to published is `published`,
published to draft `withdrawn`, anything else `changed`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from torget.accounts.permissions import SYSTEM, Acting
from torget.accounts.users import get_user
from torget.catalog import dataservices as service_store
from torget.catalog import datasets as dataset_store
from torget.catalog import organisations as organisation_store
from torget.catalog.dataservices import DataService
from torget.catalog.datasets import Dataset
from torget.catalog.organisations import Organisation
from torget.db.schema import dataset_classifications, memberships
from torget.errors import NotFound
from torget.publishing.audit import Action, Changes, Subject, record, record_many

__all__ = [
    "Before",
    "flatten",
    "diff",
    "dataset_fields",
    "before_dataset",
    "dataset_saved",
    "datasets_created",
    "dataset_deleted",
    "dataset_settled",
    "before_distribution",
    "role_of",
    "member_changed",
    "before_service",
    "service_saved",
    "service_deleted",
    "before_organisation",
    "organisation_saved",
    "organisation_deleted",
]

Fields = dict[str, Any]


@dataclass(frozen=True)
class Before:
    """A record's subject and fields as they were before the change."""

    subject: Subject
    fields: Fields
    state: str | None


def flatten(value: Any, prefix: str = "") -> Fields:
    """Nested objects as dotted paths; empty values left out (absent and empty are the same
    to a reader of the history)."""
    if isinstance(value, dict):
        out: Fields = {}
        for key, inner in value.items():
            out.update(flatten(inner, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if value is None or value == "" or value == []:
        return {}
    return {prefix: value}


def diff(before: Fields, after: Fields) -> Changes:
    """The fields that differ, in order, each as [before, after]."""
    keys = sorted(set(before) | set(after))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def _action(before: str | None, after: str | None) -> Action:
    if before is None:
        return Action.CREATED
    if before != "published" and after == "published":
        return Action.PUBLISHED
    if before == "published" and after != "published":
        return Action.WITHDRAWN
    return Action.CHANGED


# --- Datasets --------------------------------------------------------------------------------


def dataset_fields(conn: sa.Connection, dataset: Dataset) -> Fields:
    """The dataset as the log compares it: its record, distributions and classification."""
    t = dataset_classifications
    levels = (t.c.confidentiality, t.c.integrity, t.c.availability, t.c.reason)
    found = conn.execute(sa.select(*levels).where(t.c.dataset_id == dataset.id)).first()
    return _fields(dataset, None if found is None else dict(found._mapping))


def _fields(dataset: Dataset, classification: dict[str, Any] | None) -> Fields:
    record_: dict[str, Any] = dataset.data.model_dump(mode="json", exclude={"distributions"})
    record_["distributions"] = {d.id: d.data.model_dump(mode="json") for d in dataset.distributions}
    if classification is not None:
        record_["classification"] = classification
    return flatten(record_)


def _dataset_subject(dataset: Dataset) -> Subject:
    return Subject("dataset", dataset.id, dataset.name, dataset.organisation_id)


def before_dataset(conn: sa.Connection, actor: Acting, ref: str) -> Before:
    """The dataset before a change, its row locked for the rest of the transaction."""
    dataset = dataset_store.lock_dataset(conn, actor, ref)
    return Before(_dataset_subject(dataset), dataset_fields(conn, dataset), dataset.state)


def before_distribution(conn: sa.Connection, actor: Acting, dist_id: str) -> Before:
    """The distribution's dataset before a change of the distribution."""
    return before_dataset(
        conn, actor, dataset_store.get_distribution(conn, actor, dist_id).dataset_id
    )


def dataset_saved(
    conn: sa.Connection,
    actor: Acting,
    before: Before | None,
    dataset_id: str,
    action: Action | None = None,
    *,
    saved: Dataset | None = None,
) -> None:
    """Record the change that made the dataset what it is now (`before` None: created);
    `action` names it when the state does not (a classification, a sign-off). `saved`: the
    dataset as the caller has just read it (as `SYSTEM`), instead of reading it again."""
    dataset = saved or dataset_store.get_dataset(conn, SYSTEM, dataset_id)
    fields = dataset_fields(conn, dataset)
    state = None if before is None else before.state
    named = action or _action(state, dataset.state)
    changes = diff({} if before is None else before.fields, fields)
    record(conn, actor, named, _dataset_subject(dataset), changes)


def datasets_created(conn: sa.Connection, actor: Acting, created: Sequence[Dataset]) -> None:
    """`dataset_saved` of many datasets just created (as the caller made them: a new dataset
    has no classification yet), their entries written in one statement."""
    entries = [
        (_action(None, d.state), _dataset_subject(d), diff({}, _fields(d, None))) for d in created
    ]
    record_many(conn, actor, entries)


def dataset_settled(
    conn: sa.Connection, actor: Acting, dataset: Dataset, action: Action, changes: Changes
) -> None:
    """Record what an editor or admin settled about the dataset (an approval, a licence's
    justification, a sign-off): `changes` names it, as the dataset's fields do not hold it."""
    record(conn, actor, action, _dataset_subject(dataset), changes)


def dataset_deleted(conn: sa.Connection, actor: Acting, before: Before) -> None:
    record(conn, actor, Action.DELETED, before.subject, diff(before.fields, {}))


# --- Data services and organisations ---------------------------------------------------------


def _service_before(service: DataService) -> Before:
    subject = Subject("dataservice", service.id, service.data.name or service.id,
                      service.organisation_id)  # fmt: skip
    return Before(subject, flatten(service.data.model_dump(mode="json")), service.state)


def before_service(conn: sa.Connection, actor: Acting, ref: str) -> Before:
    return _service_before(service_store.get_dataservice(conn, actor, ref))


def service_saved(
    conn: sa.Connection, actor: Acting, before: Before | None, service: DataService
) -> None:
    now_ = _service_before(service)
    state = None if before is None else before.state
    changes = diff({} if before is None else before.fields, now_.fields)
    record(conn, actor, _action(state, service.state), now_.subject, changes)


def service_deleted(conn: sa.Connection, actor: Acting, before: Before) -> None:
    record(conn, actor, Action.DELETED, before.subject, diff(before.fields, {}))


def _organisation_before(org: Organisation) -> Before:
    subject = Subject("organisation", org.id, org.name, org.id)
    return Before(subject, flatten(org.data.model_dump(mode="json")), "organisation")


def before_organisation(conn: sa.Connection, ref: str) -> Before:
    return _organisation_before(organisation_store.lock_organisation(conn, ref))


def organisation_saved(
    conn: sa.Connection,
    actor: Acting,
    before: Before | None,
    org: Organisation,
    action: Action | None = None,
    changes: Changes | None = None,
) -> None:
    """Record a change of the organisation: its description (`before` None: created), or
    one named by `action` with its own `changes` (a member, the publishing rules)."""
    now_ = _organisation_before(org)
    if changes is None:
        changes = diff({} if before is None else before.fields, now_.fields)
    named = action or (Action.CREATED if before is None else Action.CHANGED)
    record(conn, actor, named, now_.subject, changes)


def organisation_deleted(conn: sa.Connection, actor: Acting, before: Before) -> None:
    record(conn, actor, Action.DELETED, before.subject, diff(before.fields, {}))


def role_of(conn: sa.Connection, org_ref: str, user_ref: str) -> str | None:
    """The user's own role in the organisation before a change of members (None: none)."""
    try:
        org = organisation_store.get_organisation(conn, org_ref)
        user = get_user(conn, user_ref)
    except NotFound:
        return None  # the change itself refuses it
    m = memberships
    found = conn.execute(
        sa.select(m.c.role).where(m.c.organisation_id == org.id, m.c.user_id == user.id)
    ).scalar()
    return None if found is None else str(found)


def member_changed(
    conn: sa.Connection,
    actor: Acting,
    org_ref: str,
    user_name: str,
    was: str | None,
    role: str | None,
) -> None:
    """A member added, given another role (`role`) or removed (None)."""
    org = organisation_store.get_organisation(conn, org_ref)
    action = Action.MEMBER_REMOVED if role is None else Action.MEMBER_SET
    changes = {f"members.{user_name}": [was, role]}
    organisation_saved(conn, actor, None, org, action, changes)
