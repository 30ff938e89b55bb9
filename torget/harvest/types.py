"""The source types, the harvester's one plug-in point: a name and a `read` function.

A source type turns what one kind of source publishes into `SourceRead` (records and
problems); everything after (settling against the rules, comparing, applying in one
transaction, reporting) is shared. To add a type, write one module with a `read` of the
`Reader` shape below and list it here (docs/harvest.md, "Another source type").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from torget.harvest import ckan_source, dcat_source
from torget.harvest.fetch import Fetcher
from torget.harvest.records import SourceRead

__all__ = ["Reader", "SourceType", "SOURCE_TYPES", "source_type"]

# (fetcher, url, etag, last_modified, progress) → what the source holds
Reader = Callable[[Fetcher, str, str | None, str | None, Callable[[str], None]], SourceRead]


@dataclass(frozen=True)
class SourceType:
    name: str
    description: str
    read: Reader


SOURCE_TYPES: dict[str, SourceType] = {
    t.name: t
    for t in (
        SourceType(
            "dcat", "DCAT-AP(-SE) catalogue in RDF/XML, Turtle or JSON-LD", dcat_source.read
        ),
        SourceType("ckan", "CKAN Action API (package_search)", ckan_source.read),
        SourceType("dataset", "one dataset's RDF document", dcat_source.read_dataset),
    )
}


def source_type(name: str) -> SourceType:
    return SOURCE_TYPES[name]
