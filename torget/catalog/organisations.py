"""Organisations and their members.

An organisation is a municipality, one of its departments, or a company it owns; its short
`name` is used in URLs and by the CLI and never changes. Deleting one that still has datasets,
data services or child organisations is refused, so nothing is orphaned.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from torget.accounts.permissions import RANK, Actor
from torget.accounts.users import get_user
from torget.catalog.model import ContactPoint, OrganisationIn
from torget.catalog.rules import normalise_organisation
from torget.clock import as_utc, now
from torget.db.schema import dataservices, datasets, memberships, organisations, users
from torget.errors import Conflict, FieldError, NotFound, ValidationFailed
from torget.events import OrganisationDeleted, OrganisationSaved, publish
from torget.ids import new_id

__all__ = [
    "Organisation",
    "units_of",
    "create_organisation",
    "get_organisation",
    "no_organisation",
    "lock_organisation",
    "list_organisations",
    "update_organisation",
    "delete_organisation",
    "all_organisations",
    "publisher_of",
    "publisher_type_of",
    "contact_point_of",
    "Member",
    "list_members",
    "set_member",
    "remove_member",
]


@dataclass(frozen=True)
class Organisation:
    id: str
    data: OrganisationIn
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def name(self) -> str:
        return self.data.name

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id}
        out.update(self.data.model_dump(mode="json"))
        out["created_at"] = self.created_at.isoformat()
        out["updated_at"] = self.updated_at.isoformat()
        return out


def _from_row(row: sa.Row[tuple[object, ...]]) -> Organisation:
    m = row._mapping
    return Organisation(
        m["id"],
        OrganisationIn.model_validate_json(m["data"]),
        as_utc(m["created_at"]),
        as_utc(m["updated_at"]),
    )


def all_organisations(conn: sa.Connection) -> dict[str, Organisation]:
    """Every organisation by id: there are tens to hundreds, so loading all is cheap."""
    rows = conn.execute(sa.select(organisations).order_by(organisations.c.name))
    return {org.id: org for org in map(_from_row, rows)}


def units_of(orgs: dict[str, Organisation], organisation_id: str) -> set[str]:
    """The organisation and every unit below it, at any depth (children name their `parent`):
    the organisations that roles, feeds and suggestion lists of it cover."""
    children: dict[str | None, list[Organisation]] = {}
    for org in orgs.values():
        children.setdefault(org.data.parent, []).append(org)
    root = orgs.get(organisation_id)
    found, todo = {organisation_id}, list(children.get(root.name, [])) if root else []
    while todo:
        org = todo.pop()
        if org.id not in found:
            found.add(org.id)
            todo.extend(children.get(org.name, []))
    return found


def get_organisation(conn: sa.Connection, name_or_id: str) -> Organisation:
    row = conn.execute(
        sa.select(organisations).where(
            (organisations.c.name == name_or_id) | (organisations.c.id == name_or_id)
        )
    ).first()
    if row is None:
        raise NotFound(f"no organisation {name_or_id!r}")
    return _from_row(row)


def no_organisation(field: str, ref: str | None) -> ValidationFailed:
    """The refusal of `field` naming no organisation (`ref` unknown, or none given)."""
    code = "unknown_organisation" if ref else "organisation_required"
    message = f"no organisation {ref!r}"
    return ValidationFailed([FieldError(field, message, code=code, params={"value": ref or ""})])


def lock_organisation(conn: sa.Connection, name_or_id: str) -> Organisation:
    """The organisation as it is now, its row held against other writers until the
    transaction ends (as `datasets.lock_dataset`): a change read and written back whole."""
    mine = (organisations.c.name == name_or_id) | (organisations.c.id == name_or_id)
    conn.execute(sa.select(organisations.c.id).where(mine).with_for_update())
    return get_organisation(conn, name_or_id)


def list_organisations(
    conn: sa.Connection, *, offset: int = 0, limit: int = 100
) -> tuple[int, list[Organisation]]:
    total = conn.execute(sa.select(sa.func.count()).select_from(organisations)).scalar_one()
    rows = conn.execute(
        sa.select(organisations).order_by(organisations.c.name).offset(offset).limit(limit)
    )
    return total, [_from_row(r) for r in rows]


def _parent_id(conn: sa.Connection, data: OrganisationIn, own_id: str | None) -> str | None:
    if data.parent is None:
        return None
    try:
        parent = get_organisation(conn, data.parent)
    except NotFound:
        raise no_organisation("parent", data.parent) from None
    node: str | None = parent.id
    while node is not None:  # refuse cycles: an organisation cannot be its own ancestor
        if node == own_id:
            raise ValidationFailed([FieldError("parent", "would make a cycle")])
        node = conn.execute(
            sa.select(organisations.c.parent_id).where(organisations.c.id == node)
        ).scalar()
    return parent.id


def create_organisation(conn: sa.Connection, actor: Actor, data: OrganisationIn) -> Organisation:
    data = normalise_organisation(data)
    parent_id = _parent_id(conn, data, None)
    if parent_id is None:
        actor.require_sysadmin("create a top-level organisation")
    else:
        actor.require(parent_id, "admin", "create an organisation under this one")
    if conn.execute(sa.select(organisations.c.id).where(organisations.c.name == data.name)).first():
        raise Conflict(
            f"an organisation named {data.name!r} already exists",
            code="organisation_name_taken",
            params={"value": data.name},
        )
    stamp = now()
    org = Organisation(new_id(), data, stamp, stamp)
    conn.execute(
        organisations.insert().values(
            id=org.id,
            name=data.name,
            parent_id=parent_id,
            data=data.model_dump_json(),
            created_at=stamp,
            updated_at=stamp,
        )
    )
    publish(conn, OrganisationSaved(org.id))
    return org


def update_organisation(
    conn: sa.Connection, actor: Actor, name_or_id: str, data: OrganisationIn
) -> Organisation:
    current = lock_organisation(conn, name_or_id)
    actor.require(current.id, "admin", "change this organisation")
    if data.name != current.name:
        raise ValidationFailed([FieldError("name", "an organisation's short name cannot change")])
    data = normalise_organisation(data)
    parent_id = _parent_id(conn, data, current.id)
    stamp = now()
    conn.execute(
        organisations.update()
        .where(organisations.c.id == current.id)
        .values(parent_id=parent_id, data=data.model_dump_json(), updated_at=stamp)
    )
    publish(conn, OrganisationSaved(current.id))
    return Organisation(current.id, data, current.created_at, stamp)


def delete_organisation(conn: sa.Connection, actor: Actor, name_or_id: str) -> None:
    org = get_organisation(conn, name_or_id)
    actor.require(org.id, "admin", "delete this organisation")
    for table, what in ((datasets, "datasets"), (dataservices, "data services")):
        count = conn.execute(
            sa.select(sa.func.count()).where(table.c.organisation_id == org.id)
        ).scalar_one()
        if count:
            raise Conflict(
                f"organisation {org.name!r} still has {count} {what}; "
                "delete them or move them to another organisation first"
            )
    children = conn.execute(
        sa.select(organisations.c.name).where(organisations.c.parent_id == org.id)
    ).scalars()
    names = sorted(children)
    if names:
        raise Conflict(f"organisation {org.name!r} still has sub-organisations: {names}")
    conn.execute(organisations.delete().where(organisations.c.id == org.id))
    publish(conn, OrganisationDeleted(org.id))


def publisher_of(orgs: dict[str, Organisation], org_id: str) -> Organisation:
    """The legal entity that publishes for `org_id`: the nearest one, itself or up the parent
    chain, with an organisation number; failing that, the top of the chain."""
    by_name = {o.name: o for o in orgs.values()}
    org = orgs[org_id]
    seen = set()
    while org.data.org_number is None and org.data.parent and org.id not in seen:
        seen.add(org.id)
        parent = by_name.get(org.data.parent)
        if parent is None:
            break
        org = parent
    return org


def publisher_type_of(orgs: dict[str, Organisation], org: Organisation) -> str | None:
    """An organisation's publisher type, inherited from its parents when not set."""
    by_name = {o.name: o for o in orgs.values()}
    node: Organisation | None = org
    while node is not None:
        if node.data.publisher_type:
            return node.data.publisher_type
        node = by_name.get(node.data.parent) if node.data.parent else None
    return None


def contact_point_of(orgs: dict[str, Organisation], org_id: str) -> ContactPoint | None:
    """The contact point a record of `org_id` inherits: the nearest one up the parent chain."""
    by_name = {o.name: o for o in orgs.values()}
    node: Organisation | None = orgs.get(org_id)
    seen: set[str] = set()
    while node is not None and node.id not in seen:
        if node.data.contact_point is not None:
            return node.data.contact_point
        seen.add(node.id)
        node = by_name.get(node.data.parent) if node.data.parent else None
    return None


# --- Members ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    user_name: str
    role: str

    def as_json(self) -> dict[str, str]:
        return {"user": self.user_name, "role": self.role}


def list_members(conn: sa.Connection, actor: Actor, org_name: str) -> list[Member]:
    org = get_organisation(conn, org_name)
    actor.require(org.id, "member", "see this organisation's members")
    rows = conn.execute(
        sa.select(users.c.name, memberships.c.role)
        .join(users, users.c.id == memberships.c.user_id)
        .where(memberships.c.organisation_id == org.id)
        .order_by(users.c.name)
    )
    return [Member(r.name, r.role) for r in rows]


def set_member(conn: sa.Connection, actor: Actor, org_name: str, user: str, role: str) -> Member:
    """Add a user to an organisation, or change their role there."""
    if role not in RANK:
        raise ValidationFailed([FieldError("role", f"{role!r} is not a role", list(RANK))])
    org = get_organisation(conn, org_name)
    actor.require(org.id, "admin", "manage this organisation's members")
    target = get_user(conn, user)
    changed = conn.execute(
        memberships.update()
        .where(memberships.c.organisation_id == org.id, memberships.c.user_id == target.id)
        .values(role=role)
    )
    if changed.rowcount == 0:
        conn.execute(
            memberships.insert().values(
                organisation_id=org.id, user_id=target.id, role=role, created_at=now()
            )
        )
    return Member(target.name, role)


def remove_member(conn: sa.Connection, actor: Actor, org_name: str, user: str) -> None:
    org = get_organisation(conn, org_name)
    actor.require(org.id, "admin", "manage this organisation's members")
    target = get_user(conn, user)
    result = conn.execute(
        memberships.delete().where(
            memberships.c.organisation_id == org.id, memberships.c.user_id == target.id
        )
    )
    if result.rowcount == 0:
        raise NotFound(f"{target.name!r} is not a member of {org.name!r}")
