"""The registry of national specifications: what each is called, where it is registered, and
the Table Schema its data must follow.

Sweden registers its specifications at `https://dataportal.se/specifications/<name>/<version>`
(DIGG's specification registry); a dataset or distribution declares one with
`dcterms:conformsTo`. The built-in ones come from the project's collection of national
specifications (torget/specdata, see its README): livsmedelskontroller v2 is read from its
official workbook (`livsmedel`); the others are derived from field tables, marked `derived`,
until an administrator imports the official `schema.json` under the same name and version
(a row in `specifications` replaces the built-in). Administrators add others the same way, by
upload or by URL (fetched through the SSRF guard).

A declaration names a specification by any of its addresses: the registry IRI (with or
without `www.`, http or https, a trailing slash) or the maintainer's pages
(`lankadedata.se/spec/<name>`, its `schema.json`), which is what real municipal records carry.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from torget.accounts.permissions import Actor
from torget.clock import now
from torget.db.schema import specifications
from torget.errors import FieldError, NotAuthenticated, NotFound, PermissionDenied, ValidationFailed
from torget.outbound import Guard, Refused, stream
from torget.specifications.livsmedel import builtin_schema
from torget.specifications.table_schema import Field, checked_schema, fields_of

__all__ = [
    "Specification",
    "REGISTRY",
    "iri_of",
    "all_specifications",
    "get_specification",
    "by_iri",
    "add_specification",
    "fetch_schema",
    "require_administrator",
    "standard_title",
    "MAX_SCHEMA_BYTES",
]

REGISTRY = "https://dataportal.se/specifications"
MAX_SCHEMA_BYTES = 1 << 20
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,99}")
_VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,29}")
_DATA = Path(__file__).parent.parent / "specdata"


def iri_of(name: str, version: str) -> str:
    return f"{REGISTRY}/{name}/{version}"


@dataclass(frozen=True)
class Specification:
    name: str
    version: str
    title_sv: str
    title_en: str
    status: str  # "official" (the maintainer's schema) or "derived" (from a field table)
    source: str  # where the schema came from, cited on the page
    schema: dict[str, Any]
    builtin: bool = False
    also_known_as: tuple[str, ...] = field(default=())

    @property
    def iri(self) -> str:
        return iri_of(self.name, self.version)

    @cached_property  # read per source and per rule while combining: parsed once
    def fields(self) -> list[Field]:
        return fields_of(self.schema)

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_sv

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "iri": self.iri,
            "title": {"sv": self.title_sv, "en": self.title_en},
            "status": self.status,
            "source": self.source,
            "builtin": self.builtin,
            "schema": self.schema,
        }


def _vendored(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((_DATA / name).read_text("utf-8"))
    return data


_SHARED = "shared/specs/sweden/derived/"


@cache
def _builtins() -> tuple[Specification, ...]:
    return (
        Specification(
            "badplatser", "1.0", "Badplatser", "Bathing places", "derived",
            _SHARED + "badplatser_observed_columns.csv (columns seen in Härryda's and "
            "Mariestad's files); official: https://lankadedata.se/spec/badplatser/schema.json",
            _vendored("spec-badplatser-1.0.schema.json"), True,
            ("lankadedata.se/spec/badplatser",),
        ),
        Specification(
            "livsmedelskontroller", "2.0", "Livsmedelskontroller", "Food inspections",
            "official",
            "Livsmedelsinspektioner - Teknisk specifikation v2.xlsx, github.com/Sambruk/"
            "livsmedel @ 080c0f8e (NSÖD and ÖDIS, 2020)",
            builtin_schema(), True, ("github.com/sambruk/livsmedel",),
        ),
        Specification(
            "public-toilets", "1.0", "Offentliga toaletter", "Public toilets", "derived",
            _SHARED + "public_toilets_columns_partial.csv (first draft, community.dataportal.se"
            " topic 837); official: gitlab.com/sarskilt-viktiga-datamangder/public-toilets",
            _vendored("spec-public-toilets-1.0.schema.json"), True,
            ("lankadedata.se/spec/public-toilets", "lankadedata.se/spec/offentliga-toaletter"),
        ),
        Specification(
            "skoldata", "1.1", "Skoldata", "School data", "derived",
            "the base columns of the national CSV specifications (shared/specs/sweden/"
            "NOTES.md §1.2); official: https://lankadedata.se/spec/skoldata/",
            _vendored("spec-skoldata-1.1.schema.json"), True, ("lankadedata.se/spec/skoldata",),
        ),
        Specification(
            "leverantorsreskontra", "1.1", "Leverantörsreskontra", "Supplier invoices",
            "derived",
            _SHARED + "leverantorsreskontra_columns.csv (the Open Up! guide's column list); "
            "official: https://lankadedata.se/spec/leverantorsreskontra/",
            _vendored("spec-leverantorsreskontra-1.1.schema.json"), True,
            ("lankadedata.se/spec/leverantorsreskontra",),
        ),
    )  # fmt: skip


def _of_row(row: sa.RowMapping) -> Specification:
    builtin = next(
        (b for b in _builtins() if (b.name, b.version) == (row["name"], row["version"])), None
    )
    return Specification(
        row["name"], row["version"], row["title_sv"], row["title_en"], row["status"],
        row["source"], json.loads(row["table_schema"]), False,
        builtin.also_known_as if builtin else (),
    )  # fmt: skip


def all_specifications(conn: sa.Connection) -> list[Specification]:
    """Every specification, added ones replacing the built-in of the same name and version."""
    found = {(s.name, s.version): s for s in _builtins()}
    for row in conn.execute(sa.select(specifications)).mappings():
        found[(row["name"], row["version"])] = _of_row(row)
    return sorted(found.values(), key=lambda s: (s.name, s.version))


def get_specification(conn: sa.Connection, name: str, version: str) -> Specification:
    row = conn.execute(
        sa.select(specifications).where(
            specifications.c.name == name, specifications.c.version == version
        )
    ).mappings().first()  # fmt: skip
    if row is not None:
        return _of_row(row)
    for spec in _builtins():
        if (spec.name, spec.version) == (name, version):
            return spec
    raise NotFound(f"no specification {name} {version}", code="specification_not_found",
                   params={"name": name, "version": version})  # fmt: skip


def _bare(url: str) -> str:
    bare = re.sub(r"^[a-z]+://", "", url.strip().lower()).removeprefix("www.")
    return bare.removesuffix("/schema.json").rstrip("/")


def by_iri(conn: sa.Connection, url: str) -> Specification | None:
    """The specification a `conformsTo` URL names, or None (an API's OpenAPI file, a
    specification Torget does not know)."""
    bare = _bare(url)
    candidates = all_specifications(conn)
    for spec in candidates:
        if _bare(spec.iri) == bare:
            return spec
    for spec in reversed(candidates):  # the newest version of a maintainer's page
        if any(bare == alias or bare.startswith(alias + "/") for alias in spec.also_known_as):
            return spec
    return None


def standard_title(url: str) -> dict[str, str] | None:
    """The Swedish and English titles of the built-in specification a `conformsTo` URL names,
    for the feed's `dcterms:Standard` (pure: built-ins only, no database)."""
    bare = _bare(url)
    for spec in _builtins():
        if _bare(spec.iri) == bare:
            return {"sv": spec.title_sv, "en": spec.title_en}
    return None


def _invalid(field_name: str, message: str, code: str) -> ValidationFailed:
    return ValidationFailed(errors=[FieldError(field_name, message, code=code)])


def require_administrator(actor: Actor) -> None:
    """Only site administrators add specifications (checked before a schema is fetched too)."""
    if actor.user is None:
        raise NotAuthenticated("log in or send an API token to add a specification")
    if not actor.sysadmin:
        raise PermissionDenied("only a site administrator adds specifications")


def add_specification(
    conn: sa.Connection,
    actor: Actor,
    name: str,
    version: str,
    titles: tuple[str, str],
    schema: bytes | str | dict[str, Any],
    source: str,
) -> Specification:
    """Add a specification, or import the official schema over an existing one (sysadmins)."""
    require_administrator(actor)
    if not _NAME.fullmatch(name):
        raise _invalid("name", "lowercase letters, digits, - and _, at most 100",
                       "specification_name_invalid")  # fmt: skip
    if not _VERSION.fullmatch(version):
        raise _invalid("version", "letters, digits, . - and _, at most 30",
                       "specification_version_invalid")  # fmt: skip
    title_sv, title_en = (t.strip()[:300] for t in titles)
    if not title_sv:
        raise _invalid("title.sv", "a Swedish title is required", "required")
    descriptor = checked_schema(schema)
    values = {
        "title_sv": title_sv, "title_en": title_en or title_sv, "status": "official",
        "source": source.strip()[:2000] or "uploaded", "updated_at": now(),
        "table_schema": json.dumps(descriptor, ensure_ascii=False),
    }  # fmt: skip
    t = specifications
    changed = conn.execute(
        sa.update(t).where(t.c.name == name, t.c.version == version).values(**values)
    ).rowcount
    if not changed:
        conn.execute(sa.insert(t).values(name=name, version=version, created_at=now(), **values))
    return get_specification(conn, name, version)


def fetch_schema(url: str, allow_private: bool, timeout: float = 20.0) -> bytes:
    """A schema.json from a URL an administrator typed: public hosts only, at most 1 MiB."""

    def refused(message: str) -> ValidationFailed:
        return _invalid("url", message, "specification_fetch_failed")

    guard = Guard(allow_private=allow_private)
    body = bytearray()
    try:
        with guard.client(timeout) as client, stream(client, "GET", url, redirects=5) as answer:
            if answer.status_code >= 400:
                raise refused(f"the server answered HTTP {answer.status_code}")
            for chunk in answer.iter_bytes(65536):
                body += chunk
                if len(body) > MAX_SCHEMA_BYTES:
                    raise refused(f"the schema is larger than {MAX_SCHEMA_BYTES} bytes")
    except Refused as exc:
        raise refused(f"refused: {exc}") from None
    except httpx.HTTPError as exc:
        raise refused(f"download failed: {exc}") from None
    return bytes(body)
