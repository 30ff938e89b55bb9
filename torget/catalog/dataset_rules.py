"""The rules a dataset's save asks of the catalogue: its organisation and the editor's role
there, a name and an identifier no other dataset has, data services that exist.

A single save asks one question at a time (`lookups`); a harvest's bulk save asks for a whole
batch at once (`bulk_lookups`: each organisation once, the names and identifiers in one query
per 500), and `claim` keeps two datasets of one batch from taking the same name or
identifier. `datasets.prepare_new` applies the rules through either, so they are one set.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from torget.accounts.permissions import Actor
from torget.catalog.model import DatasetIn, DistributionIn
from torget.catalog.organisations import Organisation, get_organisation, no_organisation
from torget.catalog.rules import slugify
from torget.db.schema import dataservices, datasets
from torget.errors import Conflict, FieldError, NotFound, TorgetError, ValidationFailed

__all__ = [
    "Taken",
    "Lookups",
    "lookups",
    "bulk_lookups",
    "claim",
    "editable_organisation",
    "row_taken",
    "unique_name",
    "check_identifier",
    "service_known",
    "check_services",
]

Taken = Callable[[str], bool]  # whether a name, identifier, … is another dataset's (or known)


def editable_organisation(
    conn: sa.Connection, actor: Actor, org_name: str, action: str
) -> Organisation:
    """The organisation named, if `actor` is an editor there (`action` says what for)."""
    try:
        org = get_organisation(conn, org_name)
    except NotFound:
        raise no_organisation("organisation", org_name) from None
    actor.require(org.id, "editor", action)
    return org


def row_taken(conn: sa.Connection, column: sa.Column[str], own_id: str | None) -> Taken:
    """Whether a value of `column` is another dataset's, asked of the database."""

    def taken(value: str) -> bool:
        row = conn.execute(sa.select(datasets.c.id).where(column == value)).first()
        return row is not None and row.id != own_id

    return taken


def unique_name(taken: Taken, wanted: str, given: bool) -> str:
    if not taken(wanted):
        return wanted
    if given:
        raise Conflict(
            f"a dataset named {wanted!r} already exists",
            code="dataset_name_taken",
            params={"value": wanted},
        )
    n = 2
    while taken(f"{wanted}-{n}"):
        n += 1
    return f"{wanted}-{n}"


def check_identifier(taken: Taken, identifier: str) -> None:
    if taken(identifier):
        raise Conflict(f"a dataset with the identifier {identifier!r} already exists")


def service_known(conn: sa.Connection) -> Taken:
    def known(service_id: str) -> bool:
        row = conn.execute(sa.select(dataservices.c.id).where(dataservices.c.id == service_id))
        return row.first() is not None

    return known


def check_services(known: Taken, dist: DistributionIn, prefix: str = "") -> None:
    for i, service_id in enumerate(dist.access_services):
        if not known(service_id):
            raise ValidationFailed(
                [FieldError(f"{prefix}access_services.{i}", f"no data service {service_id!r}")]
            )


@dataclass(frozen=True)
class Lookups:
    """What a new dataset's rules ask of the catalogue: one question at a time for a single
    dataset (`lookups`), the answers for a whole batch at once for many (`bulk_lookups`)."""

    owner: Callable[[str], tuple[str, str]]  # organisation → (id, name), the editor role checked
    name_taken: Taken
    identifier_taken: Taken
    service_known: Taken


def _owner_of(conn: sa.Connection, actor: Actor) -> Callable[[str], tuple[str, str]]:
    def owner(org_name: str) -> tuple[str, str]:
        org = editable_organisation(conn, actor, org_name, "create datasets in this organisation")
        return org.id, org.name

    return owner


def lookups(conn: sa.Connection, actor: Actor) -> Lookups:
    return Lookups(
        _owner_of(conn, actor),
        row_taken(conn, datasets.c.name, None),
        row_taken(conn, datasets.c.identifier, None),
        service_known(conn),
    )


class _Batch:
    """The values a batch asks about, found in the database with one query per 500, and
    those the batch itself has claimed so far (the second of two equal names is taken)."""

    def __init__(self, conn: sa.Connection, column: sa.Column[str], wanted: set[str]) -> None:
        self.one = row_taken(conn, column, None)
        self.asked = wanted
        self.stored: set[str] = set()
        ordered = sorted(wanted)
        for i in range(0, len(ordered), 500):
            part = ordered[i : i + 500]
            self.stored.update(conn.execute(sa.select(column).where(column.in_(part))).scalars())
        self.claimed: set[str] = set()

    def __call__(self, value: str) -> bool:
        if value in self.claimed:
            return True
        return value in self.stored if value in self.asked else self.one(value)


def bulk_lookups(conn: sa.Connection, actor: Actor, many: Sequence[DatasetIn]) -> Lookups:
    """`lookups` for `many` new datasets: each organisation looked up once, the names and
    identifiers they ask for in one query per 500 (a name made from the title is asked as
    the normalised record will have it: `prepare_new` claims what it gives)."""
    owners: dict[str, tuple[str, str] | TorgetError] = {}
    one_owner = _owner_of(conn, actor)

    def owner(org_name: str) -> tuple[str, str]:
        if org_name not in owners:
            try:
                owners[org_name] = one_owner(org_name)
            except TorgetError as exc:
                owners[org_name] = exc
        found = owners[org_name]
        if isinstance(found, TorgetError):
            raise found
        return found

    names = {d.name or slugify(d.title.sv or "dataset") for d in many}
    identifiers = {d.identifier for d in many if d.identifier}
    services = conn.execute(sa.select(dataservices.c.id)).scalars()
    return Lookups(
        owner,
        _Batch(conn, datasets.c.name, names),
        _Batch(conn, datasets.c.identifier, identifiers),
        set(services).__contains__,
    )


def claim(asks: Lookups, name: str, identifier: str) -> None:
    """Mark a batch's name and identifier as taken by the dataset just prepared (a single
    save's lookups ask the database, where the insert will claim them)."""
    for claims, value in ((asks.name_taken, name), (asks.identifier_taken, identifier)):
        if isinstance(claims, _Batch):
            claims.claimed.add(value)
