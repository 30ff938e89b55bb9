"""Data services (APIs): create, read, update, delete, list.

DCAT-AP-SE recommendation 13: describe an API as a dcat:DataService that names the datasets it
serves, and link it from their distributions through dcat:accessService.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError

from torget.accounts.permissions import Actor
from torget.catalog.model import DataServiceIn
from torget.catalog.organisations import get_organisation, no_organisation
from torget.catalog.rules import normalise_dataservice
from torget.catalog.visibility import readable_by, validation_failed_from
from torget.clock import as_utc, now
from torget.db.schema import dataservices, datasets, distributions, organisations
from torget.errors import Conflict, FieldError, NotFound, ValidationFailed
from torget.events import DataServiceDeleted, DataServiceSaved, publish
from torget.ids import is_uuid, new_id

__all__ = [
    "DataService",
    "create_dataservice",
    "get_dataservice",
    "list_dataservices",
    "update_dataservice",
    "patch_dataservice",
    "delete_dataservice",
    "services_serving",
]


@dataclass(frozen=True)
class DataService:
    id: str
    organisation_id: str
    data: DataServiceIn
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def state(self) -> str:
        return self.data.state

    def as_json(self, base: str) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "iri": f"{base}/dataservice/{self.id}"}
        out.update(self.data.model_dump(mode="json"))
        out["created_at"] = self.created_at.isoformat()
        out["updated_at"] = self.updated_at.isoformat()
        return out


def _from_row(row: sa.Row[tuple[object, ...]]) -> DataService:
    m = row._mapping
    data = DataServiceIn.model_validate_json(m["data"])
    data.organisation = m["org_name"]
    return DataService(
        m["id"], m["organisation_id"], data, as_utc(m["created_at"]), as_utc(m["updated_at"])
    )


def _select() -> sa.Select[Any]:
    return sa.select(dataservices, organisations.c.name.label("org_name")).join(
        organisations, organisations.c.id == dataservices.c.organisation_id
    )


def get_dataservice(conn: sa.Connection, actor: Actor, id_or_name: str) -> DataService:
    key = dataservices.c.id if is_uuid(id_or_name) else dataservices.c.name
    row = conn.execute(_select().where(key == id_or_name)).first()
    if row is None:
        raise NotFound(f"no data service {id_or_name!r}")
    service = _from_row(row)
    if not actor.can_read(service.organisation_id, service.state):
        raise NotFound(f"no data service {id_or_name!r}")
    return service


def _locked(conn: sa.Connection, actor: Actor, id_or_name: str) -> DataService:
    """The data service as it is now, its row held against other writers until the
    transaction ends (as `datasets.lock_dataset`): a change read and written back whole."""
    key = dataservices.c.id if is_uuid(id_or_name) else dataservices.c.name
    conn.execute(sa.select(dataservices.c.id).where(key == id_or_name).with_for_update())
    return get_dataservice(conn, actor, id_or_name)


def list_dataservices(
    conn: sa.Connection, actor: Actor, *, offset: int = 0, limit: int = 20
) -> tuple[int, list[DataService]]:
    where = readable_by(actor, dataservices)
    total = conn.execute(
        sa.select(sa.func.count()).select_from(dataservices).where(where)
    ).scalar_one()
    rows = conn.execute(
        _select().where(where).order_by(dataservices.c.name).offset(offset).limit(limit)
    )
    return total, [_from_row(r) for r in rows]


def _resolve_datasets(conn: sa.Connection, refs: list[str]) -> list[str]:
    """Dataset ids for the given ids or names; an unknown one is a field error."""
    ids = []
    for i, ref in enumerate(refs):
        key = datasets.c.id if is_uuid(ref) else datasets.c.name
        found = conn.execute(sa.select(datasets.c.id).where(key == ref)).scalar()
        if found is None:
            raise ValidationFailed([FieldError(f"serves_datasets.{i}", f"no dataset {ref!r}")])
        if found not in ids:
            ids.append(found)
    return ids


def _prepare(
    conn: sa.Connection, actor: Actor, data: DataServiceIn, own_id: str | None
) -> tuple[str, DataServiceIn]:
    try:
        org = get_organisation(conn, data.organisation)
    except NotFound:
        raise no_organisation("organisation", data.organisation) from None
    actor.require(org.id, "editor", "publish data services for this organisation")
    data = normalise_dataservice(data)
    data.serves_datasets = _resolve_datasets(conn, data.serves_datasets)
    clash = conn.execute(
        sa.select(dataservices.c.id).where(dataservices.c.name == data.name)
    ).scalar()
    if clash is not None and clash != own_id:
        raise Conflict(
            f"a data service named {data.name!r} already exists",
            code="dataservice_name_taken",
            params={"value": data.name},
        )
    return org.id, data


def create_dataservice(conn: sa.Connection, actor: Actor, data: DataServiceIn) -> DataService:
    org_id, data = _prepare(conn, actor, data, None)
    stamp = now()
    service_id = new_id()
    conn.execute(
        dataservices.insert().values(
            id=service_id,
            name=data.name,
            organisation_id=org_id,
            state=data.state,
            data=data.model_dump_json(),
            created_at=stamp,
            updated_at=stamp,
        )
    )
    publish(conn, DataServiceSaved(service_id))
    return get_dataservice(conn, actor, service_id)


def update_dataservice(
    conn: sa.Connection, actor: Actor, id_or_name: str, data: DataServiceIn
) -> DataService:
    current = _locked(conn, actor, id_or_name)
    actor.require(current.organisation_id, "editor", "change this data service")
    if data.name is None:
        data.name = current.data.name
    org_id, data = _prepare(conn, actor, data, current.id)
    conn.execute(
        dataservices.update()
        .where(dataservices.c.id == current.id)
        .values(
            name=data.name,
            organisation_id=org_id,
            state=data.state,
            data=data.model_dump_json(),
            updated_at=now(),
        )
    )
    publish(conn, DataServiceSaved(current.id))
    return get_dataservice(conn, actor, current.id)


def patch_dataservice(
    conn: sa.Connection, actor: Actor, id_or_name: str, changes: dict[str, Any]
) -> DataService:
    current = _locked(conn, actor, id_or_name)
    merged = current.data.model_dump(mode="json")
    merged.update(changes)
    try:
        data = DataServiceIn.model_validate(merged)
    except ValidationError as exc:
        raise validation_failed_from(exc) from None
    return update_dataservice(conn, actor, current.id, data)


def delete_dataservice(conn: sa.Connection, actor: Actor, id_or_name: str) -> None:
    current = _locked(conn, actor, id_or_name)
    actor.require(current.organisation_id, "editor", "delete this data service")
    # Distributions name their services in JSON; a UUID cannot occur there by accident.
    users = conn.execute(
        sa.select(sa.func.count()).where(distributions.c.data.contains(f'"{current.id}"'))
    ).scalar_one()
    if users:
        raise Conflict(
            f"{users} distribution(s) still give access through this data service; "
            "remove it from their access_services first"
        )
    conn.execute(dataservices.delete().where(dataservices.c.id == current.id))
    publish(conn, DataServiceDeleted(current.id))


def services_serving(conn: sa.Connection, actor: Actor, dataset_id: str) -> list[DataService]:
    """The data services the actor may read that name the dataset in `serves_datasets`."""
    pattern = f'%"{dataset_id}"%'  # a cheap pre-filter on the JSON text; checked exactly below
    rows = conn.execute(
        _select()
        .where(readable_by(actor, dataservices), dataservices.c.data.like(pattern))
        .order_by(dataservices.c.name)
    )
    found = [_from_row(r) for r in rows]
    return [s for s in found if dataset_id in s.data.serves_datasets]
