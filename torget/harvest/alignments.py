"""Foreign vocabularies mapped to the ones DCAT-AP-SE uses, from the official alignments.

SEMIC's GeoDCAT-AP alignments (`torget/specdata/*-to-*.rdf`, from SEMICeu/iso-19139-to-dcat-ap)
say which EU data theme an INSPIRE theme falls under (`skos:broadMatch`, 34 themes), which
INSPIRE theme an ISO 19115 topic category is, and which EU file type an INSPIRE media type
is. Geodata catalogues (Geodataportalen, GeoNetwork) tag with INSPIRE themes; Sveriges
dataportal facets on the 13 EU themes, so the harvester maps them (NOTES.md §4, §10 item 17).
"""

from __future__ import annotations

import functools
from importlib import resources

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

__all__ = ["eu_themes_for", "eu_file_type_for"]

_MATCHES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)
EU_THEMES = "http://publications.europa.eu/resource/authority/data-theme/"
EU_FILE_TYPES = "http://publications.europa.eu/resource/authority/file-type/"


@functools.cache
def _alignment(name: str) -> dict[str, tuple[str, ...]]:
    graph = Graph().parse(
        data=resources.files("torget.specdata").joinpath(name).read_bytes(), format="xml"
    )
    table: dict[str, list[str]] = {}
    for predicate in _MATCHES:
        for subject, target in graph.subject_objects(predicate):
            if isinstance(subject, URIRef) and isinstance(target, URIRef):
                table.setdefault(_key(str(subject)), []).append(str(target))
    return {key: tuple(dict.fromkeys(values)) for key, values in table.items()}


def _key(iri: str) -> str:
    """http and https, with or without a trailing slash or a language suffix, are one key."""
    key = iri.strip().removeprefix("https://").removeprefix("http://").rstrip("/")
    for suffix in (".en", ".sv"):
        key = key.removesuffix(suffix)
    return key.casefold()


def eu_themes_for(iri: str) -> tuple[str, ...]:
    """The EU data themes of an INSPIRE theme or an ISO topic category; () when unknown."""
    key = _key(iri)
    themes = _alignment("inspire-themes-to-mdr-data-themes.rdf")
    if key in themes:
        return themes[key]
    inspire = _alignment("iso-topic-categories-to-inspire-themes.rdf").get(key, ())
    found = [t for theme in inspire for t in themes.get(_key(theme), ())]
    return tuple(dict.fromkeys(found))


def eu_file_type_for(iri: str) -> str | None:
    """The EU file type of an INSPIRE media-type IRI, or None."""
    targets = _alignment("inspire-media-types-to-mdr-file-types.rdf").get(_key(iri), ())
    return next((t for t in targets if t.startswith(EU_FILE_TYPES)), None)
