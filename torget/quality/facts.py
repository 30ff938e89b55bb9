"""What the quality score reads from a dataset: the DCAT properties the MQA looks at, and nothing
else, taken either from a Torget record or from any DCAT graph (`rdf_facts.py`).

The EU portal scores the harvested DCAT document, so the facts are read the way the feed writes
a record (`torget/dcat/mapping.py`): a distribution without a licence of its own carries the
dataset's, a dataset without a contact point carries its organisation's, every dataset has its
organisation as publisher, and an access URL left out is the download URL
(`torget/catalog/rules.py`). Two things the record cannot say are passed in as evidence:
whether the addresses answer (`LinkEvidence`: Torget's own files count as reachable; the link
checker's results go in `link_checks`) and whether the dataset's DCAT document is free of
DCAT-AP violations (`compliant`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["DistributionFacts", "DatasetFacts", "LinkEvidence", "facts_from_record"]

OWN_FILES = "/files/"


@dataclass(frozen=True)
class LinkEvidence:
    """Which addresses answer. `own_prefixes` are the addresses of Torget's own files (they are
    served by Torget itself, so they count as reachable); `link_checks` holds the link
    checker's latest HTTP status per address. An address in neither is unchecked: the MQA
    gives points only for an answer it saw, so unchecked addresses earn none."""

    own_prefixes: tuple[str, ...] = (OWN_FILES,)
    link_checks: Mapping[str, int] = field(default_factory=dict)

    def status(self, url: str | None) -> str:
        """ "reachable", "broken" or "unchecked"."""
        if not url:
            return "unchecked"
        if url.startswith(self.own_prefixes):
            return "reachable"
        code = self.link_checks.get(url)
        if code is None:
            return "unchecked"
        return "reachable" if 200 <= code < 300 else "broken"


@dataclass(frozen=True)
class DistributionFacts:
    key: str  # the distribution's id (or IRI, from a graph)
    access_url: str | None
    download_urls: tuple[str, ...]
    format: str | None  # EU file-type IRI, or a literal as a graph may carry it
    media_type: str | None  # IANA type, plain (`text/csv`) or as IRI
    licence: str | None
    rights: bool
    byte_size: bool


@dataclass(frozen=True)
class DatasetFacts:
    key: str
    keywords: bool
    themes: bool
    spatial: bool
    temporal: bool
    access_rights: str | None
    contact_point: bool
    publisher: bool
    issued: bool
    modified: bool
    distributions: tuple[DistributionFacts, ...]
    compliant: bool | None  # None: not checked (a draft is checked when it is published)


def _distribution(
    key: str, data: Mapping[str, Any], default_licence: str | None
) -> DistributionFacts:
    download = data.get("download_url")
    return DistributionFacts(
        key=key,
        access_url=data.get("access_url") or download,
        download_urls=(download,) if download else (),
        format=data.get("format"),
        media_type=data.get("media_type"),
        licence=data.get("license") or default_licence,
        rights=False,  # Torget's model has no dct:rights statement (see hints.py)
        byte_size=data.get("byte_size") is not None,
    )


def facts_from_record(
    key: str,
    data: Mapping[str, Any],
    distributions: Sequence[tuple[str, Mapping[str, Any]]],
    *,
    organisation_contact: bool,
    compliant: bool | None,
) -> DatasetFacts:
    """The facts of a dataset in its stored JSON form (`DatasetIn.model_dump(mode="json")`)
    with its distributions as (id, JSON) pairs."""
    keywords = data.get("keywords") or {}
    temporal = data.get("temporal") or {}
    return DatasetFacts(
        key=key,
        keywords=bool(keywords.get("sv") or keywords.get("en")),
        themes=bool(data.get("themes")),
        spatial=bool(
            data.get("spatial") or data.get("spatial_bbox") or data.get("spatial_centroid")
        ),
        temporal=bool(temporal.get("start") or temporal.get("end")),
        access_rights=data.get("access_rights"),
        contact_point=bool(data.get("contact_point")) or organisation_contact,
        publisher=True,  # the feed names the organisation's legal entity on every dataset
        issued=bool(data.get("issued")),
        modified=bool(data.get("modified")),
        distributions=tuple(
            _distribution(dist_id, dist, data.get("license")) for dist_id, dist in distributions
        ),
        compliant=compliant,
    )
