"""The rules a record must meet before it is stored: the same for the API, the CLI and pages.

Each `normalise_*` function returns a copy with controlled values as canonical IRIs and derived
fields filled in, or raises `ValidationFailed` listing every problem with its field and, for a
controlled value, the allowed choices. The rules come from DCAT-AP-SE 3.0.1 (property tables in
`shared/specs/dcat/NOTES.md` §12) and the Swedish harvesting rules (§5): absolute IRIs without
spaces, Swedish text on every title and description, canonical licence IRIs, a UUID identifier,
and the HVD condition (categories if and only if the HVD regulation applies). Every text is
checked for characters the DCAT documents and e-mail cannot carry (`torget.text`): one line,
except the descriptions.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from typing import TypeVar

from pydantic import BaseModel

from torget.catalog.model import (
    ContactPoint,
    DataServiceIn,
    DatasetIn,
    DistributionIn,
    Keywords,
    LangText,
    OrganisationIn,
    Reference,
)
from torget.catalog.vocabularies import HVD_LEGISLATION, file_types, media_type_iri, vocabulary
from torget.errors import FieldError, ValidationFailed
from torget.text import text_error

__all__ = [
    "normalise_organisation",
    "normalise_dataset",
    "normalise_distribution",
    "normalise_dataservice",
    "slugify",
    "normalise_org_number",
    "is_http_iri",
]

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{1,99}$")
_EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
_PHONE = re.compile(r"^[0-9+()\-.\s]+$")  # DCAT-AP-SE vcard:hasValue pattern
_SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
# RFC 3987 forbids these in an IRI; the DIGG toolkit rejects feeds that contain them.
_IRI_FORBIDDEN = re.compile(r"[\s<>\"{}|\\^`]")
_WKT_POLYGON = re.compile(r"^\s*(MULTI)?POLYGON\s*\(\(.+\)\)\s*$", re.IGNORECASE | re.DOTALL)
_WKT_POINT = re.compile(r"^\s*POINT\s*\(\s*-?[\d.]+\s+-?[\d.]+\s*\)\s*$", re.IGNORECASE)
_SWEDISH_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})
# The texts that may span lines (and keep their tabs); every other text, a title, a keyword,
# a name or an address, is one line.
_MULTI_LINE = frozenset({"description", "provenance", "version_notes", "spatial_bbox"})

# Keywords per language and their length: a search aid, not a vocabulary (Sveriges
# dataportal's datasets carry a handful; CKAN's tags are at most 100 characters).
MAX_KEYWORDS = 100
MAX_KEYWORD_LENGTH = 100

T = TypeVar("T", DatasetIn, DataServiceIn)


class _Errors:
    def __init__(self) -> None:
        self.items: list[FieldError] = []

    def add(
        self,
        field: str,
        message: str,
        allowed: list[str] | None = None,
        code: str = "invalid",
        **params: object,
    ) -> None:
        named = {k: str(v) for k, v in params.items()}
        self.items.append(FieldError(field, message, allowed, code, named))

    def raise_if_any(self) -> None:
        if self.items:
            raise ValidationFailed(self.items)


def slugify(text: str) -> str:
    """A URL name from a Swedish title: `Badplatser i Sjöstad` → `badplatser-i-sjostad`."""
    folded = text.lower().translate(_SWEDISH_FOLD)
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    return slug[:90] or "dataset"


def is_http_iri(value: str, schemes: tuple[str, ...] = ("http", "https")) -> bool:
    if _IRI_FORBIDDEN.search(value):
        return False
    scheme, sep, rest = value.partition("://")
    return bool(sep) and scheme.lower() in schemes and bool(rest) and not rest.startswith("/")


def normalise_org_number(value: str) -> str | None:
    """Ten digits with a valid Luhn check digit (Bolagsverket's organisationsnummer), or None."""
    digits = re.sub(r"[\s-]", "", value)
    if digits.upper().startswith("SE"):
        digits = digits[2:]
    if len(digits) == 12 and digits.startswith("16"):  # the 16-prefixed long form
        digits = digits[2:]
    if not re.fullmatch(r"\d{10}", digits):
        return None
    total = 0
    for i, ch in enumerate(digits[:9]):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return digits if (10 - total % 10) % 10 == int(digits[9]) else None


def _text(errors: _Errors, field: str, value: LangText | None, *, required: bool) -> None:
    if value is None:
        if required:
            errors.add(
                field, "is required, with Swedish text in 'sv'", code="swedish_text_required"
            )
        return
    if not value.sv:
        errors.add(
            f"{field}.sv",
            "Swedish text is required (DCAT-AP-SE: every text in sv)",
            code="swedish_text_required",
        )
    if value.en == "":
        value.en = None


def _characters(errors: _Errors, value: object, path: str = "", lines: bool = False) -> None:
    """Refuse, naming each field, characters XML, RDF and e-mail cannot carry, in every text
    of a record (a dataset's distributions are checked by `normalise_distribution`)."""
    if isinstance(value, str):
        error = text_error(path, value, lines=lines)
        if error is not None:
            errors.items.append(error)
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            if name != "distributions":
                inner = f"{path}.{name}" if path else name
                _characters(errors, getattr(value, name), inner, lines or name in _MULTI_LINE)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _characters(errors, item, f"{path}.{i}", lines)


def _keywords(errors: _Errors, field: str, value: Keywords) -> None:
    """Trimmed, without repeats (the first kept, in order: a dict, so linear in the count),
    at most `MAX_KEYWORDS` per language of at most `MAX_KEYWORD_LENGTH` characters. The count
    is checked first, so a list of 100,000 is refused without looking at its words."""
    for lang in ("sv", "en"):
        words: list[str] = getattr(value, lang)
        if len(words) > MAX_KEYWORDS:
            errors.add(
                f"{field}.{lang}",
                f"at most {MAX_KEYWORDS} keywords per language, not {len(words)}",
            )
            continue
        seen: dict[str, None] = {}
        for i, word in enumerate(words):
            word = word.strip()
            if not word:
                errors.add(f"{field}.{lang}.{i}", "an empty keyword")
            elif len(word) > MAX_KEYWORD_LENGTH:
                errors.add(
                    f"{field}.{lang}.{i}",
                    f"a keyword is at most {MAX_KEYWORD_LENGTH} characters",
                )
            else:
                seen.setdefault(word, None)
        setattr(value, lang, list(seen))


def _choice(errors: _Errors, field: str, value: str | None, vocab_name: str) -> str | None:
    if value is None or value == "":
        return None
    vocab = vocabulary(vocab_name)
    concept = vocab.lookup(value)
    if concept is None:
        errors.add(
            field,
            f"{value!r} is not an allowed value",
            vocab.codes(),
            code="not_allowed",
            value=value,
        )
        return value
    return concept.iri


def _choices(errors: _Errors, field: str, values: list[str], vocab_name: str) -> list[str]:
    out: list[str] = []
    for i, value in enumerate(values):
        iri = _choice(errors, f"{field}.{i}", value, vocab_name)
        if iri and iri not in out:
            out.append(iri)
    return out


def _url(
    errors: _Errors, field: str, value: str | None, schemes: tuple[str, ...] = ("http", "https")
) -> None:
    if value is not None and not is_http_iri(value, schemes):
        errors.add(
            field,
            f"{value!r} is not an absolute {'/'.join(schemes)} URL without spaces "
            "(encode spaces as %20)",
            code="not_absolute_url",
            value=value,
        )


def _references(errors: _Errors, field: str, refs: list[Reference]) -> None:
    for i, ref in enumerate(refs):
        _url(errors, f"{field}.{i}.url", ref.url)
        if ref.title is not None:
            _text(errors, f"{field}.{i}.title", ref.title, required=True)


def _contact(errors: _Errors, field: str, contact: ContactPoint | None) -> None:
    if contact is None:
        return
    kind = vocabulary("contact_kind").lookup(contact.kind)
    if kind is None:
        errors.add(
            f"{field}.kind", f"{contact.kind!r} is not allowed", ["Organization", "Individual"]
        )
    else:
        contact.kind = kind.code
    if not contact.name:
        errors.add(f"{field}.name", "is required (vcard:fn)", code="required")
    email = contact.email.removeprefix("mailto:")
    if not _EMAIL.match(email):
        errors.add(
            f"{field}.email",
            f"{contact.email!r} is not an e-mail address",
            code="not_an_email",
            value=contact.email,
        )
    contact.email = email
    if contact.telephone and not _PHONE.match(contact.telephone):
        errors.add(
            f"{field}.telephone",
            "only digits, spaces and + ( ) - . are allowed",
            code="not_a_telephone_number",
        )
    _url(errors, f"{field}.url", contact.url)


def _hvd(errors: _Errors, record: DatasetIn | DataServiceIn) -> None:
    record.applicable_legislation = _choices(
        errors, "applicable_legislation", record.applicable_legislation, "applicable_legislation"
    )
    record.hvd_categories = _choices(
        errors, "hvd_categories", record.hvd_categories, "hvd_category"
    )
    is_hvd = HVD_LEGISLATION in record.applicable_legislation
    if is_hvd and not record.hvd_categories:
        errors.add(
            "hvd_categories",
            "a high-value dataset needs at least one HVD category",
            code="hvd_categories_required",
        )
    if record.hvd_categories and not is_hvd:
        errors.add(
            "hvd_categories",
            "HVD categories are only allowed when applicable_legislation names the HVD "
            f"regulation ({HVD_LEGISLATION})",
            code="hvd_categories_not_allowed",
        )


def _name(errors: _Errors, value: str | None, title: LangText) -> str:
    name = value or slugify(title.sv or "dataset")
    if not _NAME.match(name):
        _bad_name(errors)
    return name


def _bad_name(errors: _Errors) -> None:
    errors.add(
        "name",
        "use 2-100 characters a-z, 0-9, '-' or '_', starting with a letter or digit",
        code="bad_name",
    )


def _described(errors: _Errors, record: T) -> T:
    _keywords(errors, "keywords", record.keywords)
    record.themes = _choices(errors, "themes", record.themes, "theme")
    record.access_rights = _choice(errors, "access_rights", record.access_rights, "access_rights")
    record.license = _choice(errors, "license", record.license, "license")
    _contact(errors, "contact_point", record.contact_point)
    _url(errors, "landing_page", record.landing_page)
    _references(errors, "pages", record.pages)
    _references(errors, "conforms_to", record.conforms_to)
    _hvd(errors, record)
    return record


def normalise_dataset(data: DatasetIn, *, owned: bool = False) -> DatasetIn:
    """`data` as the rules have it, or ValidationFailed with every broken rule. `data` is left
    as it was, unless the caller passes it `owned`: made for this call and shared with nothing
    (a record just validated from a harvested dict), it is then normalised in place, without
    the deep copy (some 4 % of a harvest's first run)."""
    record = data if owned else data.model_copy(deep=True)
    errors = _Errors()
    _text(errors, "title", record.title, required=True)
    _text(errors, "description", record.description, required=True)
    record.name = _name(errors, record.name, record.title)
    if record.identifier is None:
        record.identifier = str(uuid.uuid4())
    else:
        try:
            record.identifier = str(uuid.UUID(record.identifier))
        except ValueError:
            errors.add(
                "identifier",
                "must be a UUID: Sveriges dataportal deduplicates datasets on UUID identifiers",
            )
    _described(errors, record)
    record.frequency = _choice(errors, "frequency", record.frequency, "frequency")
    record.language = _choices(errors, "language", record.language, "language")
    for i, place in enumerate(record.spatial):
        _url(errors, f"spatial.{i}", place)
    if record.spatial_bbox and not _WKT_POLYGON.match(record.spatial_bbox):
        errors.add("spatial_bbox", "must be a WKT POLYGON, e.g. POLYGON((11.0 58.0, …))")
    if record.spatial_centroid and not _WKT_POINT.match(record.spatial_centroid):
        errors.add("spatial_centroid", "must be a WKT POINT, e.g. POINT(11.97 57.70)")
    period = record.temporal
    if period and period.start and period.end and period.start > period.end:
        errors.add("temporal.end", "the end date is before the start date", code="end_before_start")
    _text(errors, "version_notes", record.version_notes, required=False)
    _text(errors, "provenance", record.provenance, required=False)
    if record.distributions is not None:
        normalised = []
        for i, dist in enumerate(record.distributions):
            try:
                # The record is already this call's own: its distributions are not copied again.
                normalised.append(normalise_distribution(dist, owned=True))
            except ValidationFailed as exc:
                errors.items.extend(
                    dataclasses.replace(e, field=f"distributions.{i}.{e.field}") for e in exc.errors
                )
        record.distributions = normalised
    _characters(errors, record)
    errors.raise_if_any()
    return record


def normalise_distribution(data: DistributionIn, *, owned: bool = False) -> DistributionIn:
    """As `normalise_dataset`, for a distribution."""
    record = data if owned else data.model_copy(deep=True)
    errors = _Errors()
    _text(errors, "title", record.title, required=False)
    _text(errors, "description", record.description, required=False)
    record.access_url = record.access_url or record.download_url
    if not record.access_url:
        errors.add(
            "access_url",
            "is required (dcat:accessURL), or give a download_url",
            code="access_url_required",
        )
    _url(errors, "access_url", record.access_url)
    _url(errors, "download_url", record.download_url, ("http", "https", "ftp", "ftps"))
    _format(errors, record)
    record.license = _choice(errors, "license", record.license, "license")
    record.availability = _choice(errors, "availability", record.availability, "availability")
    record.status = _choice(errors, "status", record.status, "distribution_status")
    if record.checksum_sha1 and not _SHA1.match(record.checksum_sha1):
        errors.add("checksum_sha1", "must be 40 hexadecimal characters (SHA-1)")
    record.language = _choices(errors, "language", record.language, "language")
    _references(errors, "conforms_to", record.conforms_to)
    _references(errors, "pages", record.pages)
    record.applicable_legislation = _choices(
        errors, "applicable_legislation", record.applicable_legislation, "applicable_legislation"
    )
    _characters(errors, record)
    errors.raise_if_any()
    return record


def _format(errors: _Errors, record: DistributionIn | DataServiceIn) -> None:
    """dcterms:format as an EU file type, dcat:mediaType as the matching IANA type.

    DCAT-AP-SE 3.0.1 lists IANA literals, but DIGG's harvester accepts the EU file-type IRI
    with dcat:mediaType since 3.0 (NOTES.md §9.4 option B), which also passes the EU shapes.
    """
    if record.format is None:
        return
    file_type = file_types().lookup(record.format)
    if file_type is None:
        errors.add(
            "format",
            f"{record.format!r} is not a known file type: give an EU file-type code "
            "(CSV, JSON, GEOJSON, XLSX, …) or its IANA media type (text/csv, …)",
            file_types().codes(),
            code="unknown_file_type",
            value=record.format,
        )
        return
    record.format = file_type.iri
    if isinstance(record, DistributionIn):
        media = record.media_type or file_type.media_type
        if media and not re.match(r"^[\w.+-]+/[\w.+-]+$", media.removeprefix(media_type_iri(""))):
            errors.add("media_type", f"{media!r} is not an IANA media type such as text/csv")
        record.media_type = media.removeprefix(media_type_iri("")) if media else None


def normalise_dataservice(data: DataServiceIn) -> DataServiceIn:
    record = data.model_copy(deep=True)
    errors = _Errors()
    _text(errors, "title", record.title, required=True)
    _text(errors, "description", record.description, required=False)
    record.name = _name(errors, record.name, record.title)
    if not record.endpoint_urls:
        errors.add(
            "endpoint_urls",
            "at least one endpoint URL is required (dcat:endpointURL)",
            code="endpoint_url_required",
        )
    for i, url in enumerate(record.endpoint_urls):
        _url(errors, f"endpoint_urls.{i}", url)
    _url(errors, "endpoint_description", record.endpoint_description)
    record.service_type = _choice(errors, "service_type", record.service_type, "service_type")
    _format(errors, record)
    _described(errors, record)
    _characters(errors, record)
    errors.raise_if_any()
    return record


def normalise_organisation(data: OrganisationIn) -> OrganisationIn:
    record = data.model_copy(deep=True)
    errors = _Errors()
    if not _NAME.match(record.name):
        _bad_name(errors)
    _text(errors, "title", record.title, required=True)
    _text(errors, "description", record.description, required=False)
    if record.org_number:
        number = normalise_org_number(record.org_number)
        if number is None:
            errors.add("org_number", "not a valid Swedish organisation number (10 digits, Luhn)")
        else:
            record.org_number = number
    else:
        record.org_number = None
    record.publisher_type = _choice(
        errors, "publisher_type", record.publisher_type, "publisher_type"
    )
    if record.parent is None and record.publisher_type is None:
        errors.add(
            "publisher_type",
            "a top-level organisation needs a publisher type (DCAT-AP-SE 3.0.1: mandatory)",
            vocabulary("publisher_type").codes(),
            code="publisher_type_required",
        )
    _url(errors, "homepage", record.homepage)
    if record.email and not _EMAIL.match(record.email):
        errors.add(
            "email",
            f"{record.email!r} is not an e-mail address",
            code="not_an_email",
            value=record.email,
        )
    _contact(errors, "contact_point", record.contact_point)
    _characters(errors, record)
    errors.raise_if_any()
    return record
