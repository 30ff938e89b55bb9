"""The difference between a source and its previous harvest, as the writes that apply it.

`compare` is pure: the settled records of this run against the origins of the last one
(original IRI → dataset id, hash, withdrawn). A record whose hash is unchanged is left alone,
so its dataset keeps its modification time and nothing is re-indexed or announced.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from torget.catalog.model import DatasetIn
from torget.harvest.problems import Problem

__all__ = ["Origin", "Settled", "Create", "Update", "Remove", "HarvestPlan", "Applied", "compare"]


@dataclass(frozen=True)
class Origin:
    dataset_id: str
    iri: str
    content_hash: str
    withdrawn: bool


@dataclass(frozen=True)
class Settled:
    iri: str
    data: DatasetIn
    content_hash: str
    notes: dict[str, list[str]]


@dataclass(frozen=True)
class Create:
    record: Settled


@dataclass(frozen=True)
class Update:
    dataset_id: str
    record: Settled


@dataclass(frozen=True)
class Remove:
    dataset_id: str
    iri: str


@dataclass
class HarvestPlan:
    source_id: str
    create: list[Create] = field(default_factory=list)
    update: list[Update] = field(default_factory=list)
    remove: list[Remove] = field(default_factory=list)
    unchanged: int = 0
    withdraw_vanished: bool = False  # keep what vanished as a draft instead of deleting it


@dataclass
class Applied:
    created: int = 0
    updated: int = 0
    removed: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)


def compare(
    source_id: str,
    records: list[Settled],
    origins: dict[str, Origin],
    seen: set[str],
    *,
    withdraw_vanished: bool,
) -> HarvestPlan:
    plan = HarvestPlan(source_id, withdraw_vanished=withdraw_vanished)
    for record in records:
        origin = origins.get(record.iri)
        if origin is None:
            plan.create.append(Create(record))
        elif origin.content_hash != record.content_hash or origin.withdrawn:
            plan.update.append(Update(origin.dataset_id, record))
        else:
            plan.unchanged += 1
    for iri, origin in origins.items():
        if iri not in seen and not (withdraw_vanished and origin.withdrawn):
            plan.remove.append(Remove(origin.dataset_id, iri))
    return plan
