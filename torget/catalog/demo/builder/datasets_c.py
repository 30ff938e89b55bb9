"""Dataset specs of the environment department (organisation `miljo`)."""

from __future__ import annotations

from typing import Any

from torget.catalog.demo.builder import tables_c as t

__all__ = ["DATASETS"]

ENVIRONMENT = "c_dd313021"
METEOROLOGICAL = "c_164e0bf5"

DATASETS: list[dict[str, Any]] = [
    {
        "name": "badplatser",
        "organisation": "miljo",
        "title": {"sv": "Badplatser", "en": "Bathing sites"},
        "description": {
            "sv": "Varje rad är en kommunal badplats vid havet eller en sjö, med läge, "
            "HaV:s badvattenid (nutskod), service och tillgänglighet. Uppgifterna följer "
            "specifikationen för badplatser och ses över inför varje badsäsong. Wikidata-"
            "identitet och länk till Tillgänglighetsdatabasen saknas ännu för alla platser.",
            "en": "Each row is a municipal bathing site by the sea or a lake, with location, "
            "the Marine and Water Authority's bathing water id (nutskod), facilities and "
            "accessibility. The data follows the bathing sites specification and is reviewed "
            "before each season. Wikidata ids and accessibility database links are still "
            "missing for all sites.",
        },
        "keywords": {
            "sv": ["badplats", "bad", "strand", "friluftsliv"],
            "en": ["bathing site", "swimming", "beach", "outdoor recreation"],
        },
        "themes": ["ENVI", "HEAL"],
        "frequency": "ANNUAL",
        "issued": "2023-05-15",
        "modified": "2025-05-30",
        "conforms_to": [
            {
                "url": "https://www.dataportal.se/specifications/badplatser/1.0",
                "title": {"sv": "Badplatser 1.0", "en": "Bathing sites 1.0"},
            }
        ],
        "files": [
            ("badplatser.csv", "CSV", t.BATHING_SITES),
            ("badplatser.geojson", "GEOJSON", t.BATHING_SITES),
        ],
    },
    {
        "name": "badvattenkvalitet",
        "organisation": "miljo",
        "title": {"sv": "Badvattenkvalitet", "en": "Bathing water quality"},
        "description": {
            "sv": "Varje rad är ett badvattenprov med halter av E. coli och intestinala "
            "enterokocker, vattentemperatur och bedömning enligt HVMFS 2012:14. Proverna tas "
            "varannan vecka under badsäsongen och analyseras av ett ackrediterat laboratorium. "
            "Resultaten publiceras först när analysen är klar, vanligen två dagar efter provet.",
            "en": "Each row is a bathing water sample with levels of E. coli and intestinal "
            "enterococci, water temperature and assessment under HVMFS 2012:14. Samples are "
            "taken every other week in the bathing season and analysed by an accredited "
            "laboratory. Results are published when the analysis is done, usually two days "
            "after sampling.",
        },
        "keywords": {
            "sv": ["badvatten", "vattenkvalitet", "e. coli", "provtagning"],
            "en": ["bathing water", "water quality", "e. coli", "sampling"],
        },
        "themes": ["ENVI", "HEAL"],
        "frequency": "WEEKLY",
        "issued": "2023-06-20",
        "modified": "2025-08-28",
        "temporal": "2025-06-01",
        "hvd_categories": [ENVIRONMENT],
        "files": [
            ("badvattenkvalitet.csv", "CSV", t.BATHING_WATER),
            ("badvattenkvalitet.json", "JSON", t.BATHING_WATER),
        ],
    },
    {
        "name": "luftkvalitet",
        "organisation": "miljo",
        "title": {"sv": "Luftkvalitet", "en": "Air quality"},
        "description": {
            "sv": "Varje rad är dygnsmedelvärden av kvävedioxid, partiklar (PM10 och PM2,5) "
            "och ozon vid en mätstation. Mätningarna görs kontinuerligt vid en gatustation och "
            "en bakgrundsstation. Senaste månadens värden är inte validerade och kan ändras; "
            "luckor beror på kalibrering eller driftstopp.",
            "en": "Each row is daily mean values of nitrogen dioxide, particulate matter (PM10 "
            "and PM2.5) and ozone at a monitoring station. Measurements run continuously at a "
            "street station and an urban background station. The latest month is not "
            "validated and may change; gaps are due to calibration or downtime.",
        },
        "keywords": {
            "sv": ["luftkvalitet", "kvävedioxid", "partikel", "ozon", "miljöövervakning"],
            "en": [
                "air quality",
                "nitrogen dioxide",
                "particulate matter",
                "ozone",
                "environmental monitoring",
            ],
        },  # fmt: skip
        "themes": ["ENVI", "HEAL"],
        "frequency": "DAILY",
        "issued": "2023-10-02",
        "modified": "2025-12-31",
        "temporal": "2025-11-01",
        "hvd_categories": [ENVIRONMENT],
        "files": [
            ("luftkvalitet.csv", "CSV", t.AIR),
            ("luftkvalitet.json", "JSON", t.AIR),
        ],
    },
    {
        "name": "vaderobservationer",
        "organisation": "miljo",
        "title": {"sv": "Väderobservationer", "en": "Weather observations"},
        "description": {
            "sv": "Varje rad är ett dygns temperatur, nederbörd, vind, lufttryck och "
            "luftfuktighet vid en av kommunens två väderstationer. Stationerna mäter var tionde "
            "minut och värdena sammanställs till dygnsvärden vid midnatt UTC. Stationerna är "
            "inte en del av SMHI:s nät och uppfyller inte WMO:s placeringskrav fullt ut.",
            "en": "Each row is one day's temperature, precipitation, wind, air pressure and "
            "humidity at one of the municipality's two weather stations. The stations measure "
            "every ten minutes and values are aggregated to daily values at midnight UTC. The "
            "stations are not part of SMHI's network and do not fully meet WMO siting rules.",
        },
        "keywords": {
            "sv": ["väder", "temperatur", "nederbörd", "vind", "meteorologi"],
            "en": ["weather", "temperature", "precipitation", "wind", "meteorology"],
        },
        "themes": ["ENVI"],
        "frequency": "DAILY",
        "issued": "2024-02-01",
        "modified": "2025-10-31",
        "temporal": "2025-09-01",
        "hvd_categories": [METEOROLOGICAL],
        "files": [
            ("vaderobservationer.csv", "CSV", t.WEATHER),
            ("vaderobservationer.json", "JSON", t.WEATHER),
        ],
    },
    {
        "name": "livsmedelskontroller",
        "organisation": "miljo",
        "title": {"sv": "Livsmedelskontroller", "en": "Food inspections"},
        "description": {
            "sv": "Varje rad är en offentlig kontroll av en livsmedelsanläggning med datum, "
            "kontrollorsak, resultat och områden där avvikelser konstaterades. Uppgifterna "
            "kommer från miljöförvaltningens verksamhetssystem. Avvikelser som rättats på plats "
            "redovisas ändå, och kontrollrapporten måste begäras ut för detaljer.",
            "en": "Each row is an official inspection of a food business with date, reason, "
            "result and areas where non-compliance was found. The data comes from the "
            "department's case system. Deviations corrected on the spot are still reported, "
            "and the inspection report must be requested for details.",
        },
        "keywords": {
            "sv": ["livsmedelskontroll", "restaurang", "hygien", "tillsyn"],
            "en": ["food inspection", "restaurant", "hygiene", "supervision"],
        },
        "themes": ["HEAL", "AGRI"],
        "frequency": "MONTHLY",
        "issued": "2024-01-10",
        "modified": "2026-01-05",
        "temporal": "2025-01-01",
        "conforms_to": [
            {
                "url": "https://www.dataportal.se/specifications/livsmedelskontroller/2.0",
                "title": {"sv": "Livsmedelskontroller 2.0", "en": "Food inspections 2.0"},
            }
        ],
        "files": [
            ("livsmedelskontroller.csv", "CSV", t.FOOD),
            ("livsmedelskontroller.json", "JSON", t.FOOD),
            ("livsmedelskontroller.geojson", "GEOJSON", t.FOOD),
        ],
    },
    {
        "name": "atervinningsstationer",
        "organisation": "miljo",
        "title": {"sv": "Återvinningsstationer", "en": "Recycling stations"},
        "description": {
            "sv": "Varje rad är en återvinningsstation för förpackningar med de fraktioner som "
            "tas emot, textilinsamling och tömningsdagar. Kommunen ansvarar för insamlingen av "
            "förpackningar sedan 2024 och registret byggs upp efter övertagandet. "
            "Tömningsdagar kan flyttas vid helger.",
            "en": "Each row is a packaging recycling station with the fractions it accepts, "
            "textile collection and emptying days. The municipality has been responsible for "
            "packaging collection since 2024 and the register is being built up after the "
            "transfer. Emptying days may move around holidays.",
        },
        "keywords": {
            "sv": ["återvinning", "förpackning", "avfall", "källsortering"],
            "en": ["recycling", "packaging", "waste", "waste sorting"],
        },
        "themes": ["ENVI"],
        "frequency": "IRREG",
        "issued": "2024-03-18",
        "modified": "2025-11-03",
        "files": [
            ("atervinningsstationer.csv", "CSV", t.RECYCLING),
            ("atervinningsstationer.geojson", "GEOJSON", t.RECYCLING),
        ],
    },
]
