"""Saving many datasets at once (`publishing/bulk.py`, a harvest's new datasets) refuses
exactly what saving them one at a time refuses, with the same fields and codes, and saves the
rest as a single save would have (what it returns is what the catalogue then reads)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from tests.conftest import dataset_payload, org_payload
from torget.accounts.permissions import COMMAND_LINE, SYSTEM, Channel
from torget.catalog import datasets
from torget.catalog.model import DatasetIn, OrganisationIn
from torget.db.engine import write
from torget.db.schema import audit_log, search_documents
from torget.dcat.guard import check_publishable
from torget.errors import FieldError, TorgetError, ValidationFailed
from torget.events import gathered
from torget.publishing import bulk
from torget.publishing.changes import HARVESTER, create_organisation
from torget.site import Site
from torget.site_lookup import settings_of

UUID_1 = "8f0c2f4e-4a8b-4b53-9d59-0c3b0b6d0a01"
TAKEN_UUID = "8f0c2f4e-4a8b-4b53-9d59-0c3b0b6d0a02"
BAD_LANDING = "https://www.sjostad.example/bad%zz"  # the rules take it, the feed's checks not
# Refused by the harvesting rules (no host) in a document shacl-rust reads: the guard screens.
EMPTY_HOST_LANDING = "https://kontakt@:80/bad"


def _record(**changes: Any) -> DatasetIn:
    return DatasetIn.model_validate(dataset_payload(**{"state": "published", **changes}))


def _dist(**changes: Any) -> list[dict[str, Any]]:
    dist = dict(dataset_payload()["distributions"][0])
    dist.update(changes)
    return [dist]


RECORDS: list[tuple[str, DatasetIn]] = [
    ("ok", _record(identifier=UUID_1)),
    ("ok, no name: one made from the title", _record(title={"sv": "Parker"})),
    ("the title's name taken in the batch: -2", _record()),
    ("name taken in the batch", _record(name="badplatser")),
    ("name taken in the catalogue", _record(name="befintlig")),
    ("identifier taken in the batch", _record(title={"sv": "Ett"}, identifier=UUID_1)),
    ("identifier taken in the catalogue", _record(title={"sv": "Två"}, identifier=TAKEN_UUID)),
    ("unknown organisation", _record(title={"sv": "Tre"}, organisation="ingenstans")),
    ("a frequency outside the vocabulary", _record(title={"sv": "Fyra"}, frequency="OFTA")),
    ("not a UUID", _record(title={"sv": "Fem"}, identifier="abc")),
    (
        "unknown data service",
        _record(
            title={"sv": "Sex"},
            distributions=_dist(access_services=["00000000-0000-4000-8000-000000000000"]),
        ),
    ),
    ("the DCAT guard", _record(title={"sv": "Sju"}, landing_page=BAD_LANDING)),
    ("the DCAT guard's screen", _record(title={"sv": "Nio"}, landing_page=EMPTY_HOST_LANDING)),
    (
        "a draft: not guarded",
        _record(title={"sv": "Åtta"}, landing_page=BAD_LANDING, state="draft"),
    ),
]


@pytest.fixture
def catalogue(site: Site) -> Site:
    with write(site.engine) as conn:
        create_organisation(conn, COMMAND_LINE, OrganisationIn.model_validate(org_payload()))
        existing = dataset_payload(name="befintlig", identifier=TAKEN_UUID)
        datasets.create_dataset(conn, SYSTEM, DatasetIn.model_validate(existing))
    return site


Outcome = frozenset[tuple[str, str | None]] | None  # None: saved; else the errors' (field, code)


def _outcome(errors: list[FieldError]) -> Outcome:
    return frozenset((e.field, e.code) for e in errors)


def _one_at_a_time(conn: sa.Connection, records: list[tuple[str, DatasetIn]]) -> dict[str, Outcome]:
    """What the harvest did before: each dataset in a savepoint, the store's rules and then
    the DCAT guard; one refused rolled back, the others kept."""
    out: dict[str, Outcome] = {}
    for key, data in records:
        savepoint = conn.begin_nested()
        try:
            created = datasets.create_dataset(conn, HARVESTER, data)
            check_publishable(conn, settings_of(conn), created)
        except TorgetError as exc:
            savepoint.rollback()
            errors = exc.errors if isinstance(exc, ValidationFailed) else [FieldError.of("", exc)]
            out[key] = _outcome(errors)
            continue
        savepoint.commit()
        out[key] = None
    return out


# Without the record whose document shacl-rust cannot read, the guard screens the batch and
# has pyshacl describe only what the screen found (dcat/guard.py, refused_datasets).
READABLE = [(key, data) for key, data in RECORDS if key != "the DCAT guard"]


@pytest.mark.parametrize("records", [RECORDS, READABLE], ids=["fallback", "screened"])
def test_bulk_refuses_what_single_saves_refuse(
    catalogue: Site, records: list[tuple[str, DatasetIn]]
) -> None:
    with catalogue.engine.connect() as conn:
        tx = conn.begin()
        single = _one_at_a_time(conn, records)
        tx.rollback()
    with write(catalogue.engine) as conn:
        created = bulk.create_datasets(conn, HARVESTER, records)
        saved = {key: dataset for key, dataset in created.saved}
        together = {key: _outcome(errors) for key, errors in created.refused}
        together.update({key: None for key in saved})
        assert together == single
        assert [k for k, o in single.items() if o is None] == list(saved)  # the order given
        assert len(saved) == 4 and len(created.refused) == len(records) - 4
        screened = single["the DCAT guard's screen"]
        assert screened and all(field.startswith("dcat:") for field, _ in screened)
        names = {key: dataset.name for key, dataset in saved.items()}
        assert names["the title's name taken in the batch: -2"] == "badplatser-2"
        for dataset in saved.values():  # not read back, but as the catalogue reads it
            assert datasets.get_dataset(conn, SYSTEM, dataset.id) == dataset
        logged = conn.execute(
            sa.select(audit_log.c.subject_id, audit_log.c.action, audit_log.c.channel).where(
                audit_log.c.subject_type == "dataset"
            )
        ).all()
        assert {(d.id, "created", "harvest") for d in saved.values()} <= set(logged)


def test_only_the_harvester_saves_in_bulk(catalogue: Site) -> None:
    with write(catalogue.engine) as conn, pytest.raises(ValueError):
        bulk.create_datasets(conn, SYSTEM.via(Channel.CLI), RECORDS[:1])


def test_the_index_takes_a_bulk_saved_dataset_as_it_is_at_the_blocks_end(
    catalogue: Site,
) -> None:
    """The search index takes the new datasets as the bulk save wrote them (`DatasetSaved`
    hands them over) unless a later save in the block changed one (then it reads it back) or
    it is gone."""
    records = [(key, data) for key, data in RECORDS[:2]]
    with write(catalogue.engine) as conn, gathered(conn):
        created = bulk.create_datasets(conn, HARVESTER, records)
        (_, renamed), (_, gone) = created.saved
        changed = renamed.data.model_copy(update={"name": "omdopt"})
        datasets.update_dataset(conn, SYSTEM, renamed.id, changed)
        datasets.delete_dataset(conn, SYSTEM, gone.id)
    with catalogue.engine.connect() as conn:
        docs = search_documents.c
        names = dict(conn.execute(sa.select(docs.dataset_id, docs.name)).all())
    assert names.get(renamed.id) == "omdopt" and gone.id not in names
