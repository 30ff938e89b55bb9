"""CKAN's dicts ↔ Torget's DCAT-AP-SE model, declared once for both directions (docs/ckan.md).

| CKAN | Torget |
|---|---|
| package `name`, `id` | dataset `name`, `id` |
| `title` / `title_translated` {sv, en} | `title` (sv required, en optional) |
| `notes` / `notes_translated` | `description` |
| `owner_org` (id or name; else `organization.name`) | `organisation` |
| `private` | `state`: true → draft, false → published |
| `tags` [{name}] / `tag_string` / `tags_translated` {sv, en} | `keywords` |
| `groups` [{name}] | `themes`: a group is an EU data theme, named by its lower-case code |
| `license_id` | `license`: the canonical Creative Commons IRI |
| `url`, `version` | `landing_page`, `version` |
| `extras` (ckanext-dcat's keys, `EXTRAS`) | the DCAT fields CKAN lacks |
| resource `url` / `download_url`, `access_url` | distribution `download_url`, `access_url` |
| resource `name`, `description` (+ `_translated`) | distribution `title`, `description` |
| resource `format` (`CSV`, `csv`, `text/csv`), `mimetype` | `format` (EU file type), `media_type` |
| resource `size`, `hash`, `license` | `byte_size`, `checksum_sha1`, `license` |

Values read from CKAN become a dict in the shape of `DatasetIn`/`DistributionIn`, so that
Torget's own rules (`torget.catalog.rules`) validate them exactly as for the JSON API; values
written to CKAN are derived from the stored record. Controlled values go out as stored (IRIs)
and come in as anything the vocabularies accept (codes, IRIs, CKAN's licence ids).
Organisations, groups (the EU data themes) and licences are in `mapping_orgs.py`. A value of
the wrong JSON type (a number where a list of tags belongs) is a validation error of its key.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from torget.catalog.datasets import Dataset, Distribution
from torget.catalog.vocabularies import Concept, file_types, vocabulary
from torget.ckan.call import list_value
from torget.errors import FieldError, ValidationFailed

__all__ = [
    "EXTRAS",
    "licence_ids",
    "licence_concept",
    "theme_concept",
    "group_name",
    "dataset_fields",
    "distribution_fields",
    "package_dict",
    "resource_dict",
    "ckan_field",
    "timestamp",
    "uploaded_prefix",
    "merge_patch",
    "listed",
    "objects",
]


@dataclass(frozen=True)
class Extra:
    """One CKAN extra: its key (ckanext-dcat's name where it has one), the dotted path of the
    field in the dataset's JSON form, and whether it holds a list (sent as a JSON list)."""

    key: str
    path: str
    many: bool = False
    refs: bool = False  # a list of References: the extra carries their URLs


EXTRAS: tuple[Extra, ...] = (
    Extra("identifier", "identifier"),
    Extra("frequency", "frequency"),
    Extra("access_rights", "access_rights"),
    Extra("issued", "issued"),
    Extra("modified", "modified"),
    Extra("language", "language", many=True),
    Extra("spatial_uri", "spatial", many=True),
    Extra("spatial_bbox", "spatial_bbox"),
    Extra("spatial_centroid", "spatial_centroid"),
    Extra("temporal_start", "temporal.start"),
    Extra("temporal_end", "temporal.end"),
    Extra("conforms_to", "conforms_to", many=True, refs=True),
    Extra("documentation", "pages", many=True, refs=True),
    Extra("hvd_category", "hvd_categories", many=True),
    Extra("applicable_legislation", "applicable_legislation", many=True),
    Extra("contact_name", "contact_point.name"),
    Extra("contact_email", "contact_point.email"),
)

# CKAN's own licence ids (ckan/model/license.py) that name a Creative Commons licence.
_CKAN_LICENCES = {"cc-nc": "CC-BY-NC-4.0", "cc-zero": "CC0-1.0", "cc-by": "CC-BY-4.0"}
_NO_LICENCE = ("", "notspecified", "none")

# Domain field → CKAN field, for error messages (the first segment of a dotted path).
_PACKAGE_FIELDS = {
    "organisation": "owner_org", "description": "notes", "keywords": "tags",
    "themes": "groups", "license": "license_id", "landing_page": "url", "state": "private",
    "temporal": "temporal_start", "contact_point": "contact_email",
    **{e.path.split(".")[0]: e.key for e in EXTRAS if "." not in e.path},
}  # fmt: skip
_RESOURCE_FIELDS = {
    "title": "name", "download_url": "url", "media_type": "mimetype", "byte_size": "size",
    "checksum_sha1": "hash",
}  # fmt: skip


def timestamp(value: Any) -> str:
    """CKAN's timestamps: ISO 8601 in UTC without an offset."""
    return str(value.replace(tzinfo=None).isoformat())


# --- Licences and themes ---------------------------------------------------------------------


def licence_ids() -> list[str]:
    return vocabulary("license").codes()


def licence_concept(value: str, field: str = "license_id") -> Concept | None:
    """The licence a CKAN licence id names; None for "not specified"; 409 when unknown."""
    if value.strip().lower() in _NO_LICENCE:
        return None
    wanted = _CKAN_LICENCES.get(value.strip().lower(), value)
    concept = vocabulary("license").lookup(wanted)
    if concept is None:
        allowed = licence_ids()
        message = f"{value!r} is not an allowed licence id; use one of {', '.join(allowed)}"
        raise ValidationFailed([FieldError(field, message, allowed)])
    return concept


def theme_concept(name: str) -> Concept:
    concept = vocabulary("theme").lookup(name)
    if concept is None:
        allowed = [c.code.lower() for c in vocabulary("theme").concepts]
        raise ValidationFailed(
            [FieldError("groups", f"{name!r} is not a group (EU data theme)", allowed)]
        )
    return concept


def group_name(theme_iri: str) -> str:
    concept = vocabulary("theme").lookup(theme_iri)
    return concept.code.lower() if concept else theme_iri


# --- CKAN → Torget ---------------------------------------------------------------------------


def _wrong(key: str, message: str) -> ValidationFailed:
    return ValidationFailed([FieldError(key, message)])


def listed(pkg: dict[str, Any], key: str) -> list[Any]:
    """The list under `key` (a JSON list, or one given as JSON text); empty when absent."""
    return list_value(pkg.get(key), key, one=False)


def objects(pkg: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """The list of objects under `key` (`resources`, `extras`); empty when absent."""
    given = listed(pkg, key)
    if not all(isinstance(item, dict) for item in given):
        raise _wrong(key, "must be a list of objects")
    return given


def _translated(pkg: dict[str, Any], key: str) -> dict[str, Any] | None:
    """Swedish from the plain field (what a CKAN client without translations edits), else
    from `<key>_translated`; English from `<key>_translated`."""
    given = pkg.get(f"{key}_translated")
    given = given if isinstance(given, dict) else {}
    sv = pkg.get(key) or given.get("sv")
    return {"sv": sv, "en": given.get("en") or None} if sv else None


def _tag_names(pkg: dict[str, Any]) -> list[str]:
    tags = pkg.get("tags") or []
    if isinstance(tags, str) and not tags.strip().startswith("["):
        tags = tags.split(",")
    else:
        tags = listed(pkg, "tags")
    names = [str(t.get("name", "")) if isinstance(t, dict) else str(t) for t in tags]
    if not names and pkg.get("tag_string"):
        names = str(pkg["tag_string"]).split(",")
    return [n.strip() for n in names if n.strip()]


def _keywords(pkg: dict[str, Any]) -> dict[str, list[str]]:
    given = pkg.get("tags_translated")
    given = given if isinstance(given, dict) else {}
    if pkg.get("tags") or pkg.get("tag_string"):
        sv = _tag_names(pkg)
    else:
        sv = list_value(given.get("sv"), "tags_translated", one=False)
    return {"sv": sv, "en": list_value(given.get("en"), "tags_translated", one=False)}


def _set_path(target: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        target = target.setdefault(part, {})
    target[last] = value


def _extra_value(extra: Extra, raw: Any) -> Any:
    if not extra.many:
        return raw
    one = isinstance(raw, str) and not raw.strip().startswith("[")
    values = [raw] if one else list_value(raw, "extras", one=False)
    return [{"url": v} for v in values] if extra.refs else values


def _apply_extras(fields: dict[str, Any], extras: list[dict[str, Any]]) -> None:
    known = {e.key: e for e in EXTRAS}
    for item in extras:
        key, raw = str(item.get("key", "")), item.get("value")
        if key not in known:
            message = f"{key!r} is not a known extra; known: {', '.join(known)}"
            raise ValidationFailed([FieldError("extras", message, list(known))])
        if raw not in (None, ""):
            _set_path(fields, known[key].path, _extra_value(known[key], raw))


def dataset_fields(pkg: dict[str, Any], private: bool) -> dict[str, Any]:
    """A CKAN package as `DatasetIn` fields (without organisation and distributions)."""
    fields: dict[str, Any] = {
        "name": pkg.get("name") or None,
        "title": _translated(pkg, "title"),
        "description": _translated(pkg, "notes"),
        "state": "draft" if private else "published",
        "keywords": _keywords(pkg),
        "themes": [theme_concept(_group_ref(g)).iri for g in listed(pkg, "groups")],
        "landing_page": pkg.get("url") or None,
        "version": pkg.get("version") or None,
    }
    licence = licence_concept(str(pkg.get("license_id") or ""))
    fields["license"] = licence.iri if licence else None
    contact = {"name": pkg.get("maintainer") or pkg.get("author")}
    contact["email"] = pkg.get("maintainer_email") or pkg.get("author_email")
    if contact["name"] and contact["email"]:
        fields["contact_point"] = contact
    _apply_extras(fields, objects(pkg, "extras"))
    return {k: v for k, v in fields.items() if v is not None}


def _group_ref(group: Any) -> str:
    return (
        str(group.get("name") or group.get("id") or "") if isinstance(group, dict) else str(group)
    )


def _format_of(res: dict[str, Any], url: str | None) -> str | None:
    for candidate in (res.get("format"), res.get("mimetype")):
        if candidate:
            return str(candidate)
    if isinstance(url, str) and "." in url.rsplit("/", 1)[-1]:
        found = file_types().lookup(url.rsplit(".", 1)[-1].split("?")[0])
        return found.code if found else None
    return None


def _checksum(value: Any) -> str | None:
    text = str(value or "").strip().lower().removeprefix("sha1:")
    return text or None


def _size(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        try:
            return int(value)
        except (ValueError, OverflowError):
            pass
    raise _wrong("size", f"{str(value)[:50]!r} is not a whole number of bytes")


def distribution_fields(res: dict[str, Any]) -> dict[str, Any]:
    """A CKAN resource as `DistributionIn` fields."""
    url = res.get("download_url") or res.get("url") or None
    licence = licence_concept(str(res.get("license") or ""), "license")
    size = res.get("size")
    fields = {
        "title": _translated(res, "name"),
        "description": _translated(res, "description"),
        "download_url": url,
        "access_url": res.get("access_url") or None,
        "format": _format_of(res, url),
        "media_type": res.get("mimetype") or None,
        "license": licence.iri if licence else None,
        "byte_size": _size(size),
        "checksum_sha1": _checksum(res.get("hash")),
    }
    if fields["format"] is None:
        raise ValidationFailed([FieldError("format", "Missing value: give a format such as CSV")])
    return {k: v for k, v in fields.items() if v is not None}


def merge_patch(current: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """CKAN's patch: `current` with the given keys replaced. A `_translated` field given
    without its plain twin drops the old plain value, which would otherwise win for Swedish."""
    merged = {**current, **changes}
    for key in ("title", "notes", "name", "description", "tags"):
        if f"{key}_translated" in changes and key not in changes:
            merged.pop(key, None)
    return merged


# --- Torget → CKAN ---------------------------------------------------------------------------


def _get_path(source: dict[str, Any], path: str) -> Any:
    value: Any = source
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _extras_of(data: dict[str, Any]) -> list[dict[str, str]]:
    out = []
    for extra in EXTRAS:
        value = _get_path(data, extra.path)
        if value in (None, "", []):
            continue
        if extra.refs:
            value = [ref["url"] for ref in value]
        out.append({"key": extra.key, "value": json.dumps(value) if extra.many else str(value)})
    return out


def _licence_dict(iri: str | None) -> dict[str, Any]:
    concept = vocabulary("license").lookup(iri) if iri else None
    if concept is None:
        return {"license_id": "", "license_title": "", "license_url": "", "isopen": False}
    return {
        "license_id": concept.code,
        "license_title": concept.label_en,
        "license_url": concept.iri,
        "isopen": "-nc" not in concept.iri and "-nd" not in concept.iri,
    }


def _dataset_licence(dataset: Dataset) -> str | None:
    """The dataset's default licence, else the one licence all its distributions share."""
    if dataset.data.license:
        return dataset.data.license
    found = {d.data.license for d in dataset.distributions}
    return found.pop() if len(found) == 1 else None


def _tag(name: str) -> dict[str, Any]:
    return {"id": name, "name": name, "display_name": name, "state": "active",
            "vocabulary_id": None}  # fmt: skip


def _texts(key: str, text: dict[str, Any] | None) -> dict[str, Any]:
    sv = (text or {}).get("sv") or ""
    return {key: sv, f"{key}_translated": {"sv": sv, "en": (text or {}).get("en") or ""}}


def package_dict(
    dataset: Dataset,
    organization: dict[str, Any],
    groups: list[dict[str, Any]],
    base: str,
    loaded: Collection[str] = (),
) -> dict[str, Any]:
    """The dataset as a package; `loaded` are its distributions that have a DataStore table."""
    data = dataset.data.model_dump(mode="json", exclude={"distributions"})
    contact = data.get("contact_point") or {}
    keywords = data["keywords"]
    return {
        "id": dataset.id,
        "name": dataset.name,
        **_texts("title", data["title"]),
        **_texts("notes", data["description"]),
        "author": None, "author_email": None,
        "maintainer": contact.get("name"), "maintainer_email": contact.get("email"),
        "url": data.get("landing_page") or "",
        "version": data.get("version"),
        **_licence_dict(_dataset_licence(dataset)),
        "state": "active", "private": dataset.state == "draft", "type": "dataset",
        "metadata_created": timestamp(dataset.created_at),
        "metadata_modified": timestamp(dataset.updated_at),
        "creator_user_id": None,
        "owner_org": dataset.organisation_id, "organization": organization,
        "groups": groups,
        "tags": [_tag(k) for k in keywords["sv"]],
        "tags_translated": {"sv": keywords["sv"], "en": keywords["en"]},
        "extras": _extras_of(data),
        "num_tags": len(keywords["sv"]),
        "num_resources": len(dataset.distributions),
        "relationships_as_subject": [], "relationships_as_object": [],
        "resources": [
            resource_dict(d, base, i, d.id in loaded) for i, d in enumerate(dataset.distributions)
        ],
    }  # fmt: skip


def uploaded_prefix(base: str) -> str:
    """Where the files stored in Torget are published: CKAN's `url_type` "upload"."""
    return f"{base}/files/"


def resource_dict(
    dist: Distribution, base: str, position: int, active: bool = False
) -> dict[str, Any]:
    """A distribution as a resource; `position` is its index in the package, as in CKAN;
    `active` whether it has a DataStore table."""
    data = dist.data
    url = data.download_url or data.access_url or ""
    file_type = file_types().lookup(data.format)
    licence = vocabulary("license").lookup(data.license) if data.license else None
    return {
        "id": dist.id,
        "package_id": dist.dataset_id,
        "url": url,
        "download_url": data.download_url,
        "access_url": data.access_url,
        **_texts("name", data.title.model_dump() if data.title else None),
        **_texts("description", data.description.model_dump() if data.description else None),
        "format": file_type.code if file_type else data.format,
        "mimetype": data.media_type,
        "size": data.byte_size,
        "hash": data.checksum_sha1 or "",
        "license": licence.code if licence else None,
        "created": timestamp(dist.created_at),
        "last_modified": timestamp(dist.updated_at),
        "metadata_modified": timestamp(dist.updated_at),
        "position": position,
        "state": "active",
        "url_type": "upload" if url.startswith(uploaded_prefix(base)) else None,
        "datastore_active": active,
        "resource_type": None,
        "mimetype_inner": None,
        "cache_url": None,
    }


# --- Errors ----------------------------------------------------------------------------------


def ckan_field(path: str) -> tuple[int | None, str]:
    """A domain field path as CKAN names it: (resource index or None, field)."""
    parts = path.split(".")
    if parts[0] == "resource":
        return None, _RESOURCE_FIELDS.get(parts[1], parts[1])
    if parts[0] == "distributions" and len(parts) > 2 and parts[1].isdigit():
        return int(parts[1]), _RESOURCE_FIELDS.get(parts[2], parts[2])
    return None, _PACKAGE_FIELDS.get(parts[0], parts[0])
