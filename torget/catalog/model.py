"""The catalogue's model: organisations, datasets, distributions and data services.

The fields follow DCAT-AP-SE 3.0.1 (property tables in `shared/specs/dcat/NOTES.md` §12): every
property the profile marks mandatory or recommended for Catalog, Dataset, Distribution,
DataService, Agent and contact point, plus the optional ones municipalities use. Free text is
bilingual, Swedish required and English optional. Controlled values are given as IRIs, codes or
aliases and stored as canonical IRIs by `torget.catalog.rules`.

These pydantic models are both the JSON API's input and the stored form: one shape everywhere.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "LangText",
    "Keywords",
    "Address",
    "ContactPoint",
    "Period",
    "Reference",
    "OrganisationIn",
    "DatasetIn",
    "DistributionIn",
    "DataServiceIn",
    "DatasetState",
    "Role",
]

DatasetState = Literal["draft", "published"]
Role = Literal["admin", "editor", "member"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LangText(_Model):
    """A text in Swedish (required) and English (optional)."""

    sv: str = Field(description="Swedish text (required).", max_length=20000)
    en: str | None = Field(default=None, description="English translation.", max_length=20000)


class Keywords(_Model):
    """Keywords per language: one word or short phrase each, singular, lower case."""

    sv: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)


class Address(_Model):
    street: str | None = None
    postal_code: str | None = None
    locality: str | None = None
    country: str | None = None


class ContactPoint(_Model):
    """vcard:Organization or vcard:Individual; `name` and `email` are mandatory in SE 3.0.1."""

    kind: str = Field(default="Organization", description="`Organization` or `Individual`.")
    name: str = Field(description="vcard:fn, e.g. a unit's name or a function.", max_length=500)
    email: str = Field(description="A functional mailbox.", max_length=320)
    telephone: str | None = Field(default=None, max_length=50)
    url: str | None = None
    address: Address | None = None


class Period(_Model):
    """dcterms:temporal: leave `end` out for an ongoing series."""

    start: dt.date | None = None
    end: dt.date | None = None


class Reference(_Model):
    """A link to a document or a standard, with an optional title."""

    url: str
    title: LangText | None = None


class OrganisationIn(_Model):
    """An organisation: a municipality, one of its departments, or a company it owns.

    The publisher of a dataset in the DCAT feed is the nearest organisation, itself or up the
    `parent` chain, that has an organisation number: departments share their municipality's
    legal identity, companies have their own (harvesting rule: describe each publisher once).
    """

    name: str = Field(
        description="Short name used in URLs and by the CLI: lower case a-z, 0-9 and '-'.",
        max_length=100,
    )
    title: LangText = Field(description="foaf:name, e.g. Sjöstads kommun.")
    description: LangText | None = None
    parent: str | None = Field(default=None, description="Short name of the parent.")
    org_number: str | None = Field(
        default=None, description="Swedish organisationsnummer, 10 digits (dashes allowed)."
    )
    publisher_type: str | None = Field(
        default=None,
        description="ADMS publisher type, e.g. LocalAuthority, RegionalAuthority, Company. "
        "Inherited from the parent when left out.",
    )
    homepage: str | None = None
    email: str | None = None
    fee_financed: bool = Field(
        default=False, description="org:classification: regulated to charge fees for data."
    )
    contact_point: ContactPoint | None = Field(
        default=None, description="Default contact point for the organisation's datasets."
    )


class DistributionIn(_Model):
    """A dcat:Distribution: one way to get the dataset's data (a file or an API)."""

    title: LangText | None = None
    description: LangText | None = None
    access_url: str | None = Field(
        default=None, description="Where to get the data; defaults to download_url."
    )
    download_url: str | None = None
    format: str = Field(
        description="EU file type (code such as CSV, or IRI) or an IANA media type (text/csv)."
    )
    media_type: str | None = Field(
        default=None, description="IANA media type; derived from the format when left out."
    )
    license: str | None = Field(
        default=None,
        description="Licence: CC0-1.0, CC-BY-4.0, … or the canonical Creative Commons IRI.",
    )
    availability: str | None = None
    status: str | None = None
    byte_size: int | None = Field(default=None, ge=0)
    checksum_sha1: str | None = None
    issued: dt.date | None = None
    modified: dt.date | None = None
    language: list[str] = Field(default_factory=list)
    conforms_to: list[Reference] = Field(default_factory=list)
    pages: list[Reference] = Field(default_factory=list)
    access_services: list[str] = Field(
        default_factory=list, description="Ids of data services that give access to it."
    )
    applicable_legislation: list[str] = Field(default_factory=list)


class _Described(_Model):
    """What datasets and data services share."""

    organisation: str = Field(description="Short name of the owning organisation.")
    state: DatasetState = "draft"
    title: LangText
    keywords: Keywords = Field(default_factory=Keywords)
    themes: list[str] = Field(default_factory=list, description="EU data themes, e.g. TRAN.")
    access_rights: str | None = Field(default=None, description="PUBLIC, RESTRICTED, …")
    license: str | None = None
    contact_point: ContactPoint | None = Field(
        default=None, description="Defaults to the organisation's contact point."
    )
    landing_page: str | None = None
    pages: list[Reference] = Field(default_factory=list, description="Documentation pages.")
    conforms_to: list[Reference] = Field(default_factory=list)
    hvd_categories: list[str] = Field(default_factory=list)
    applicable_legislation: list[str] = Field(
        default_factory=list, description="HVD: the implementing regulation 2023/138."
    )


class DatasetIn(_Described):
    """A dcat:Dataset."""

    name: str | None = Field(
        default=None, description="URL name; made from the Swedish title when left out."
    )
    identifier: str | None = Field(
        default=None, description="dcterms:identifier, a UUID; generated when left out."
    )
    description: LangText
    license: str | None = Field(
        default=None,
        description="Default licence for distributions that state none (DCAT-AP-SE puts "
        "licences on distributions).",
    )
    frequency: str | None = Field(default=None, description="EU frequency, e.g. ANNUAL.")
    issued: dt.date | None = None
    modified: dt.date | None = None
    language: list[str] = Field(default_factory=list, description="EU language codes: SWE.")
    spatial: list[str] = Field(
        default_factory=list, description="Place IRIs, e.g. http://sws.geonames.org/2661886."
    )
    spatial_bbox: str | None = Field(default=None, description="WKT POLYGON in WGS 84.")
    spatial_centroid: str | None = Field(default=None, description="WKT POINT in WGS 84.")
    temporal: Period | None = None
    version: str | None = None
    version_notes: LangText | None = None
    provenance: LangText | None = None
    distributions: list[DistributionIn] | None = Field(
        default=None, description="On create: distributions to add in the same transaction."
    )


class DataServiceIn(_Described):
    """A dcat:DataService: an API that serves one or more datasets."""

    name: str | None = None
    description: LangText | None = None
    endpoint_urls: list[str] = Field(description="Root URLs of the API (at least one).")
    endpoint_description: str | None = Field(
        default=None, description="URL of the OpenAPI/Swagger document."
    )
    service_type: str | None = Field(default=None, description="REST or RPC.")
    format: str | None = Field(default=None, description="Main response format, e.g. JSON.")
    serves_datasets: list[str] = Field(default_factory=list, description="Dataset ids.")
