"""The mapping, continued: CKAN organizations ↔ organisations, groups ↔ the EU data themes,
and CKAN licence dicts (docs/ckan.md, "Organization ↔ organisation")."""

from __future__ import annotations

from typing import Any

from torget.catalog.vocabularies import Concept
from torget.ckan.mapping import (
    _group_ref,
    _set_path,
    _texts,
    _translated,
    listed,
    objects,
    timestamp,
)
from torget.errors import FieldError, ValidationFailed

__all__ = ["ORG_EXTRAS", "organisation_fields", "organization_dict", "group_dict", "licence_dict"]

# Organisation fields CKAN has no place for travel as extras; `groups` names the parent, as in
# CKAN's organisation hierarchy (ckanext-hierarchy).
ORG_EXTRAS = ("org_number", "publisher_type", "homepage", "email", "fee_financed")


def organisation_fields(org: dict[str, Any]) -> dict[str, Any]:
    """A CKAN organization as `OrganisationIn` fields."""
    fields: dict[str, Any] = {
        "name": org.get("name"),
        "title": _translated(org, "title") or ({"sv": org["name"]} if org.get("name") else None),
        "description": _translated(org, "description"),
    }
    parents = [_group_ref(g) for g in listed(org, "groups")]
    fields["parent"] = parents[0] if parents else None
    for item in objects(org, "extras"):
        key, value = str(item.get("key", "")), item.get("value")
        if key not in ORG_EXTRAS + ("contact_name", "contact_email"):
            message = f"{key!r} is not a known extra; known: {', '.join(ORG_EXTRAS)}"
            raise ValidationFailed([FieldError("extras", message, list(ORG_EXTRAS))])
        if key.startswith("contact_"):
            _set_path(fields, f"contact_point.{key.removeprefix('contact_')}", value)
        elif value not in (None, ""):
            fields[key] = value
    return {k: v for k, v in fields.items() if v is not None}


def organization_dict(org: Any, package_count: int | None = None) -> dict[str, Any]:
    data = org.data.model_dump(mode="json")
    extras = [{"key": k, "value": str(data[k])} for k in ORG_EXTRAS if data.get(k)]
    contact = data.get("contact_point") or {}
    extras += [{"key": f"contact_{k}", "value": contact[k]} for k in ("name", "email") if contact]
    out = {
        "id": org.id, "name": org.name, **_texts("title", data["title"]),
        "display_name": data["title"]["sv"],
        **_texts("description", data.get("description")),
        "image_url": "", "image_display_url": "", "created": timestamp(org.created_at),
        "state": "active", "type": "organization", "is_organization": True,
        "approval_status": "approved", "extras": extras,
        "groups": [{"name": data["parent"]}] if data.get("parent") else [],
    }  # fmt: skip
    if package_count is not None:
        out["package_count"] = package_count
    return out


def group_dict(theme: Concept, package_count: int | None = None) -> dict[str, Any]:
    name = theme.code.lower()
    out: dict[str, Any] = {
        "id": name, "name": name, "title": theme.label_sv,
        "title_translated": {"sv": theme.label_sv, "en": theme.label_en},
        "display_name": theme.label_sv, "description": "", "image_url": "",
        "image_display_url": "", "created": "", "state": "active", "type": "group",
        "is_organization": False, "approval_status": "approved", "url": theme.iri,
    }  # fmt: skip
    if package_count is not None:
        out["package_count"] = package_count
    return out


def licence_dict(concept: Concept) -> dict[str, Any]:
    """A licence in license_list's shape (ckan/model/license.py)."""
    open_ = "-nc" not in concept.iri and "-nd" not in concept.iri
    return {
        "id": concept.code, "title": concept.label_en, "title_sv": concept.label_sv,
        "url": concept.iri, "status": "active", "maintainer": "Creative Commons",
        "family": "", "is_generic": False, "domain_content": True, "domain_data": True,
        "domain_software": False, "is_okd_compliant": open_, "is_osi_compliant": False,
        "od_conformance": "approved" if open_ else "not reviewed",
        "osd_conformance": "not reviewed",
    }  # fmt: skip
