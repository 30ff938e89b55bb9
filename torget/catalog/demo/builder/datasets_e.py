"""Dataset specs of the traffic office (organisation `trafik`)."""

from __future__ import annotations

from typing import Any

from torget.catalog.demo.builder import tables_e as t

__all__ = ["DATASETS"]

MOBILITY = "c_b79e35eb"

DATASETS: list[dict[str, Any]] = [
    {
        "name": "trafikfloden",
        "organisation": "trafik",
        "title": {"sv": "Trafikflöden", "en": "Traffic flows"},
        "description": {
            "sv": "Varje rad är en mätpunkt med vardagsmedeldygnstrafik, andel tung trafik och "
            "85-percentilhastighet under en mätvecka. Mätningarna görs med slangar eller radar "
            "en vecka per år och punkt. Veckor med vägarbeten i närheten kan ge missvisande "
            "värden.",
            "en": "Each row is a count point with average weekday traffic, share of heavy "
            "vehicles and 85th percentile speed during one measuring week. Counts are made with "
            "tubes or radar one week a year per point. Weeks with nearby roadworks may give "
            "misleading values.",
        },
        "keywords": {
            "sv": ["trafik", "trafikmätning", "hastighet", "fordon"],
            "en": ["traffic", "traffic count", "speed", "vehicle"],
        },
        "themes": ["TRAN"],
        "frequency": "ANNUAL",
        "issued": "2023-04-17",
        "modified": "2025-12-15",
        "temporal": "2025-01-01",
        "hvd_categories": [MOBILITY],
        "files": [
            ("trafikfloden.csv", "CSV", t.TRAFFIC),
            ("trafikfloden.geojson", "GEOJSON", t.TRAFFIC),
            ("trafikfloden.json", "JSON", t.TRAFFIC),
        ],
    },
    {
        "name": "parkeringsplatser",
        "organisation": "trafik",
        "title": {"sv": "Parkeringsplatser", "en": "Parking places"},
        "description": {
            "sv": "Varje rad är ett parkeringsområde med typ, antal platser, platser för "
            "rörelsehindrade, avgift och tidsbegränsning. Uppgifterna kommer från de lokala "
            "trafikföreskrifterna och parkeringsbolagets register. Antalet platser på gatumark "
            "är uppskattat från kartan och inte uppmätt.",
            "en": "Each row is a parking area with type, number of spaces, spaces for disabled "
            "drivers, fee and time limit. The data comes from the local traffic regulations and "
            "the parking company's register. The number of on-street spaces is estimated from "
            "the map, not measured.",
        },
        "keywords": {
            "sv": ["parkering", "avgift", "bil", "trafikföreskrift"],
            "en": ["parking", "fee", "car", "traffic regulation"],
        },
        "themes": ["TRAN"],
        "frequency": "MONTHLY",
        "issued": "2023-04-17",
        "modified": "2026-02-02",
        "files": [
            ("parkeringsplatser.csv", "CSV", t.PARKING),
            ("parkeringsplatser.geojson", "GEOJSON", t.PARKING),
        ],
    },
    {
        "name": "laddplatser",
        "organisation": "trafik",
        "title": {"sv": "Laddplatser för elfordon", "en": "Charging points for electric vehicles"},
        "description": {
            "sv": "Varje rad är en publik laddstation med operatör, antal uttag, effekt, "
            "kontakttyp och betalsätt. Kommunen sammanställer uppgifterna från operatörerna "
            "två gånger per år. Aktuell status, ledig eller upptagen, finns bara hos "
            "operatörerna.",
            "en": "Each row is a public charging station with operator, number of outlets, "
            "power, connector type and payment. The municipality compiles the data from the "
            "operators twice a year. Live status, free or occupied, is only available from the "
            "operators.",
        },
        "keywords": {
            "sv": ["laddplats", "elbil", "laddinfrastruktur", "elfordon"],
            "en": ["charging point", "electric car", "charging infrastructure", "electric vehicle"],
        },  # fmt: skip
        "themes": ["TRAN", "ENER"],
        "frequency": "ANNUAL_2",
        "issued": "2024-04-08",
        "modified": "2025-10-06",
        "files": [
            ("laddplatser.csv", "CSV", t.CHARGING),
            ("laddplatser.geojson", "GEOJSON", t.CHARGING),
            ("laddplatser.json", "JSON", t.CHARGING),
        ],
    },
    {
        "name": "cykelrakning",
        "organisation": "trafik",
        "title": {"sv": "Cykelräkning", "en": "Bicycle counts"},
        "description": {
            "sv": "Varje rad är antalet cyklister per dygn och riktning vid en fast "
            "cykelräknare, med uppgift om dygnet hade nederbörd. Räknarna är induktionsslingor "
            "i cykelbanan. Dygn med tekniska fel saknar värden i stället för att skattas.",
            "en": "Each row is the number of cyclists per day and direction at a permanent "
            "bicycle counter, with whether the day had precipitation. The counters are "
            "induction loops in the cycle path. Days with technical faults have no values "
            "instead of estimates.",
        },
        "keywords": {
            "sv": ["cykel", "cykelräkning", "cykelbana", "mobilitet"],
            "en": ["bicycle", "bicycle count", "cycle path", "mobility"],
        },
        "themes": ["TRAN"],
        "frequency": "DAILY",
        "issued": "2023-05-22",
        "modified": "2025-05-11",
        "temporal": "2025-04-01",
        "files": [
            ("cykelrakning.csv", "CSV", t.CYCLING),
            ("cykelrakning.json", "JSON", t.CYCLING),
        ],
    },
    {
        "name": "hallplatser",
        "organisation": "trafik",
        "title": {"sv": "Hållplatser", "en": "Public transport stops"},
        "description": {
            "sv": "Varje rad är ett hållplatsläge för kollektivtrafiken med det regionala "
            "hållplats-id:t, väderskydd, sittplats, tillgänglighetsanpassning och realtidsskylt. "
            "Kommunen äger hållplatsernas utrustning medan tidtabellerna publiceras av den "
            "regionala kollektivtrafikmyndigheten. Lägen vid tillfälliga omledningar ingår inte.",
            "en": "Each row is a public transport stop point with the regional stop id, "
            "shelter, seating, accessibility and real-time display. The municipality owns the "
            "stop equipment while timetables are published by the regional public transport "
            "authority. Temporary stops for diversions are not included.",
        },
        "keywords": {
            "sv": ["hållplats", "kollektivtrafik", "buss", "tillgänglighet"],
            "en": ["stop", "public transport", "bus", "accessibility"],
        },
        "themes": ["TRAN"],
        "frequency": "QUARTERLY",
        "issued": "2023-09-11",
        "modified": "2026-01-19",
        "hvd_categories": [MOBILITY],
        "files": [
            ("hallplatser.csv", "CSV", t.STOPS),
            ("hallplatser.geojson", "GEOJSON", t.STOPS),
            ("hallplatser.json", "JSON", t.STOPS),
        ],
    },
]
