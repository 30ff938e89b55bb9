"""Controlled vocabularies of DCAT-AP-SE 3.0.1, loaded from the official files.

Source: `torget/specdata/dcat-ap-se-3.0.1-controlled-values.csv` (the "choices" of DIGG's
`bundle.json`, with Swedish and English labels) and `file-type-mapping.csv` (the EU file-type
authority table). A value is accepted as its IRI, its short code (`TRAN`, `ANNUAL`, `CSV`) or a
well-known alias (licence ids such as `CC-BY-4.0`, IANA media types for formats), and is always
stored as the canonical IRI.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources

__all__ = [
    "Concept",
    "Vocabulary",
    "FileType",
    "vocabulary",
    "file_types",
    "VOCABULARY_NAMES",
    "HVD_LEGISLATION",
    "CATALOG_LICENCE",
    "media_type_iri",
]

HVD_LEGISLATION = "http://data.europa.eu/eli/reg_impl/2023/138/oj"
# DCAT-AP-SE 3.0.1 harvesting rules: the catalogue licence is exactly CC0 in this form.
CATALOG_LICENCE = "http://creativecommons.org/publicdomain/zero/1.0/"
IANA_MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"


@dataclass(frozen=True)
class Concept:
    iri: str
    code: str
    label_sv: str
    label_en: str

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_sv


@dataclass
class Vocabulary:
    """A closed value list: lookup by IRI, code or alias; refusal lists the choices."""

    name: str
    concepts: list[Concept]
    aliases: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._index: dict[str, Concept] = {}
        for concept in self.concepts:
            self._index[concept.iri] = concept
            self._index[concept.code.casefold()] = concept
        for alias, iri in self.aliases.items():
            self._index[alias.casefold()] = self._index[iri]

    def lookup(self, value: str) -> Concept | None:
        value = value.strip()
        return self._index.get(value) or self._index.get(value.casefold())

    def __contains__(self, iri: str) -> bool:
        return iri in self._index

    def codes(self) -> list[str]:
        return [c.code for c in self.concepts]


def _code(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _spec_file(name: str) -> str:
    return resources.files("torget").joinpath("specdata", name).read_text(encoding="utf-8")


@functools.cache
def _controlled_rows() -> dict[str, list[dict[str, str]]]:
    rows: dict[str, list[dict[str, str]]] = {}
    reader = csv.DictReader(_spec_file("dcat-ap-se-3.0.1-controlled-values.csv").splitlines())
    for row in reader:
        rows.setdefault(row["list_id"], []).append(row)
    return rows


def _from_list(name: str, list_id: str, *, extra_sv: dict[str, str] | None = None) -> Vocabulary:
    concepts = []
    for row in _controlled_rows()[list_id]:
        iri = row["value"]
        label_en = row["label_en"]
        label_sv = row["label_sv"] or (extra_sv or {}).get(iri, "") or label_en
        concepts.append(Concept(iri=iri, code=_code(iri), label_sv=label_sv, label_en=label_en))
    return Vocabulary(name, concepts)


# The official list leaves the Swedish names of the CC licences empty; these are Creative
# Commons' own Swedish titles of the 4.0 licences and of CC0.
_CC_SWEDISH = {
    "http://creativecommons.org/licenses/by/4.0/": "CC BY 4.0 (Erkännande)",
    "http://creativecommons.org/licenses/by-sa/4.0/": "CC BY-SA 4.0 (Erkännande, DelaLika)",
    "http://creativecommons.org/licenses/by-nd/4.0/": (
        "CC BY-ND 4.0 (Erkännande, IngaBearbetningar)"
    ),
    "http://creativecommons.org/licenses/by-nc/4.0/": "CC BY-NC 4.0 (Erkännande, IckeKommersiell)",
    "http://creativecommons.org/licenses/by-nc-sa/4.0/": (
        "CC BY-NC-SA 4.0 (Erkännande, IckeKommersiell, DelaLika)"
    ),
    "http://creativecommons.org/licenses/by-nc-nd/4.0/": (
        "CC BY-NC-ND 4.0 (Erkännande, IckeKommersiell, IngaBearbetningar)"
    ),
    "http://creativecommons.org/publicdomain/zero/1.0/": (
        "CC0 1.0 (Allmän egendom, ingen upphovsrätt)"
    ),
}

_EU_LICENCE = "http://publications.europa.eu/resource/authority/licence/"


def _licence_vocabulary() -> Vocabulary:
    vocab = _from_list("license", "dcat:dcterms:cc-license-choices", extra_sv=_CC_SWEDISH)
    concepts = []
    aliases: dict[str, str] = {}
    for c in vocab.concepts:
        # Codes people type: CC-BY-4.0 (SPDX), cc-by (CKAN), CC_BY_4_0 (EU licence NAL).
        parts = c.iri.rstrip("/").split("/")
        if "zero" in parts:
            code, more = "CC0-1.0", ["cc-zero", "CC0", "cc0-1.0", _EU_LICENCE + "CC0"]
        else:
            kind, version = parts[-2], parts[-1]
            code = f"CC-{kind.upper()}-{version}"
            eu = f"CC_{kind.upper().replace('-', '_')}_{version.replace('.', '_')}"
            more = [f"cc-{kind}", eu, _EU_LICENCE + eu]
        https = c.iri.replace("http://", "https://")
        more += [https, c.iri.rstrip("/"), https.rstrip("/"), c.iri + "deed.sv", c.iri + "deed.en"]
        more += [https + "deed.sv", https + "deed.en", c.iri + "legalcode", https + "legalcode"]
        concepts.append(Concept(c.iri, code, c.label_sv, c.label_en))
        aliases.update({alias: c.iri for alias in more})
    return Vocabulary("license", concepts, aliases)


def _frequency_vocabulary() -> Vocabulary:
    vocab = _from_list("frequency", "dcat:dcterms:accrualPeriodicity_da")
    # DCAT-AP-SE 2.x used http://purl.org/cld/freq/*, deprecated in 3.0: map to the EU NAL.
    eu = "http://publications.europa.eu/resource/authority/frequency/"
    cld = {
        "annual": "ANNUAL", "biennial": "BIENNIAL", "bimonthly": "BIMONTHLY",
        "biweekly": "BIWEEKLY", "continuous": "CONT", "daily": "DAILY",
        "irregular": "IRREG", "monthly": "MONTHLY", "quarterly": "QUARTERLY",
        "semiannual": "ANNUAL_2", "semimonthly": "MONTHLY_2", "semiweekly": "WEEKLY_2",
        "threeTimesAMonth": "MONTHLY_3", "threeTimesAWeek": "WEEKLY_3",
        "threeTimesAYear": "ANNUAL_3", "triennial": "TRIENNIAL", "weekly": "WEEKLY",
    }  # fmt: skip
    return _with_aliases(vocab, {f"http://purl.org/cld/freq/{k}": eu + v for k, v in cld.items()})


def _with_aliases(vocab: Vocabulary, aliases: dict[str, str]) -> Vocabulary:
    return Vocabulary(vocab.name, vocab.concepts, aliases)


VOCABULARY_NAMES = (
    "theme",
    "access_rights",
    "frequency",
    "license",
    "hvd_category",
    "publisher_type",
    "language",
    "availability",
    "distribution_status",
    "service_type",
    "contact_kind",
    "applicable_legislation",
)


@functools.cache
def vocabulary(name: str) -> Vocabulary:
    """The named controlled vocabulary (one of `VOCABULARY_NAMES`)."""
    builders: dict[str, Callable[[], Vocabulary]] = {
        "theme": lambda: _from_list("theme", "dcat:theme-da"),
        "access_rights": lambda: _from_list("access_rights", "dcat:dcterms:accessRights"),
        "frequency": _frequency_vocabulary,
        "license": _licence_vocabulary,
        "hvd_category": lambda: _from_list("hvd_category", "dcatap:hvdCategory_da"),
        "publisher_type": lambda: _from_list("publisher_type", "adms:publishertype"),
        "language": lambda: _from_list("language", "dcat:dcterms:language_da"),
        "availability": lambda: _from_list("availability", "dcatap:availability"),
        "distribution_status": lambda: _from_list("distribution_status", "dcat:adms:status_di"),
        "service_type": lambda: _with_aliases(
            _from_list("service_type", "dcat:dcterms:type_ds"),
            {
                "REST": "http://www.wikidata.org/entity/Q749568",
                "RPC": "http://www.wikidata.org/entity/Q62270",
            },
        ),
        "contact_kind": lambda: _from_list("contact_kind", "vc:kindIndOrOrg"),
        "applicable_legislation": lambda: _with_aliases(
            _from_list("applicable_legislation", "dcatap:applicableLegislation_da"),
            {"HVD": HVD_LEGISLATION},
        ),
    }
    if name not in builders:
        raise KeyError(f"unknown vocabulary {name!r}; known: {', '.join(VOCABULARY_NAMES)}")
    return builders[name]()


# --- Formats ---------------------------------------------------------------------------------

# IANA media types for EU file types whose NAL entry lists none. Each is the registered IANA
# type (or, for GML/KML/ODS/JSON-LD, the type named by DCAT-AP-SE's format lists).
_MEDIA_TYPE_FALLBACK = {
    "JSON": "application/json",
    "JSON_LD": "application/ld+json",
    "ODS": "application/vnd.oasis.opendocument.spreadsheet",
    "ODT": "application/vnd.oasis.opendocument.text",
    "KML": "application/vnd.google-earth.kml+xml",
    "KMZ": "application/vnd.google-earth.kmz",
    "GML": "application/gml+xml",
    "TSV": "text/tab-separated-values",
    "N3": "text/n3",
    "RDF_N_TRIPLES": "application/n-triples",
    "RDF_TRIG": "application/trig",
    "DOCX": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "TIFF": "image/tiff",
    "GEOTIFF": "image/tiff",
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "WMS_SRVC": "application/vnd.ogc.wms_xml",
    "WFS_SRVC": "application/vnd.ogc.wfs_xml",
}


@dataclass(frozen=True)
class FileType:
    """An EU file type with the IANA media type it is served as (when there is one)."""

    iri: str
    code: str
    label: str
    media_type: str | None
    extensions: tuple[str, ...]
    machine_readable: bool
    non_proprietary: bool


def media_type_iri(media_type: str) -> str:
    """`dcat:mediaType` wants an IRI under IANA's registry (DCAT-AP 3.0 range dct:MediaType)."""
    return IANA_MEDIA_TYPES + media_type


class FileTypes:
    def __init__(self, types: Iterable[FileType]):
        self.types = list(types)
        # Exact codes and IRIs win over media types, which win over file extensions: ".json"
        # is both JSON and GeoJSON, and "JSON" must mean JSON.
        self._exact: dict[str, FileType] = {}
        self._loose: dict[str, FileType] = {}
        for t in self.types:
            self._exact[t.iri] = t
            self._exact[t.code.casefold()] = t
        for t in self.types:
            if t.media_type:
                self._loose.setdefault(t.media_type.casefold(), t)
        for t in self.types:
            for ext in t.extensions:
                self._loose.setdefault(ext.lstrip(".").casefold(), t)
        for key, code in {
            "application/zip": "ZIP", "json": "JSON", "xml": "XML", "application/xml": "XML",
            "text/plain": "TXT", "image/tiff": "TIFF", "application/json": "JSON",
        }.items():  # fmt: skip
            if code.casefold() in self._exact:
                self._loose[key] = self._exact[code.casefold()]

    def lookup(self, value: str) -> FileType | None:
        value = value.strip()
        key = value.split(";", 1)[0].strip().lstrip(".").casefold()
        if value.startswith(IANA_MEDIA_TYPES):
            key = value[len(IANA_MEDIA_TYPES) :].casefold()
        return self._exact.get(value) or self._exact.get(key) or self._loose.get(key)

    def codes(self) -> list[str]:
        return [t.code for t in self.types]


@functools.cache
def file_types() -> FileTypes:
    """The EU file-type authority table, each entry with its IANA media type."""
    result = []
    for row in csv.DictReader(_spec_file("file-type-mapping.csv").splitlines()):
        if not row["code"] or row["deprecated"] == "true":
            continue
        mimes = [m.split(";", 1)[0].strip() for m in row["mime_types"].split() if m]
        media = mimes[0] if mimes else _MEDIA_TYPE_FALLBACK.get(row["code"])
        result.append(
            FileType(
                iri=row["uri"],
                code=row["code"],
                label=row["label_en"] or row["code"],
                media_type=media,
                extensions=tuple(row["extensions"].split()),
                machine_readable=row["machine_readable"] == "true",
                non_proprietary=row["non_proprietary"] == "true",
            )
        )
    return FileTypes(result)
