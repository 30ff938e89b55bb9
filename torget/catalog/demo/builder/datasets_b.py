"""Dataset specs of the city planning department (organisation `stadsbyggnad`)."""

from __future__ import annotations

from typing import Any

from torget.catalog.demo.builder import tables_b as t

__all__ = ["DATASETS"]

GEOSPATIAL = "c_ac64a52d"

DATASETS: list[dict[str, Any]] = [
    {
        "name": "detaljplaner",
        "organisation": "stadsbyggnad",
        "title": {"sv": "Detaljplaner", "en": "Detailed development plans"},
        "description": {
            "sv": "Varje rad är en detaljplan med planbeteckning, status, syfte, datum för laga "
            "kraft och plangräns som polygon. Plangränserna är digitaliserade ur den kommunala "
            "grundkartan. Äldre planer saknar genomförandetid och deras gränser kan avvika "
            "någon meter från plankartan.",
            "en": "Each row is a detailed development plan with plan id, status, purpose, date "
            "of entry into force and plan boundary as a polygon. Boundaries are digitised from "
            "the municipal base map. Older plans lack an implementation period and their "
            "boundaries may deviate a metre or so from the plan map.",
        },
        "keywords": {
            "sv": ["detaljplan", "plan", "markanvändning", "samhällsplanering"],
            "en": ["detailed development plan", "plan", "land use", "urban planning"],
        },
        "themes": ["REGI", "GOVE"],
        "frequency": "MONTHLY",
        "issued": "2023-05-10",
        "modified": "2026-02-03",
        "hvd_categories": [GEOSPATIAL],
        "files": [
            ("detaljplaner.geojson", "GEOJSON", t.PLANS),
            ("detaljplaner.csv", "CSV", t.PLANS),
        ],
    },
    {
        "name": "adresser",
        "organisation": "stadsbyggnad",
        "title": {"sv": "Belägenhetsadresser", "en": "Addresses"},
        "description": {
            "sv": "Varje rad är en adressplats med gatunamn, adressnummer, postnummer och "
            "koordinat. Adresserna sätts av kommunen och förs i Lantmäteriets adressregister. "
            "Postnummer kommer från PostNord och kan skilja sig från registrets uppgift under "
            "en övergångstid.",
            "en": "Each row is an address point with street name, number, postcode and "
            "coordinate. Addresses are assigned by the municipality and kept in the Land "
            "Survey's address register. Postcodes come from PostNord and may differ from the "
            "register for a transition period.",
        },
        "keywords": {
            "sv": ["adress", "gatunamn", "postnummer", "lägesbunden data"],
            "en": ["address", "street name", "postcode", "geospatial data"],
        },
        "themes": ["REGI"],
        "frequency": "WEEKLY",
        "issued": "2023-04-01",
        "modified": "2026-02-24",
        "hvd_categories": [GEOSPATIAL],
        "files": [
            ("adresser.csv", "CSV", t.ADDRESSES),
            ("adresser.geojson", "GEOJSON", t.ADDRESSES),
            ("adresser.json", "JSON", t.ADDRESSES),
        ],
    },
    {
        "name": "bygglov",
        "organisation": "stadsbyggnad",
        "title": {"sv": "Bygglovsärenden", "en": "Building permit cases"},
        "description": {
            "sv": "Varje rad är ett ärende om bygglov, rivningslov, marklov eller anmälan med "
            "ärendetyp, fastighet, datum och handläggningstid. Uppgifterna hämtas ur "
            "ärendesystemet varje vecka. Sökandens namn publiceras inte och beslut som inte "
            "vunnit laga kraft kan ändras efter överklagande.",
            "en": "Each row is a case about a building, demolition or site permit or a "
            "notification, with case type, property, dates and processing time. The data is "
            "extracted weekly from the case system. Applicants' names are not published and "
            "decisions not yet final may change on appeal.",
        },
        "keywords": {
            "sv": ["bygglov", "ärende", "handläggningstid", "fastighet"],
            "en": ["building permit", "case", "processing time", "property"],
        },
        "themes": ["REGI", "GOVE"],
        "frequency": "WEEKLY",
        "issued": "2024-01-15",
        "modified": "2026-02-23",
        "temporal": "2025-01-01",
        "files": [("bygglov.csv", "CSV", t.PERMITS), ("bygglov.json", "JSON", t.PERMITS)],
    },
    {
        "name": "lekplatser",
        "organisation": "stadsbyggnad",
        "title": {"sv": "Lekplatser", "en": "Playgrounds"},
        "description": {
            "sv": "Varje rad är en kommunal lekplats med typ, utrustning, tillgänglighet och "
            "datum för senaste säkerhetsbesiktning. Uppgifterna förs av parkenheten. "
            "Lekplatser på skolgårdar och hos bostadsbolag ingår inte.",
            "en": "Each row is a municipal playground with type, equipment, accessibility and "
            "date of the latest safety inspection. The register is kept by the parks unit. "
            "Playgrounds in schoolyards and at housing companies are not included.",
        },
        "keywords": {
            "sv": ["lekplats", "park", "barn", "tillgänglighet"],
            "en": ["playground", "park", "child", "accessibility"],
        },
        "themes": ["SOCI", "EDUC"],
        "frequency": "IRREG",
        "issued": "2023-06-12",
        "modified": "2025-10-01",
        "files": [
            ("lekplatser.csv", "CSV", t.PLAYGROUNDS),
            ("lekplatser.geojson", "GEOJSON", t.PLAYGROUNDS),
        ],
    },
    {
        "name": "parktrad",
        "organisation": "stadsbyggnad",
        "title": {"sv": "Parkträd", "en": "Park trees"},
        "description": {
            "sv": "Varje rad är ett träd i kommunens parker och gatumiljöer med art, "
            "stamomkrets, höjd, vitalitet och läge. Träden inventeras av arborister i en "
            "rullande femårscykel. Planteringsår saknas för många äldre träd.",
            "en": "Each row is a tree in the municipality's parks and streets with species, "
            "trunk circumference, height, vitality and location. Trees are surveyed by "
            "arborists in a rolling five-year cycle. The planting year is missing for many "
            "older trees.",
        },
        "keywords": {
            "sv": ["träd", "park", "grönstruktur", "trädinventering"],
            "en": ["tree", "park", "green infrastructure", "tree inventory"],
        },
        "themes": ["ENVI"],
        "frequency": "ANNUAL",
        "issued": "2023-09-05",
        "modified": "2025-11-14",
        "files": [
            ("parktrad.csv", "CSV", t.TREES),
            ("parktrad.geojson", "GEOJSON", t.TREES),
        ],
    },
    {
        "name": "offentliga-toaletter",
        "organisation": "stadsbyggnad",
        "title": {"sv": "Offentliga toaletter", "en": "Public toilets"},
        "description": {
            "sv": "Varje rad är en offentlig toalett som kommunen driver, med adress, "
            "öppettider, avgift och tillgänglighet. Uppgifterna uppdateras när avtal med "
            "städentreprenören ändras. Tillfälliga stängningar för reparation syns inte.",
            "en": "Each row is a public toilet run by the municipality, with address, opening "
            "hours, fee and accessibility. The data is updated when the cleaning contract "
            "changes. Temporary closures for repairs are not shown.",
        },
        "keywords": {
            "sv": ["toalett", "tillgänglighet", "skötbord", "service"],
            "en": ["toilet", "accessibility", "changing table", "service"],
        },
        "themes": ["HEAL", "SOCI"],
        "frequency": "IRREG",
        "issued": "2023-05-02",
        "modified": "2025-06-30",
        "files": [
            ("offentliga-toaletter.csv", "CSV", t.TOILETS),
            ("offentliga-toaletter.geojson", "GEOJSON", t.TOILETS),
            ("offentliga-toaletter.json", "JSON", t.TOILETS),
        ],
    },
    {
        "name": "energianvandning-kommunala-byggnader",
        "organisation": "stadsbyggnad",
        "title": {
            "sv": "Energianvändning i kommunala byggnader",
            "en": "Energy use in municipal buildings",
        },
        "description": {
            "sv": "Varje rad är en kommunägd byggnads årliga användning av fjärrvärme och el, "
            "tempererad area (Atemp) och energi per kvadratmeter. Värdena läses av från "
            "mätare och är inte normalårskorrigerade. Verksamhetsel i hyrda lokaler ingår inte.",
            "en": "Each row is a municipal building's yearly use of district heating and "
            "electricity, heated floor area (Atemp) and energy per square metre. Values are "
            "meter readings and not corrected for a normal year. Tenant electricity in leased "
            "premises is not included.",
        },
        "keywords": {
            "sv": ["energi", "fjärrvärme", "el", "byggnad", "energieffektivisering"],
            "en": ["energy", "district heating", "electricity", "building", "energy efficiency"],
        },
        "themes": ["ENER", "ENVI"],
        "frequency": "ANNUAL",
        "issued": "2024-03-01",
        "modified": "2026-02-27",
        "temporal": "2024-01-01",
        "files": [
            ("energianvandning-kommunala-byggnader.csv", "CSV", t.ENERGY),
            ("energianvandning-kommunala-byggnader.json", "JSON", t.ENERGY),
        ],
    },
]
