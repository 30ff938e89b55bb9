"""Many new datasets saved at once under the rules of a single save: a harvest run's.

`changes.create_dataset` saves one dataset through the store's rules (the organisation and the
editor's role there, `normalise_dataset`, a unique name and identifier, known data services:
`catalog.datasets.prepare_new`), the DCAT guard, one audit entry and the domain events.
`create_datasets` runs the same functions over many, set-based: the organisation looked up
once, the names and identifiers asked in one query per 500 (`dataset_rules.bulk_lookups`), the
guard once per thousand datasets over the records as they will be written (so before anything
is written, and a refused dataset needs no rollback), many rows per INSERT, no read-back of
what was just written, and the audit entries in one statement; the caller gathers the events
(`events.gathered`), so that the bulk subscribers (search index, due dates, datastore jobs) get
them at once, after it has written what they read too (a harvest: the origins). A dataset the
rules refuse is returned with its errors and left out; the others are saved, all in the
caller's transaction. Saving 10,000 harvested datasets one `create_dataset` at a time cost
some 5 ms of CPU each in queries, savepoints and read-backs; in bulk, some 0.6 ms.

Only the harvester saves this way: the records were published by their source, so an
organisation's own gates on publication (the checklist, `changes._gated`) and the rule that a
dataset it publishes has a distribution are not the harvest's (it reports a dataset without
one as `no_distribution` instead); the DCAT guard is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa

from torget.accounts.permissions import Acting, Channel
from torget.catalog import datasets
from torget.catalog.dataset_rules import bulk_lookups
from torget.catalog.datasets import Dataset, NewDataset
from torget.catalog.model import DatasetIn
from torget.dcat.guard import refused_datasets
from torget.errors import FieldError, TorgetError, ValidationFailed
from torget.publishing import audit_versions
from torget.site_lookup import settings_of

__all__ = ["Created", "create_datasets", "GUARD_BATCH"]

# Datasets checked by the DCAT guard at once: enough that compiling the shapes costs nothing
# per dataset, few enough that the graph of a large source stays within a few hundred MB.
GUARD_BATCH = 1000


@dataclass
class Created:
    """What `create_datasets` did with each (key, record) it was given, in that order."""

    saved: list[tuple[str, Dataset]] = field(default_factory=list)
    refused: list[tuple[str, list[FieldError]]] = field(default_factory=list)


def _errors(exc: TorgetError) -> list[FieldError]:
    return exc.errors if isinstance(exc, ValidationFailed) else [FieldError.of("", exc)]


def create_datasets(
    conn: sa.Connection, actor: Acting, new: Sequence[tuple[str, DatasetIn]]
) -> Created:
    """Save the new datasets that meet the rules; each (key, record) comes back saved or
    refused with its errors under the caller's key (a harvested dataset's IRI)."""
    if actor.channel is not Channel.HARVEST:
        raise ValueError("only a harvest saves datasets in bulk (see the module's docstring)")
    asks = bulk_lookups(conn, actor, [data for _, data in new])
    ready: list[tuple[str, NewDataset | None]] = []
    refused: dict[int, list[FieldError]] = {}
    for i, (key, data) in enumerate(new):
        try:
            ready.append((key, datasets.prepare_new(conn, asks, data)))
        except TorgetError as exc:
            refused[i] = _errors(exc)
            ready.append((key, None))
    position = {n.dataset.id: i for i, (_, n) in enumerate(ready) if n is not None}
    records = [n.dataset for _, n in ready if n is not None]
    settings = settings_of(conn)
    for start in range(0, len(records), GUARD_BATCH):
        found = refused_datasets(conn, settings, records[start : start + GUARD_BATCH])
        refused.update({position[dataset_id]: errors for dataset_id, errors in found.items()})
    keep = [n for i, (_, n) in enumerate(ready) if n is not None and i not in refused]
    datasets.insert_new(conn, keep)
    audit_versions.datasets_created(conn, actor, [n.dataset for n in keep])
    out = Created()
    for i, (key, n) in enumerate(ready):
        if n is None or i in refused:
            out.refused.append((key, refused[i]))
        else:
            out.saved.append((key, n.dataset))
    return out
