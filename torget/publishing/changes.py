"""Every change to the catalogue, one function per use case, each with the rules it must meet.

The pages, the JSON API, the CKAN Action API and the command line all change the catalogue
through these functions and nothing else, so a rule lives here once and a new entry point (a
harvester, an importer, the publishing workflow) cannot forget it. Each function runs inside
the caller's write transaction (`torget.db.engine.write`), so a shell can make several changes
that stand or fall together (CKAN's `package_update` with its resources), and ends by checking
that what is published after the change is still publishable: its DCAT-AP-SE document is
checked against DCAT-AP-SE 3.0.1, the Swedish harvesting rules and the SEMIC shapes
(`torget.dcat.guard`). A refusal raises `ValidationFailed` and the transaction rolls back, so
nothing is half changed.

A dataset an organisation publishes itself must also pass its checklist
(`torget.publishing.checklist`: classification, the personal-data guard, licence, access
rights, machine-readable data, approval). A publication that waits only for the guard's scan
of a new upload leaves the dataset a draft and publishes it when the scan passes
(`publish_requested`). Harvested records are published by their source and meet only the
DCAT rules.

The store functions underneath (`torget.catalog.datasets`, `dataservices`, `organisations`)
check permissions and the model's own rules; these functions add what concerns publication.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from torget.accounts.permissions import SYSTEM, Acting, Actor, Channel, actor_for
from torget.accounts.users import get_user
from torget.catalog import dataservices, datasets, organisations
from torget.catalog.dataservices import DataService
from torget.catalog.datasets import Dataset, Distribution
from torget.catalog.model import DataServiceIn, DatasetIn, DistributionIn, OrganisationIn
from torget.catalog.organisations import Member, Organisation
from torget.dcat.guard import check_publishable, refused_datasets
from torget.errors import Conflict, FieldError, NotFound, TorgetError, ValidationFailed
from torget.events import gathered
from torget.harvest import origins, sources
from torget.harvest.plan import Applied, HarvestPlan, Settled
from torget.harvest.problems import Problem
from torget.publishing import audit, audit_versions, bulk, settlements
from torget.publishing.checklist import checklist
from torget.site_lookup import settings_of

__all__ = [
    "create_dataset",
    "replace_dataset",
    "patch_dataset",
    "delete_dataset",
    "add_distribution",
    "replace_distribution",
    "patch_distribution",
    "delete_distribution",
    "create_dataservice",
    "replace_dataservice",
    "patch_dataservice",
    "delete_dataservice",
    "create_organisation",
    "update_organisation",
    "delete_organisation",
    "set_member",
    "remove_member",
    "apply_harvest",
    "remove_harvest_source",
    "HARVESTER",
    "publish_requested",
]

# One distribution of a dataset saved as a whole: the id of the one it replaces, or None for
# a new one (CKAN's resources list in `package_update`).
DistributionChange = tuple[str | None, DistributionIn]


def _checked(conn: sa.Connection, record: Dataset | DataService) -> None:
    """What is published after the change must be publishable: a published dataset has at
    least one distribution (data to get, not only a description: DCAT-AP-SE makes
    `dcat:distribution` recommended, Sveriges dataportal lists a dataset without one as having
    no data), and the record's DCAT document passes the profile, the harvesting rules and the
    SEMIC shapes."""
    if isinstance(record, Dataset) and record.state == "published" and not record.distributions:
        raise ValidationFailed(
            [
                FieldError(
                    "distributions",
                    "a published dataset needs at least one distribution: add one first, or "
                    "withdraw the dataset",
                    code="published_without_distribution",
                )
            ]
        )
    check_publishable(conn, settings_of(conn), record)


def _gated(conn: sa.Connection, actor: Actor, dataset: Dataset, was_published: bool) -> Dataset:
    """A dataset the organisation publishes itself must pass its checklist. When only the
    guard's scan of a new upload is missing, a dataset being published stays a draft and is
    published when the scan passes; one published already stays published (the guard then
    holds back a new table with personal data instead)."""
    if dataset.state != "published":
        return dataset
    found = checklist(conn, dataset, actor, was_published)
    if found.ready or (found.only_pending and was_published):
        return dataset
    if not found.only_pending:
        raise ValidationFailed(found.errors())
    settlements.request_publication(conn, actor, dataset.id)
    return datasets.patch_dataset(conn, actor, dataset.id, {"state": "draft"})


def _publishable(
    conn: sa.Connection, actor: Actor, dataset: Dataset, was_published: bool
) -> Dataset:
    """The checklist's gates and the DCAT rules; a refusal names what both found."""
    try:
        gated = _gated(conn, actor, dataset, was_published)
    except ValidationFailed as gates:
        try:
            _checked(conn, dataset)
        except ValidationFailed as dcat:
            raise ValidationFailed([*gates.errors, *dcat.errors]) from None
        raise
    _checked(conn, gated)
    return gated


def _dataset_checked(
    conn: sa.Connection, actor: Actor, dataset_id: str, was_published: bool | None = None
) -> Dataset:
    dataset = datasets.get_dataset(conn, actor, dataset_id)
    published_before = dataset.state == "published" if was_published is None else was_published
    return _publishable(conn, actor, dataset, published_before)


def _published_now(conn: sa.Connection, actor: Actor, ref: str) -> bool:
    return datasets.get_dataset(conn, actor, ref).state == "published"


# --- Datasets --------------------------------------------------------------------------------


def create_dataset(
    conn: sa.Connection,
    actor: Acting,
    data: DatasetIn,
    classification: settlements.ClassificationIn | None = None,
) -> Dataset:
    """A new dataset with its distributions (and its classification, when given); a
    published one must be publishable."""
    dataset = datasets.create_dataset(conn, actor, data)
    if classification is not None:
        settlements.classify_with(conn, actor, dataset.id, classification)
    created = _publishable(conn, actor, dataset, False)
    audit_versions.dataset_saved(conn, actor, None, created.id)
    return created


def replace_dataset(
    conn: sa.Connection,
    actor: Acting,
    ref: str,
    data: DatasetIn,
    distributions: Sequence[DistributionChange] | None = None,
    classification: settlements.ClassificationIn | None = None,
) -> Dataset:
    """The dataset's metadata replaced by `data`; with `distributions`, its distributions
    become exactly those (each replacing the one whose id it names, or added), the others
    deleted; with `classification`, the dataset is classified first. Checked once, as the
    whole change leaves it."""
    _not_harvested(conn, origins.source_of_dataset(conn, ref))
    before = audit_versions.before_dataset(conn, actor, ref)
    was_published = _published_now(conn, actor, ref)
    updated = datasets.update_dataset(conn, actor, ref, data)
    if classification is not None:
        settlements.classify_with(conn, actor, updated.id, classification)
    if distributions is not None:
        datasets.replace_distributions(conn, actor, updated.id, list(distributions))
    checked = _dataset_checked(conn, actor, updated.id, was_published)
    audit_versions.dataset_saved(conn, actor, before, checked.id)
    return checked


def patch_dataset(conn: sa.Connection, actor: Acting, ref: str, changes: dict[str, Any]) -> Dataset:
    """Only the fields in `changes` changed (publishing and withdrawing are `state`)."""
    _not_harvested(conn, origins.source_of_dataset(conn, ref))
    before = audit_versions.before_dataset(conn, actor, ref)
    was_published = _published_now(conn, actor, ref)
    updated = datasets.patch_dataset(conn, actor, ref, changes)
    updated = _publishable(conn, actor, updated, was_published)
    audit_versions.dataset_saved(conn, actor, before, updated.id)
    return updated


def delete_dataset(conn: sa.Connection, actor: Acting, ref: str) -> None:
    _not_harvested(conn, origins.source_of_dataset(conn, ref))
    before = audit_versions.before_dataset(conn, actor, ref)
    datasets.delete_dataset(conn, actor, ref)
    audit_versions.dataset_deleted(conn, actor, before)


# --- Distributions ---------------------------------------------------------------------------


def add_distribution(
    conn: sa.Connection, actor: Acting, dataset_ref: str, data: DistributionIn
) -> Distribution:
    _not_harvested(conn, origins.source_of_dataset(conn, dataset_ref))
    before = audit_versions.before_dataset(conn, actor, dataset_ref)
    dist = datasets.add_distribution(conn, actor, dataset_ref, data)
    _dataset_checked(conn, actor, dist.dataset_id)
    audit_versions.dataset_saved(conn, actor, before, dist.dataset_id)
    return dist


def replace_distribution(
    conn: sa.Connection, actor: Acting, dist_id: str, data: DistributionIn
) -> Distribution:
    _not_harvested(conn, origins.source_of_distribution(conn, dist_id))
    before = audit_versions.before_distribution(conn, actor, dist_id)
    dist = datasets.update_distribution(conn, actor, dist_id, data)
    _dataset_checked(conn, actor, dist.dataset_id)
    audit_versions.dataset_saved(conn, actor, before, dist.dataset_id)
    return dist


def patch_distribution(
    conn: sa.Connection, actor: Acting, dist_id: str, changes: dict[str, Any]
) -> Distribution:
    _not_harvested(conn, origins.source_of_distribution(conn, dist_id))
    before = audit_versions.before_distribution(conn, actor, dist_id)
    dist = datasets.patch_distribution(conn, actor, dist_id, changes)
    _dataset_checked(conn, actor, dist.dataset_id)
    audit_versions.dataset_saved(conn, actor, before, dist.dataset_id)
    return dist


def delete_distribution(conn: sa.Connection, actor: Acting, dist_id: str) -> None:
    """A published dataset must stay publishable without it (so its last one stays)."""
    _not_harvested(conn, origins.source_of_distribution(conn, dist_id))
    before = audit_versions.before_distribution(conn, actor, dist_id)
    datasets.delete_distribution(conn, actor, dist_id)
    _dataset_checked(conn, actor, before.subject.id)
    audit_versions.dataset_saved(conn, actor, before, before.subject.id)


# --- Data services ---------------------------------------------------------------------------


def create_dataservice(conn: sa.Connection, actor: Acting, data: DataServiceIn) -> DataService:
    service = dataservices.create_dataservice(conn, actor, data)
    _checked(conn, service)
    audit_versions.service_saved(conn, actor, None, service)
    return service


def replace_dataservice(
    conn: sa.Connection, actor: Acting, ref: str, data: DataServiceIn
) -> DataService:
    before = audit_versions.before_service(conn, actor, ref)
    service = dataservices.update_dataservice(conn, actor, ref, data)
    _checked(conn, service)
    audit_versions.service_saved(conn, actor, before, service)
    return service


def patch_dataservice(
    conn: sa.Connection, actor: Acting, ref: str, changes: dict[str, Any]
) -> DataService:
    before = audit_versions.before_service(conn, actor, ref)
    service = dataservices.patch_dataservice(conn, actor, ref, changes)
    _checked(conn, service)
    audit_versions.service_saved(conn, actor, before, service)
    return service


def delete_dataservice(conn: sa.Connection, actor: Acting, ref: str) -> None:
    before = audit_versions.before_service(conn, actor, ref)
    dataservices.delete_dataservice(conn, actor, ref)
    audit_versions.service_deleted(conn, actor, before)


# --- Organisations and their members ---------------------------------------------------------


def create_organisation(conn: sa.Connection, actor: Acting, data: OrganisationIn) -> Organisation:
    created = organisations.create_organisation(conn, actor, data)
    audit_versions.organisation_saved(conn, actor, None, created)
    return created


def update_organisation(
    conn: sa.Connection, actor: Acting, ref: str, data: OrganisationIn
) -> Organisation:
    before = audit_versions.before_organisation(conn, ref)
    updated = organisations.update_organisation(conn, actor, ref, data)
    audit_versions.organisation_saved(conn, actor, before, updated)
    return updated


def delete_organisation(conn: sa.Connection, actor: Acting, ref: str) -> None:
    before = audit_versions.before_organisation(conn, ref)
    organisations.delete_organisation(conn, actor, ref)
    audit_versions.organisation_deleted(conn, actor, before)


def set_member(conn: sa.Connection, actor: Acting, org: str, user: str, role: str) -> Member:
    was = audit_versions.role_of(conn, org, user)
    member = organisations.set_member(conn, actor, org, user, role)
    audit_versions.member_changed(conn, actor, org, member.user_name, was, role)
    return member


def remove_member(conn: sa.Connection, actor: Acting, org: str, user: str) -> None:
    was = audit_versions.role_of(conn, org, user)
    organisations.remove_member(conn, actor, org, user)
    audit_versions.member_changed(conn, actor, org, user, was, None)


# --- Publication once the guard's scan has passed --------------------------------------------


def _requester(conn: sa.Connection, user_id: str | None) -> Acting:
    """The person who asked, publishing through the worker that ran the scan."""
    try:
        actor = actor_for(conn, get_user(conn, user_id)) if user_id else SYSTEM
    except NotFound:
        actor = SYSTEM
    return actor.via(Channel.WORKER)


def publish_requested(conn: sa.Connection, dataset_id: str) -> None:
    """Publish a dataset whose publication was asked for while a scan ran, as the person who
    asked, if its checklist now passes; a checklist that fails for another reason drops the
    request (the checklist page shows why). Called by the guard after each scan."""
    gates = settlements.gates_of(conn, dataset_id)
    if gates.publish_requested is None:
        return
    actor = _requester(conn, gates.publish_requested_by_id)
    found = checklist(conn, datasets.get_dataset(conn, SYSTEM, dataset_id), actor)
    if found.only_pending:
        return
    settlements.clear_publication_request(conn, dataset_id)
    if found.ready:
        try:
            with conn.begin_nested():  # a DCAT refusal leaves the draft and the load as they are
                patch_dataset(conn, actor, dataset_id, {"state": "published"})
        except ValidationFailed:
            pass


# --- Harvested datasets (torget.harvest): the source is the master ---------------------------
# A dataset with a harvest origin changes only when its source is harvested: every write above
# refuses it, and `apply_harvest` is the one way in. A run meets the catalogue's own rules (the
# model's `normalise_*` in the stores, and the DCAT guard, `check_publishable`), but not an
# organisation's gates on publication (`_gated`): its datasets were published by their source.


HARVESTER = SYSTEM.via(Channel.HARVEST)  # what a harvest run's changes are logged as


def _not_harvested(conn: sa.Connection, source_id: str | None) -> None:
    if source_id is not None:
        raise Conflict(
            "this dataset is harvested from another catalogue: change it at its source, "
            "which the next harvest copies",
            code="harvested_dataset",
            params={"source": source_id},
        )


def apply_harvest(conn: sa.Connection, plan: HarvestPlan) -> Applied:
    """One source's difference, in the caller's transaction (one per source: the run stands or
    falls whole). The new datasets are saved together (`bulk.create_datasets`: the rules of
    `create_dataset`, set-based). Each changed dataset goes in a savepoint, so one the rules
    refuse is rolled back, reported and skipped while the rest is applied; the DCAT guard
    checks the changed datasets together, a thousand at a time (`refused_datasets`), not one
    by one: when it refuses some, their writes are rolled back and made again without them."""
    applied = Applied()
    records = {c.record.iri: c.record for c in plan.create}
    with gathered(conn):  # the search index, due dates…: once, for all, origins included
        created = bulk.create_datasets(
            conn, HARVESTER, [(iri, record.data) for iri, record in records.items()]
        )
        origins.save_new_origins(
            conn,
            plan.source_id,
            [
                (dataset.id, iri, records[iri].content_hash, records[iri].notes)
                for iri, dataset in created.saved
            ],
        )
    applied.created = len(created.saved)
    for iri, errors in created.refused:
        _refused(applied, iri, errors)
    _apply_updates(conn, plan, applied)
    for remove in plan.remove:
        before = audit_versions.before_dataset(conn, HARVESTER, remove.dataset_id)
        if plan.withdraw_vanished:
            datasets.patch_dataset(conn, SYSTEM, remove.dataset_id, {"state": "draft"})
            origins.mark_withdrawn(conn, remove.dataset_id)
            audit_versions.dataset_saved(conn, HARVESTER, before, remove.dataset_id)
        else:
            datasets.delete_dataset(conn, SYSTEM, remove.dataset_id)
            audit_versions.dataset_deleted(conn, HARVESTER, before)
        applied.removed += 1
    return applied


def _apply_updates(conn: sa.Connection, plan: HarvestPlan, applied: Applied) -> None:
    refused: dict[str, list[FieldError]] = {}
    while True:
        batch = conn.begin_nested()
        done = Applied()
        with gathered(conn) as gathering:  # the search index, due dates…: once, for all
            written = _write_updates(conn, plan, done, set(refused))
            stored = [dataset for _, dataset in written.values()]
            found: dict[str, list[FieldError]] = {}
            for i in range(0, len(stored), bulk.GUARD_BATCH):
                part = stored[i : i + bulk.GUARD_BATCH]
                found.update(refused_datasets(conn, settings_of(conn), part))
            if found:
                gathering.discard()
        if not found:
            batch.commit()
            break
        batch.rollback()
        refused.update({written[dataset_id][0]: errors for dataset_id, errors in found.items()})
    applied.updated += done.updated
    applied.skipped += done.skipped
    applied.problems += done.problems
    for iri, errors in refused.items():
        _refused(applied, iri, errors)


def _write_updates(
    conn: sa.Connection, plan: HarvestPlan, applied: Applied, leave_out: set[str]
) -> dict[str, tuple[str, Dataset]]:
    """The updates of `plan` but those in `leave_out` (IRIs); dataset id → (IRI, dataset) of
    each written."""
    written: dict[str, tuple[str, Dataset]] = {}
    for update in plan.update:
        iri = update.record.iri
        if iri not in leave_out:
            done = _each(
                conn, applied, iri, _update_harvested, plan, update.dataset_id, update.record
            )
            if done is not None:
                applied.updated += 1
                written[done.id] = (iri, done)
    return written


def _refused(applied: Applied, iri: str, errors: list[FieldError]) -> None:
    applied.skipped += 1
    applied.problems.extend(
        Problem("dataset_refused", iri, e.field, e.message, "error") for e in errors
    )


def _each(
    conn: sa.Connection, applied: Applied, iri: str, change: Any, *args: Any
) -> Dataset | None:
    savepoint = conn.begin_nested()
    try:
        dataset: Dataset = change(conn, *args)
    except TorgetError as exc:
        savepoint.rollback()
        _refused(
            applied,
            iri,
            exc.errors if isinstance(exc, ValidationFailed) else [FieldError.of("", exc)],
        )
        return None
    savepoint.commit()
    return dataset


def _update_harvested(
    conn: sa.Connection, plan: HarvestPlan, dataset_id: str, record: Settled
) -> Dataset:
    """The dataset's description replaced; its distributions kept by position (their ids, and
    so their addresses and datastore tables, stay while the source keeps them in place)."""
    before = audit_versions.before_dataset(conn, HARVESTER, dataset_id)
    current = datasets.lock_dataset(conn, SYSTEM, dataset_id)
    data = record.data.model_copy(update={"distributions": None, "name": None})
    datasets.update_dataset(conn, SYSTEM, dataset_id, data)
    ids = [d.id for d in current.distributions]
    wanted = [
        (ids[i] if i < len(ids) else None, dist)
        for i, dist in enumerate(record.data.distributions or [])
    ]
    datasets.replace_distributions(conn, SYSTEM, dataset_id, wanted)
    origins.save_origin(
        conn, dataset_id, plan.source_id, record.iri, record.content_hash, record.notes
    )
    dataset = datasets.get_dataset(conn, SYSTEM, dataset_id)
    audit_versions.dataset_saved(conn, HARVESTER, before, dataset_id, saved=dataset)
    return dataset


def remove_harvest_source(
    conn: sa.Connection, actor: Acting, source_id: str, *, keep_datasets: bool
) -> int:
    """Remove a source with its runs, in the caller's transaction; how many datasets it had.

    Its datasets are deleted, or with `keep_datasets` kept as they are (published or not) as
    ordinary datasets of the organisations that own them: no longer harvested, so edited here
    from now on, under the organisation's own rules for publishing. Each dataset's entry in the
    audit log says which, and the source's organisation's entry names the source."""
    source = sources.get_source(conn, actor, source_id)
    actor.require(source.organisation_id, "admin", "remove this harvest source")
    locking = SYSTEM.via(actor.channel)  # the source's admin answers for all it harvested
    found = sources.origins_of(conn, source.id)
    for dataset_id, _, _ in found.values():
        before = audit_versions.before_dataset(conn, locking, dataset_id)
        if keep_datasets:
            origins.release(conn, dataset_id)
            released = {"harvest_source": [source.url, None]}
            audit.record(conn, actor, audit.Action.CHANGED, before.subject, released)
        else:
            datasets.delete_dataset(conn, SYSTEM, dataset_id)
            audit_versions.dataset_deleted(conn, actor, before)
    sources.delete_source(conn, source.id)
    org = organisations.get_organisation(conn, source.organisation_id)
    subject = audit.Subject("organisation", org.id, org.name, org.id)
    what = "kept" if keep_datasets else "deleted"
    change: dict[str, list[Any]] = {"harvest_source": [source.url, None]}
    change[f"datasets_{what}"] = [None, len(found)]
    audit.record(conn, actor, audit.Action.CHANGED, subject, change)
    return len(found)
