"""The CKAN actions Torget answers, by name: one explicit table, read-only ones marked (they
also answer GET, like CKAN's `side_effect_free`)."""

from __future__ import annotations

from typing import Any

from torget.ckan import (
    datastore,
    datastore_writes,
    groups,
    organizations,
    packages,
    resources,
    search,
    site,
    tokens,
)
from torget.ckan.call import Action, BadRequest, Call, Params

__all__ = ["ACTIONS", "help_show"]


def help_show(call: Call, params: Params) -> str | None:
    name = str(params.get("name") or "")
    if name not in ACTIONS:
        raise BadRequest(f"Action name not known: {name}")
    return ACTIONS[name].run.__doc__


def _read(run: Any) -> Action:
    return Action(run, read_only=True)


def _write(run: Any) -> Action:
    return Action(run, read_only=False)


ACTIONS: dict[str, Action] = {
    "status_show": _read(site.status_show),
    "site_read": _read(site.site_read),
    "license_list": _read(site.license_list),
    "help_show": _read(help_show),
    "package_list": _read(packages.package_list),
    "package_show": _read(packages.package_show),
    "package_search": _read(search.package_search),
    "package_create": _write(packages.package_create),
    "package_update": _write(packages.package_update),
    "package_patch": _write(packages.package_patch),
    "package_delete": _write(packages.package_delete),
    "resource_show": _read(resources.resource_show),
    "resource_view_list": _read(resources.resource_view_list),
    "resource_create": _write(resources.resource_create),
    "resource_update": _write(resources.resource_update),
    "resource_patch": _write(resources.resource_patch),
    "resource_delete": _write(resources.resource_delete),
    "organization_list": _read(organizations.organization_list),
    "organization_show": _read(organizations.organization_show),
    "organization_create": _write(organizations.organization_create),
    "organization_update": _write(organizations.organization_update),
    "organization_patch": _write(organizations.organization_patch),
    "organization_delete": _write(organizations.organization_delete),
    "organization_member_create": _write(organizations.organization_member_create),
    "group_list": _read(groups.group_list),
    "group_show": _read(groups.group_show),
    "tag_list": _read(groups.tag_list),
    "datastore_search": _read(datastore.datastore_search),
    "datastore_info": _read(datastore.datastore_info),
    "datastore_search_sql": _read(datastore.datastore_search_sql),
    "datastore_create": _write(datastore_writes.datastore_create),
    "datastore_upsert": _write(datastore_writes.datastore_upsert),
    "datastore_delete": _write(datastore_writes.datastore_delete),
    "api_token_create": _write(tokens.api_token_create),
    "api_token_list": _read(tokens.api_token_list),
    "api_token_revoke": _write(tokens.api_token_revoke),
}
