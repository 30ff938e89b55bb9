"""Site-wide CKAN actions: status_show, site_read, license_list, help_show."""

from __future__ import annotations

from typing import Any

from torget import __version__
from torget.catalog.vocabularies import vocabulary
from torget.ckan.call import Call, Params
from torget.ckan.mapping_orgs import licence_dict

__all__ = ["status_show", "site_read", "license_list", "CKAN_VERSION"]

# The CKAN release whose Action API Torget answers like (clients branch on it).
CKAN_VERSION = "2.10.0"


def status_show(call: Call, params: Params) -> dict[str, Any]:
    settings = call.settings
    return {
        "ckan_version": CKAN_VERSION,
        "torget_version": __version__,
        "site_url": call.base,
        "site_title": settings.catalog_title_sv,
        "site_description": "",
        "site_title_translated": {"sv": settings.catalog_title_sv, "en": settings.catalog_title_en},
        "locale_default": "sv",
        "extensions": ["dcat"],
    }


def site_read(call: Call, params: Params) -> bool:
    return True


def license_list(call: Call, params: Params) -> list[dict[str, Any]]:
    """The licences DCAT-AP-SE allows: the seven Creative Commons 4.0 licences and CC0."""
    return [licence_dict(c) for c in vocabulary("license").concepts]
