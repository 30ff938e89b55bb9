"""Changes to an organisation's inventory: candidates added, changed, removed, linked to
suggestions and made draft datasets, each with its entry in the history.

Every change runs in the caller's write transaction, is checked whole before anything is
written (`inventory_fields`, and whether each linked suggestion exists and concerns the
organisation's tree), and writes one `inventory_history` row saying who changed which fields
from what to what. A candidate becomes a draft through `changes.create_dataset`, the one way a
dataset is made, so the rules of a new dataset apply to it as to any other.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from torget.accounts.permissions import Acting, Actor
from torget.catalog.datasets import Dataset
from torget.catalog.model import ContactPoint, DatasetIn, LangText
from torget.catalog.organisations import (
    Organisation,
    all_organisations,
    get_organisation,
    units_of,
)
from torget.catalog.rules import slugify
from torget.catalog.vocabularies import HVD_LEGISLATION
from torget.clock import now
from torget.db.schema import (
    datasets,
    inventory_candidate_suggestions,
    inventory_candidates,
    inventory_history,
    inventory_settings,
    suggestions,
)
from torget.errors import Conflict, FieldError, ValidationFailed
from torget.ids import new_id
from torget.publishing import changes
from torget.publishing.inventory import Candidate, get_candidate, organisation_of
from torget.publishing.inventory_fields import CandidateIn, Checked, check_candidate

__all__ = [
    "create_candidate",
    "update_candidate",
    "delete_candidate",
    "promote_candidate",
    "set_public",
    "check_suggestions",
    "organisation_tree",
    "checked_or_refused",
    "save_checked",
    "save_many",
]

c = inventory_candidates.c


def organisation_tree(conn: sa.Connection, org_id: str) -> set[str]:
    """The organisations a suggestion to which may be linked: the whole tree `org_id` is in
    (a suggestion to the municipality may be planned by one of its departments)."""
    orgs = all_organisations(conn)
    by_name = {o.name: o for o in orgs.values()}
    root = orgs[org_id]
    while root.data.parent in by_name:
        root = by_name[root.data.parent]
    return units_of(orgs, root.id)


def check_suggestions(
    conn: sa.Connection, org_id: str, refs: list[str], path: str, tree: set[str] | None = None
) -> list[FieldError]:
    """Each suggestion `refs` names exists and concerns `org_id`'s tree (`tree`, when the
    caller has it already)."""
    rows = dict(
        conn.execute(
            sa.select(suggestions.c.id, suggestions.c.organisation_id).where(
                suggestions.c.id.in_(refs)
            )
        ).all()
    )
    if tree is None:
        tree = organisation_tree(conn, org_id) if rows else set()
    errors = []
    for ref in refs:
        if ref not in rows:
            errors.append(
                FieldError(
                    path,
                    f"there is no suggestion {ref!r}",
                    code="unknown_suggestion",
                    params={"value": ref},
                )
            )
        elif rows[ref] not in tree:
            errors.append(
                FieldError(
                    path,
                    f"the suggestion {ref!r} is to another organisation",
                    code="suggestion_elsewhere",
                    params={"value": ref},
                )
            )
    return errors


def checked_or_refused(conn: sa.Connection, org_id: str, data: CandidateIn) -> Checked:
    """`data` checked as one candidate of `org_id` (the pages' and the API's fields)."""
    checked, errors = check_candidate(data)
    if checked.suggestions:
        errors += check_suggestions(conn, org_id, checked.suggestions, "suggestions")
    if errors:
        raise ValidationFailed(errors)
    return checked


def _stored(candidate: Candidate | None) -> dict[str, Any]:
    """A candidate's fields as the history compares them (an empty value is None)."""
    if candidate is None:
        return {}
    out: dict[str, Any] = {k: (v or None) for k, v in vars(candidate.as_input()).items()}
    out["suggestions"] = sorted(out["suggestions"]) if out["suggestions"] else None
    return out


def _changes(before: dict[str, Any], checked: Checked) -> dict[str, list[Any]]:
    after = dict(checked.values)
    if checked.suggestions is not None:
        after["suggestions"] = sorted(checked.suggestions)
    return {k: [before.get(k), v or None] for k, v in after.items() if before.get(k) != (v or None)}


def _history_row(
    actor: Actor,
    org_id: str,
    candidate_id: str,
    action: str,
    changed: dict[str, list[Any]],
    dataset_id: str | None = None,
) -> dict[str, Any]:
    return {
        "id": new_id(),
        "organisation_id": org_id,
        "candidate_id": candidate_id,
        "actor_id": None if actor.user is None or actor.user.id == "system" else actor.user.id,
        "action": action,
        "changes": json.dumps(changed, ensure_ascii=False),
        "dataset_id": dataset_id,
        "created_at": now(),
    }


def _record(conn: sa.Connection, *args: Any, **kwargs: Any) -> None:
    conn.execute(inventory_history.insert(), [_history_row(*args, **kwargs)])


Change = tuple[Candidate | None, Checked]  # a candidate as it is (None: a new one) and as checked


def save_many(
    conn: sa.Connection, actor: Actor, org_id: str, changes_: list[Change], action: str
) -> list[tuple[str, bool]]:
    """Write checked candidates (new ones where the candidate is None) with their links and
    history entries; a candidate whose fields do not change is neither written nor recorded.
    For each, its id and whether anything changed. New candidates, links and history rows go
    in one statement each (an import of thousands of rows is a few statements, not thousands);
    changed ones are updated one by one."""
    stamp = now()
    saved: list[tuple[str, bool]] = []
    inserts: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    links: dict[str, list[str]] = {}
    for candidate, checked in changes_:
        changed = _changes(_stored(candidate), checked)
        if candidate is not None and not changed:
            saved.append((candidate.id, False))
            continue
        values = {**checked.values, "benefits": json.dumps(checked.values["benefits"])}
        candidate_id = new_id() if candidate is None else candidate.id
        if candidate is None:
            inserts.append(
                {
                    "id": candidate_id,
                    "organisation_id": org_id,
                    "created_at": stamp,
                    "updated_at": stamp,
                    **values,
                }
            )
        else:
            conn.execute(
                inventory_candidates.update().where(c.id == candidate_id),
                {"updated_at": stamp, **values},
            )
        if checked.suggestions is not None:
            links[candidate_id] = checked.suggestions
        history.append(_history_row(actor, org_id, candidate_id, action, changed))
        saved.append((candidate_id, True))
    if inserts:
        conn.execute(inventory_candidates.insert(), inserts)
    _link(conn, links)
    if history:
        conn.execute(inventory_history.insert(), history)
    return saved


def save_checked(
    conn: sa.Connection,
    actor: Actor,
    org_id: str,
    candidate: Candidate | None,
    checked: Checked,
    action: str,
) -> tuple[str, bool]:
    """One candidate's `save_many`."""
    return save_many(conn, actor, org_id, [(candidate, checked)], action)[0]


def _link(conn: sa.Connection, links: dict[str, list[str]]) -> None:
    """Each candidate's links to suggestions become exactly those given."""
    link = inventory_candidate_suggestions
    if not links:
        return
    conn.execute(link.delete().where(link.c.candidate_id.in_(list(links))))
    rows = [{"candidate_id": k, "suggestion_id": s} for k, ids in links.items() for s in ids]
    if rows:
        conn.execute(link.insert(), rows)


def create_candidate(
    conn: sa.Connection, actor: Actor, organisation: str, data: CandidateIn
) -> Candidate:
    """A new candidate in `organisation`'s inventory (editors)."""
    org = get_organisation(conn, organisation)
    actor.require(org.id, "editor", "change the inventory")
    checked = checked_or_refused(conn, org.id, data)
    return get_candidate(
        conn, actor, save_checked(conn, actor, org.id, None, checked, "created")[0]
    )


def update_candidate(
    conn: sa.Connection, actor: Actor, candidate_id: str, data: CandidateIn
) -> Candidate:
    """The candidate's fields replaced by `data` (editors); its links too unless
    `data.suggestions` is None."""
    org = organisation_of(conn, candidate_id, lock=True)
    actor.require(org.id, "editor", "change the inventory")
    checked = checked_or_refused(conn, org.id, data)
    before = get_candidate(conn, actor, candidate_id)
    save_checked(conn, actor, org.id, before, checked, "updated")
    return get_candidate(conn, actor, candidate_id)


def delete_candidate(conn: sa.Connection, actor: Actor, candidate_id: str) -> None:
    """Remove a candidate (editors); its history stays, ending with what it was."""
    org = organisation_of(conn, candidate_id, lock=True)
    actor.require(org.id, "editor", "change the inventory")
    before = _stored(get_candidate(conn, actor, candidate_id))
    conn.execute(inventory_candidates.delete().where(c.id == candidate_id))
    _record(
        conn, actor, org.id, candidate_id, "deleted", {k: [v, None] for k, v in before.items() if v}
    )


def _free_name(conn: sa.Connection, title: str) -> str:
    base = slugify(title or "dataset")[:90].strip("-_") or "dataset"
    taken = set(
        conn.execute(sa.select(datasets.c.name).where(datasets.c.name.like(base + "%"))).scalars()
    )
    return next(n for n in (base, *(f"{base}-{i}" for i in range(2, 10_000))) if n not in taken)


def _draft(org: Organisation, x: Candidate, name: str) -> DatasetIn:
    contact = None
    if x.contact_email:
        contact = ContactPoint(
            name=x.contact_name or x.department or org.data.title.sv, email=x.contact_email
        )
    hvd = [x.hvd_category] if x.hvd_category else []
    return DatasetIn(
        organisation=org.name,
        state="draft",
        name=name,
        title=LangText(sv=x.title_sv, en=x.title_en),
        description=LangText(sv=x.description or x.title_sv),
        contact_point=contact,
        hvd_categories=hvd,
        applicable_legislation=[HVD_LEGISLATION] if hvd else [],
    )


def promote_candidate(
    conn: sa.Connection, actor: Acting, candidate_id: str, name: str | None = None
) -> Dataset:
    """Make the candidate a draft dataset in one step (editors): its titles, description,
    contact and high-value category carried over, the dataset created by
    `changes.create_dataset` (so every rule of a new dataset applies), and the dataset's id
    kept on the candidate and in its history. A candidate becomes a dataset once."""
    org = organisation_of(conn, candidate_id, lock=True)
    actor.require(org.id, "editor", "turn a candidate into a dataset")
    candidate = get_candidate(conn, actor, candidate_id)
    if candidate.promoted_at is not None:
        raise Conflict(
            "this candidate is already a dataset",
            code="candidate_already_promoted",
            params={"dataset": candidate.dataset_name or ""},
        )
    draft = _draft(org, candidate, name or _free_name(conn, candidate.title_sv))
    dataset = changes.create_dataset(conn, actor, draft)
    stamp = now()
    conn.execute(
        inventory_candidates.update()
        .where(c.id == candidate_id)
        .values(dataset_id=dataset.id, promoted_at=stamp, updated_at=stamp)
    )
    _record(
        conn, actor, org.id, candidate_id, "promoted", {"dataset": [None, dataset.name]}, dataset.id
    )
    return dataset


def set_public(conn: sa.Connection, actor: Actor, organisation: str, public: bool) -> bool:
    """Show the inventory to the public or stop (the organisation's administrators)."""
    org = get_organisation(conn, organisation)
    actor.require(org.id, "admin", "change who may see the inventory")
    s = inventory_settings
    conn.execute(s.delete().where(s.c.organisation_id == org.id))
    conn.execute(s.insert().values(organisation_id=org.id, public=public, updated_at=now()))
    return public
