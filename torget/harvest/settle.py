"""A harvested record made acceptable to the catalogue's rules, or refused with the reason.

The record is checked by the same `normalise_dataset` as every form and API call
(`torget.catalog.rules`). What the rules refuse in an optional field (a licence outside the
allowed list, a theme that is no EU theme, a malformed date) is left out and reported, so the
dataset is kept "as far as the profile allows"; a distribution whose address or format is
refused is dropped; what a dataset cannot do without (its title) skips it.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from pydantic import ValidationError

from torget.catalog.model import DatasetIn
from torget.catalog.rules import normalise_dataset
from torget.catalog.visibility import validation_failed_from
from torget.errors import FieldError, ValidationFailed
from torget.harvest.problems import Problem
from torget.harvest.records import Harvested

__all__ = ["settle", "content_hash", "Refused", "property_of"]

# The model's fields named as the DCAT properties a source writes (for the report).
_PROPERTIES = {
    "title": "dcterms:title",
    "description": "dcterms:description",
    "keywords": "dcat:keyword",
    "themes": "dcat:theme",
    "access_rights": "dcterms:accessRights",
    "license": "dcterms:license",
    "contact_point": "dcat:contactPoint",
    "landing_page": "dcat:landingPage",
    "pages": "foaf:page",
    "conforms_to": "dcterms:conformsTo",
    "hvd_categories": "dcatap:hvdCategory",
    "applicable_legislation": "dcatap:applicableLegislation",
    "identifier": "dcterms:identifier",
    "frequency": "dcterms:accrualPeriodicity",
    "issued": "dcterms:issued",
    "modified": "dcterms:modified",
    "language": "dcterms:language",
    "spatial": "dcterms:spatial",
    "spatial_bbox": "dcat:bbox",
    "spatial_centroid": "dcat:centroid",
    "temporal": "dcterms:temporal",
    "version": "dcat:version",
    "provenance": "dcterms:provenance",
    "version_notes": "adms:versionNotes",
    "access_url": "dcat:accessURL",
    "download_url": "dcat:downloadURL",
    "format": "dcterms:format",
    "media_type": "dcat:mediaType",
    "availability": "dcatap:availability",
    "status": "adms:status",
    "byte_size": "dcat:byteSize",
    "checksum_sha1": "spdx:checksum",
}


def property_of(field: str) -> str:
    """`distributions.0.format` → `dcat:distribution[0] dcterms:format`."""
    parts = field.split(".")
    if parts[0] == "distributions" and len(parts) > 2:
        return f"dcat:distribution[{parts[1]}] {_PROPERTIES.get(parts[2], parts[2])}"
    return _PROPERTIES.get(parts[0], field)


_REQUIRED = {"title", "description", "name", "organisation", "state"}
_DIST_REQUIRED = {"access_url", "format"}
_ROUNDS = 20


class Refused(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.detail)
        self.problem = problem


def _identifier(record: Harvested, source_id: str) -> str:
    given = record.data.get("identifier")
    try:
        return str(uuid.UUID(str(given)))
    except ValueError:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{source_id} {record.iri}"))


def settle(record: Harvested, source_id: str, organisation: str) -> tuple[DatasetIn, list[Problem]]:
    """The record as a valid `DatasetIn` of `organisation`, and what had to be left out."""
    data: dict[str, Any] = {k: v for k, v in record.data.items() if v is not None}
    data["organisation"] = organisation
    data["identifier"] = _identifier(record, source_id)
    problems: list[Problem] = []
    for _ in range(_ROUNDS):
        try:
            model = DatasetIn.model_validate(data)
            # Validated from `data` just now (new lists and models, none of its own): the
            # rules may change it in place; refused, it is dropped and validated anew.
            return normalise_dataset(model, owned=True), problems
        except ValidationError as exc:
            errors = validation_failed_from(exc).errors
        except ValidationFailed as exc:
            errors = exc.errors
        _drop(data, errors, record.iri, problems)
    raise Refused(Problem("dataset_refused", record.iri, "", "too many invalid values", "error"))


def _drop(
    data: dict[str, Any], errors: list[FieldError], iri: str, problems: list[Problem]
) -> None:
    """Remove each refused value (the deepest and last first, so list positions hold)."""
    paths = sorted({_path(_target(e)) for e in errors}, key=lambda p: (len(p), p), reverse=True)
    for error in errors:
        path = _path(error.field)
        if path[0] in _REQUIRED:
            prop = property_of(error.field)
            raise Refused(Problem("dataset_refused", iri, prop, error.message, "error"))
        dist = path[0] == "distributions" and len(path) > 2 and path[2] in _DIST_REQUIRED
        kind = "distribution_dropped" if dist else "unmapped_value"
        problems.append(
            Problem(
                kind,
                iri,
                property_of(error.field),
                f"{error.message}; left out",
                "error" if dist else "warning",
            )
        )
    for path in paths:
        if path[0] == "distributions" and len(path) > 2 and path[2] in _DIST_REQUIRED:
            path = path[:2]
        _remove(data, path)


_WHOLE = {"contact_point", "temporal", "version_notes", "provenance", "spatial_bbox"}
_LISTS = {"pages", "conforms_to"}


def _target(error: FieldError) -> str:
    """The field to leave out for `error`: an HVD flag without a known category goes (the
    dataset is then not marked high-value), not the categories that are already missing."""
    if error.code == "hvd_categories_required":
        return "applicable_legislation"
    return error.field


def _path(field: str) -> tuple[str, ...]:
    """The value to remove for an error at `field`: an object whose part is wrong goes whole
    (a contact point without its e-mail address is no contact point)."""
    path = tuple(field.split(".")) if field else ("",)
    if path[0] in _WHOLE:
        return path[:1]
    if path[0] in _LISTS:
        return path[:2]
    if path[0] == "distributions" and len(path) > 3:
        return path[:4] if path[2] in _LISTS else path[:3]
    return path


def _remove(data: Any, path: tuple[str, ...]) -> None:
    target = data
    for step in path[:-1]:
        if isinstance(target, list) and step.isdigit() and int(step) < len(target):
            target = target[int(step)]
        elif isinstance(target, dict) and step in target:
            target = target[step]
        else:
            return
    last = path[-1]
    if isinstance(target, list) and last.isdigit() and int(last) < len(target):
        target.pop(int(last))
    elif isinstance(target, dict):
        target.pop(last, None)


def content_hash(record: Harvested) -> str:
    """The hash of a dataset's description as the source gave it (after mapping, before the
    rules): equal to the last run's, the dataset is unchanged and not even settled again."""
    body = [record.data, repr(record.publisher), record.machine_translated]
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()
