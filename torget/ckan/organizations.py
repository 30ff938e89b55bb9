"""CKAN's organization actions over `torget.catalog.organisations`.

Dataset counts come from the search index (`package_count` counts published datasets, as an
anonymous CKAN caller sees them). An organisation's parent is its first CKAN `groups` entry.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError

from torget.accounts.permissions import ANONYMOUS
from torget.accounts.users import get_user
from torget.catalog import organisations as store
from torget.catalog.model import OrganisationIn
from torget.catalog.visibility import validation_failed_from
from torget.ckan.call import Call, Params, as_bool, as_int, as_list, required
from torget.ckan.mapping import merge_patch
from torget.ckan.mapping_orgs import organisation_fields, organization_dict
from torget.ckan.packages import to_package
from torget.db.engine import read, write
from torget.errors import PermissionDenied
from torget.publishing import changes
from torget.search import SearchQuery, search_datasets

__all__ = [
    "organization_list",
    "organization_show",
    "organization_create",
    "organization_update",
    "organization_patch",
    "organization_delete",
    "organization_member_create",
    "published_counts",
]


def published_counts(conn: sa.Connection, facet: str) -> dict[str, int]:
    """Published datasets per value of a search facet (organisation, theme, keyword)."""
    found = search_datasets(conn, ANONYMOUS, SearchQuery(page_size=1, facet_limit=1_000_000))
    return {v.value: v.count for v in found.facets[facet]}


def organization_list(call: Call, params: Params) -> list[Any]:
    all_fields = as_bool(params, "all_fields")
    limit = as_int(params, "limit", 25 if all_fields else 1000)
    offset = as_int(params, "offset", 0)
    wanted = set(as_list(params, "organizations"))
    with read(call.engine) as conn:
        orgs = [o for o in store.all_organisations(conn).values() if not wanted or o.name in wanted]
        counts = published_counts(conn, "organisation") if all_fields else {}
    orgs.sort(key=lambda o: o.name)
    if str(params.get("sort") or "").startswith("package_count"):
        orgs.sort(key=lambda o: -counts.get(o.name, 0))
    orgs = orgs[offset : offset + limit]
    if not all_fields:
        return [o.name for o in orgs]
    return [organization_dict(o, counts.get(o.name, 0)) for o in orgs]


def _members(conn: sa.Connection, call: Call, name: str) -> list[dict[str, str]] | None:
    try:
        members = store.list_members(conn, call.actor, name)
    except PermissionDenied:
        return None
    return [{"name": m.user_name, "capacity": m.role} for m in members]


def organization_show(call: Call, params: Params) -> dict[str, Any]:
    with read(call.engine) as conn:
        org = store.get_organisation(conn, required(params, "id"))
        out = organization_dict(org, published_counts(conn, "organisation").get(org.name, 0))
        if as_bool(params, "include_users") and call.user is not None:
            users = _members(conn, call, org.name)
            if users is not None:
                out["users"] = users
        if as_bool(params, "include_datasets"):
            query = SearchQuery(filters={"organisation": [org.name]}, page_size=1000)
            found = search_datasets(conn, call.actor, query).items
            orgs = store.all_organisations(conn)
            out["packages"] = [to_package(conn, call, d, orgs) for d in found]
    return out


def _organisation_in(params: Params) -> OrganisationIn:
    try:
        return OrganisationIn.model_validate(organisation_fields(params))
    except ValidationError as exc:
        raise validation_failed_from(exc) from None


def organization_create(call: Call, params: Params) -> dict[str, Any]:
    with write(call.engine) as conn:
        org = changes.create_organisation(conn, call.actor, _organisation_in(params))
    return organization_dict(org, 0)


def organization_update(call: Call, params: Params) -> dict[str, Any]:
    with write(call.engine) as conn:
        current = store.lock_organisation(conn, str(params.get("id") or required(params, "name")))
        data = _organisation_in({"name": current.name, **params})
        org = changes.update_organisation(conn, call.actor, current.id, data)
    return organization_dict(org)


def organization_patch(call: Call, params: Params) -> dict[str, Any]:
    """The organisation with the given keys replaced, read in the transaction that writes it
    back (its row locked), so that concurrent patches of different keys all survive."""
    with write(call.engine) as conn:
        current = store.lock_organisation(conn, required(params, "id"))
        merged = merge_patch(organization_dict(current), params)
        data = _organisation_in({**merged, "name": current.name})
        org = changes.update_organisation(conn, call.actor, current.id, data)
    return organization_dict(org)


def organization_delete(call: Call, params: Params) -> None:
    with write(call.engine) as conn:
        changes.delete_organisation(conn, call.actor, required(params, "id"))


def organization_member_create(call: Call, params: Params) -> dict[str, Any]:
    """Add a user to an organisation or change their role (member, editor or admin)."""
    org_ref, user = required(params, "id"), required(params, "username")
    role = required(params, "role")
    with write(call.engine) as conn:
        org = store.get_organisation(conn, org_ref)
        member = changes.set_member(conn, call.actor, org.name, user, role)
        user_id = get_user(conn, user).id
    return {
        "group_id": org.id, "table_name": "user", "table_id": user_id,
        "capacity": member.role, "state": "active",
    }  # fmt: skip
