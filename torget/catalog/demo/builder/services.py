"""Data services of the demo: the traffic API (HVD) and the school meal API."""

from __future__ import annotations

from typing import Any

__all__ = ["DATASERVICES"]

DATASERVICES: list[dict[str, Any]] = [
    {
        "name": "trafik-api",
        "organisation": "trafik",
        "state": "published",
        "title": {"sv": "Trafik-API", "en": "Traffic API"},
        "description": {
            "sv": "REST-API med trafikflöden, cykelräkning, parkering, laddplatser och "
            "hållplatser i JSON. Data uppdateras samtidigt som filerna och kan filtreras på "
            "område och datum. Ingen nyckel behövs; gränsen är 60 anrop per minut.",
            "en": "REST API with traffic flows, bicycle counts, parking, charging points and "
            "stops in JSON. Data is updated together with the files and can be filtered by "
            "area and date. No key is needed; the limit is 60 requests per minute.",
        },
        "endpoint_urls": ["https://api.sjostad.example/trafik/v1"],
        "endpoint_description": "https://api.sjostad.example/trafik/v1/openapi.json",
        "service_type": "REST",
        "format": "JSON",
        "serves_datasets": [
            "trafikfloden",
            "cykelrakning",
            "parkeringsplatser",
            "laddplatser",
            "hallplatser",
        ],
        "license": "CC0-1.0",
        "access_rights": "PUBLIC",
        "keywords": {
            "sv": ["trafik", "api", "mobilitet", "parkering"],
            "en": ["traffic", "api", "mobility", "parking"],
        },
        "themes": ["TRAN"],
        "applicable_legislation": ["HVD"],
        "hvd_categories": ["c_b79e35eb"],
        "pages": [
            {
                "url": "https://api.sjostad.example/trafik/v1/sla",
                "title": {"sv": "Tjänstenivå", "en": "Service level"},
            }
        ],
    },
    {
        "name": "skolmat-api",
        "organisation": "utbildning",
        "state": "published",
        "title": {"sv": "Skolmat-API", "en": "School meal API"},
        "description": {
            "sv": "API enligt Open Meal som ger grundskolornas matsedel med allergener och "
            "klimatpåverkan per dag och skola. Matsedeln finns fyra veckor framåt.",
            "en": "Open Meal API giving the compulsory schools' menu with allergens and "
            "climate impact per day and school. The menu is available four weeks ahead.",
        },
        "endpoint_urls": ["https://api.sjostad.example/skolmat/v3"],
        "endpoint_description": "https://api.sjostad.example/skolmat/v3/openapi.json",
        "service_type": "REST",
        "format": "JSON",
        "serves_datasets": ["skolmatsedel"],
        "license": "CC0-1.0",
        "access_rights": "PUBLIC",
        "keywords": {
            "sv": ["skolmat", "matsedel", "api"],
            "en": ["school meal", "menu", "api"],
        },
        "themes": ["EDUC", "HEAL"],
        "conforms_to": [
            {
                "url": "https://www.dataportal.se/specifications/open-meal/3.4",
                "title": {"sv": "Open Meal 3.4", "en": "Open Meal 3.4"},
            }
        ],
    },
]
