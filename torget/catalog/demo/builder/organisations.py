"""Organisations and users of the demo: Sjöstads kommun, four departments and two companies."""

from __future__ import annotations

from typing import Any

__all__ = ["ORGANISATIONS", "USERS", "COMPANIES"]

_SWITCHBOARD = "+46 31 123 45 00"


def _contact(name: str, email: str, telephone: str = _SWITCHBOARD) -> dict[str, Any]:
    return {"kind": "Organization", "name": name, "email": email, "telephone": telephone}


ORGANISATIONS: list[dict[str, Any]] = [
    {
        "name": "sjostad",
        "title": {"sv": "Sjöstads kommun", "en": "Sjöstad Municipality"},
        "description": {
            "sv": "Sjöstads kommun är en kustkommun med drygt 64 000 invånare. Kommunen "
            "publicerar öppna data om ekonomi, befolkning, kultur och val, och samordnar "
            "förvaltningarnas och bolagens publicering.",
            "en": "Sjöstad Municipality is a coastal municipality with just over 64,000 "
            "inhabitants. It publishes open data on finance, population, culture and "
            "elections, and coordinates publishing by its departments and companies.",
        },
        "org_number": "212000-0142",
        "publisher_type": "LocalAuthority",
        "homepage": "https://www.sjostad.example",
        "email": "kommun@sjostad.example",
        "contact_point": {
            **_contact("Sjöstads kommun, kontaktcenter", "oppnadata@sjostad.example"),
            "url": "https://www.sjostad.example/oppna-data",
            "address": {
                "street": "Stora torget 1",
                "postal_code": "451 80",
                "locality": "Sjöstad",
                "country": "SE",
            },
        },
    },
    {
        "name": "stadsbyggnad",
        "parent": "sjostad",
        "title": {"sv": "Stadsbyggnadsförvaltningen", "en": "City Planning Department"},
        "description": {
            "sv": "Ansvarar för detaljplaner, bygglov, kartor, adresser och kommunens parker "
            "och lekplatser.",
            "en": "Responsible for detailed development plans, building permits, maps, "
            "addresses and the municipality's parks and playgrounds.",
        },
        "homepage": "https://www.sjostad.example/stadsbyggnad",
        "email": "stadsbyggnad@sjostad.example",
        "contact_point": _contact(
            "Stadsbyggnadsförvaltningen, geodata", "geodata@sjostad.example", "+46 31 123 46 10"
        ),
    },
    {
        "name": "miljo",
        "parent": "sjostad",
        "title": {"sv": "Miljöförvaltningen", "en": "Environment Department"},
        "description": {
            "sv": "Ansvarar för miljöövervakning, livsmedelskontroll, badvatten och avfallsfrågor.",
            "en": "Responsible for environmental monitoring, food inspection, bathing water "
            "and waste.",
        },
        "homepage": "https://www.sjostad.example/miljo",
        "email": "miljo@sjostad.example",
        "contact_point": _contact(
            "Miljöförvaltningen, miljöövervakning", "miljodata@sjostad.example", "+46 31 123 47 20"
        ),
    },
    {
        "name": "utbildning",
        "parent": "sjostad",
        "title": {"sv": "Utbildningsförvaltningen", "en": "Education Department"},
        "description": {
            "sv": "Ansvarar för förskola, grundskola, gymnasieskola och skolmåltider.",
            "en": "Responsible for preschool, compulsory school, upper secondary school and "
            "school meals.",
        },
        "homepage": "https://www.sjostad.example/utbildning",
        "email": "utbildning@sjostad.example",
        "contact_point": _contact(
            "Utbildningsförvaltningen, kansli",
            "utbildning.data@sjostad.example",
            "+46 31 123 48 30",
        ),
    },
    {
        "name": "trafik",
        "parent": "sjostad",
        "title": {"sv": "Trafikkontoret", "en": "Traffic Office"},
        "description": {
            "sv": "Ansvarar för gator, parkering, cykelvägar, trafikmätningar och kommunens "
            "laddinfrastruktur.",
            "en": "Responsible for streets, parking, cycle paths, traffic counts and the "
            "municipality's charging infrastructure.",
        },
        "homepage": "https://www.sjostad.example/trafik",
        "email": "trafik@sjostad.example",
        "contact_point": _contact(
            "Trafikkontoret, trafikdata", "trafikdata@sjostad.example", "+46 31 123 49 40"
        ),
    },
    {
        "name": "sjostad-energi",
        "parent": "sjostad",
        "title": {"sv": "Sjöstad Energi AB", "en": "Sjöstad Energi AB"},
        "description": {
            "sv": "Kommunägt energibolag som äger elnätet och fjärrvärmenätet i Sjöstad.",
            "en": "Municipally owned energy company that owns the electricity grid and the "
            "district heating network in Sjöstad.",
        },
        "org_number": "556036-0793",
        "publisher_type": "Company",
        "homepage": "https://www.sjostadenergi.example",
        "email": "kundservice@sjostadenergi.example",
        "contact_point": _contact(
            "Sjöstad Energi, kundservice", "data@sjostadenergi.example", "+46 31 123 60 00"
        ),
    },
    {
        "name": "sjostadshem",
        "parent": "sjostad",
        "title": {"sv": "Sjöstadshem AB", "en": "Sjöstadshem AB"},
        "description": {
            "sv": "Kommunens allmännyttiga bostadsbolag med omkring 9 000 hyreslägenheter.",
            "en": "The municipality's public housing company with about 9,000 rental apartments.",
        },
        "org_number": "556712-3459",
        "publisher_type": "Company",
        "homepage": "https://www.sjostadshem.example",
        "email": "info@sjostadshem.example",
        "contact_point": _contact(
            "Sjöstadshem, kundcenter", "data@sjostadshem.example", "+46 31 123 70 00"
        ),
    },
]

# Companies publish under CC BY 4.0; the municipality and its departments under CC0.
COMPANIES = {"sjostad-energi", "sjostadshem"}

USERS: list[dict[str, Any]] = [
    {
        "name": "admin",
        "email": "admin@sjostad.example",
        "password": "demo-admin-2024",
        "fullname": "Administratör",
        "sysadmin": True,
        "memberships": [],
    },
    {
        "name": "anna",
        "email": "anna@sjostad.example",
        "password": "demo-anna-2024",
        "fullname": "Anna Lind",
        "sysadmin": False,
        "memberships": [
            {"organisation": "trafik", "role": "editor"},
            {"organisation": "sjostad", "role": "member"},
        ],
    },
    {
        "name": "erik",
        "email": "erik@sjostad.example",
        "password": "demo-erik-2024",
        "fullname": "Erik Berg",
        "sysadmin": False,
        "memberships": [{"organisation": "miljo", "role": "admin"}],
    },
]
