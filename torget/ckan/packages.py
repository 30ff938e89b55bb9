"""CKAN's package actions over the catalogue's use cases (`torget.publishing.changes`).

Every write goes through the same use-case functions as the JSON API and the pages, so the
same rules, permissions and checks of publication apply, in the same transaction, to a package
saved with `private: false`. `package_update`
replaces the dataset and, when `resources` is given, its resources, as in CKAN: resources with
a known `id` are updated, new ones added, missing ones deleted; without `resources` they are
kept. `package_patch` reads the package in the transaction that writes it back, the dataset's
row locked (`lock_dataset`), so concurrent patches of different keys all survive and a
resource added meanwhile is kept. `package_delete` deletes (Torget has no trash).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError

from torget.catalog import datasets as store
from torget.catalog.model import DatasetIn, DistributionIn
from torget.catalog.organisations import Organisation, all_organisations, get_organisation
from torget.catalog.visibility import validation_failed_from
from torget.catalog.vocabularies import vocabulary
from torget.ckan.call import Call, Params, as_bool, as_int, required
from torget.ckan.mapping import (
    dataset_fields,
    distribution_fields,
    merge_patch,
    objects,
    package_dict,
)
from torget.ckan.mapping_orgs import group_dict, organization_dict
from torget.datastore import tables
from torget.db.engine import read, write
from torget.db.schema import datasets
from torget.errors import FieldError, NotFound, ValidationFailed
from torget.publishing import changes
from torget.publishing.settlements import ClassificationIn, classification_of

__all__ = [
    "package_list",
    "package_show",
    "package_create",
    "package_update",
    "package_patch",
    "package_delete",
    "to_package",
    "show_dataset",
]


def to_package(
    conn: sa.Connection, call: Call, dataset: store.Dataset, orgs: dict[str, Organisation]
) -> dict[str, Any]:
    themes = [vocabulary("theme").lookup(t) for t in dataset.data.themes]
    groups = [group_dict(t) for t in themes if t is not None]
    org = organization_dict(orgs[dataset.organisation_id])
    loaded = tables.loaded(conn, [d.id for d in dataset.distributions])
    package = package_dict(dataset, org, groups, call.base, loaded)
    classified = classification_of(conn, dataset.id)
    if classified is not None:  # issue 13 B: read back as written, so a dump loads elsewhere
        package["extras"] = [
            *package.get("extras", []),
            *({"key": k, "value": str(getattr(classified, k))} for k in _LEVELS),
            {"key": _REASON, "value": classified.reason},
        ]
    return package


def show_dataset(conn: sa.Connection, call: Call, ref: str) -> dict[str, Any]:
    dataset = store.get_dataset(conn, call.actor, ref)
    return to_package(conn, call, dataset, all_organisations(conn))


def package_list(call: Call, params: Params) -> list[str]:
    """Names of the published datasets, A–Z; `limit` and `offset` page them."""
    limit = as_int(params, "limit", 1_000_000, low=0)
    offset = as_int(params, "offset", 0)
    stmt = (
        sa.select(datasets.c.name)
        .where(datasets.c.state == "published")
        .order_by(datasets.c.name)
        .offset(offset)
        .limit(limit)
    )
    with read(call.engine) as conn:
        return list(conn.execute(stmt).scalars())


def package_show(call: Call, params: Params) -> dict[str, Any]:
    with read(call.engine) as conn:
        return show_dataset(conn, call, required(params, "id"))


# --- Writing ---------------------------------------------------------------------------------


def _owner(conn: sa.Connection, pkg: Params) -> str:
    """The owning organisation's name: `owner_org` by id or name, else `organization.name`
    (a package dumped from another site carries that site's organisation id)."""
    org = pkg.get("organization")
    for ref in (pkg.get("owner_org"), org.get("name") if isinstance(org, dict) else None):
        if ref:
            try:
                return get_organisation(conn, str(ref)).name
            except NotFound:
                continue
    given = pkg.get("owner_org")
    message = f"Organization {given!r} does not exist" if given else "Missing value"
    raise ValidationFailed([FieldError("organisation", message)])


# Issue 13 B: the information classification as extras (0, 1 or 2 each), taken out before the
# DCAT extras are mapped; `classification_reason` is the reason the checklist keeps.
_LEVELS = ("confidentiality", "integrity", "availability")
_REASON = "classification_reason"


def _level(value: object) -> object:
    text = str(value).strip()
    return int(text) if text in ("0", "1", "2") else value


def _classification(pkg: Params) -> tuple[Params, ClassificationIn | None]:
    """The package without the classification extras, and the classification they give."""
    extras = objects(pkg, "extras")
    given = {
        str(e.get("key")): e.get("value") for e in extras if e.get("key") in (*_LEVELS, _REASON)
    }
    if not given:
        return pkg, None
    rest = [e for e in extras if e.get("key") not in (*_LEVELS, _REASON)]
    missing = [k for k in _LEVELS if k not in given]
    if missing:
        raise ValidationFailed([FieldError(f"classification.{missing[0]}",
                                           f"give {missing[0]} too (0, 1 or 2)",
                                           code="classification_level",
                                           params={"field": missing[0], "value": ""})])  # fmt: skip
    reason = given.get(_REASON)
    classification = ClassificationIn(
        _level(given["confidentiality"]),
        _level(given["integrity"]),
        _level(given["availability"]),
        str(reason) if reason is not None else None,
    )
    return {**pkg, "extras": rest}, classification


def _dataset_in(conn: sa.Connection, pkg: Params) -> DatasetIn:
    fields = dataset_fields(pkg, as_bool(pkg, "private", False))
    fields["organisation"] = _owner(conn, pkg)
    try:
        return DatasetIn.model_validate(fields)
    except ValidationError as exc:
        raise validation_failed_from(exc) from None


def distribution_in(res: Params, prefix: str) -> DistributionIn:
    try:
        return DistributionIn.model_validate(distribution_fields(res))
    except ValidationFailed as exc:
        raise ValidationFailed(
            [dataclasses.replace(e, field=prefix + e.field) for e in exc.errors]
        ) from None
    except ValidationError as exc:
        raise validation_failed_from(exc, prefix) from None


def _finish(conn: sa.Connection, call: Call, dataset: store.Dataset) -> dict[str, Any]:
    return to_package(conn, call, dataset, all_organisations(conn))


def package_create(call: Call, params: Params) -> dict[str, Any]:
    params, classification = _classification(params)
    with write(call.engine) as conn:
        data = _dataset_in(conn, params)
        resources = objects(params, "resources")
        data.distributions = [
            distribution_in(r, f"distributions.{i}.") for i, r in enumerate(resources)
        ]
        created = changes.create_dataset(conn, call.actor, data, classification)
        return _finish(conn, call, created)


def _distribution_changes(resources: list[Params]) -> list[changes.DistributionChange]:
    wanted: list[changes.DistributionChange] = []
    for i, res in enumerate(resources):
        ref = res.get("id")
        wanted.append(
            (ref if isinstance(ref, str) else None, distribution_in(res, f"distributions.{i}."))
        )
    return wanted


def _update(
    conn: sa.Connection, call: Call, current: store.Dataset, params: Params
) -> dict[str, Any]:
    params, classification = _classification(params)
    data = _dataset_in(conn, {"name": current.name, **params})
    if data.identifier is None:
        data.identifier = current.data.identifier
    resources = objects(params, "resources") if "resources" in params else None
    wanted = _distribution_changes(resources) if resources is not None else None
    updated = changes.replace_dataset(conn, call.actor, current.id, data, wanted, classification)
    return _finish(conn, call, updated)


def package_update(call: Call, params: Params) -> dict[str, Any]:
    ref = str(params.get("id") or required(params, "name"))
    with write(call.engine) as conn:
        return _update(conn, call, store.lock_dataset(conn, call.actor, ref), params)


def package_patch(call: Call, params: Params) -> dict[str, Any]:
    """CKAN's patch: the current package with the given top-level keys replaced."""
    with write(call.engine) as conn:
        current = store.lock_dataset(conn, call.actor, required(params, "id"))
        package = to_package(conn, call, current, all_organisations(conn))
        given = {key: value for key, value in params.items() if key != "id"}
        merged = {**merge_patch(package, given), "id": current.id}
        if "resources" not in given:
            merged.pop("resources", None)
        return _update(conn, call, current, merged)


def package_delete(call: Call, params: Params) -> None:
    with write(call.engine) as conn:
        changes.delete_dataset(conn, call.actor, required(params, "id"))
