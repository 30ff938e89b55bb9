"""Dataset specs of the municipality itself (organisation `sjostad`)."""

from __future__ import annotations

from typing import Any

from torget.catalog.demo.builder import tables_a as t

__all__ = ["DATASETS"]

STATISTICS = "c_e1da4e07"

DATASETS: list[dict[str, Any]] = [
    {
        "name": "leverantorsreskontra",
        "organisation": "sjostad",
        "title": {"sv": "Leverantörsreskontra", "en": "Accounts payable"},
        "description": {
            "sv": "Varje rad är en kontering av en leverantörsfaktura som kommunen har betalat, "
            "med leverantör, konto, belopp exklusive moms och ansvarig nämnd. Uppgifterna tas "
            "ut månadsvis ur ekonomisystemet. Fakturor från privatpersoner och enskilda firmor "
            "redovisas som [personuppgift] utan organisationsnummer.",
            "en": "Each row is one booking of a supplier invoice paid by the municipality, with "
            "supplier, account, amount excluding VAT and responsible committee. The data is "
            "extracted monthly from the finance system. Invoices from private persons and "
            "sole traders are shown as [personuppgift] without an organisation number.",
        },
        "keywords": {
            "sv": ["leverantörsreskontra", "faktura", "inköp", "ekonomi"],
            "en": ["accounts payable", "invoice", "purchase", "finance"],
        },
        "themes": ["ECON", "GOVE"],
        "frequency": "MONTHLY",
        "issued": "2023-03-01",
        "modified": "2026-01-12",
        "temporal": "2025-01-01",
        "conforms_to": [
            {
                "url": "https://www.dataportal.se/specifications/leverantorsreskontra/1.1",
                "title": {"sv": "Leverantörsreskontra 1.1", "en": "Accounts payable 1.1"},
            }
        ],
        "files": [
            ("leverantorsreskontra.csv", "CSV", t.PAYABLES),
            ("leverantorsreskontra.json", "JSON", t.PAYABLES),
        ],
    },
    {
        "name": "budget",
        "organisation": "sjostad",
        "title": {"sv": "Budget och utfall per verksamhet", "en": "Budget and outcome by activity"},
        "description": {
            "sv": "Varje rad är en verksamhets kostnader, intäkter och nettokostnad i tusental "
            "kronor för ett år, som utfall eller budget. Siffrorna kommer från årsredovisningen "
            "och den av fullmäktige beslutade budgeten. Interna poster mellan förvaltningar är "
            "inte eliminerade, så summan överstiger kommunens externa kostnader.",
            "en": "Each row gives an activity's costs, income and net cost in thousands of SEK "
            "for one year, as outcome or budget. The figures come from the annual report and "
            "the budget adopted by the council. Internal items between departments are not "
            "eliminated, so the total exceeds the municipality's external costs.",
        },
        "keywords": {
            "sv": ["budget", "utfall", "kostnad", "ekonomi"],
            "en": ["budget", "outcome", "cost", "finance"],
        },
        "themes": ["ECON", "GOVE"],
        "frequency": "ANNUAL",
        "issued": "2023-02-15",
        "modified": "2025-12-10",
        "temporal": "2023-01-01",
        "files": [("budget.csv", "CSV", t.BUDGET), ("budget.json", "JSON", t.BUDGET)],
    },
    {
        "name": "befolkning-per-distrikt",
        "organisation": "sjostad",
        "title": {"sv": "Befolkning per distrikt", "en": "Population by district"},
        "description": {
            "sv": "Varje rad är antalet folkbokförda invånare i ett distrikt och en åldersgrupp "
            "den 31 december. Uppgifterna bygger på SCB:s registerbaserade befolkningsstatistik. "
            "Personer utan känd adress inom kommunen ingår inte i något distrikt.",
            "en": "Each row is the number of registered residents in a district and age group "
            "on 31 December. The data is based on Statistics Sweden's register-based population "
            "statistics. People without a known address in the municipality are in no district.",
        },
        "keywords": {
            "sv": ["befolkning", "invånare", "distrikt", "ålder", "statistik"],
            "en": ["population", "inhabitant", "district", "age", "statistics"],
        },
        "themes": ["SOCI", "REGI"],
        "frequency": "ANNUAL",
        "issued": "2024-03-20",
        "modified": "2026-02-20",
        "temporal": "2024-01-01",
        "hvd_categories": [STATISTICS],
        "files": [
            ("befolkning-per-distrikt.csv", "CSV", t.POPULATION),
            ("befolkning-per-distrikt.json", "JSON", t.POPULATION),
        ],
    },
    {
        "name": "flyttningar",
        "organisation": "sjostad",
        "title": {
            "sv": "Flyttningar till och från kommunen",
            "en": "Migration to and from the municipality",
        },
        "description": {
            "sv": "Varje rad är antalet personer som under ett år flyttade till respektive från "
            "en annan kommun, med kommunkod som text med inledande nolla. Källan är SCB:s "
            "flyttningsstatistik. Flyttningar till och från utlandet ingår inte.",
            "en": "Each row is the number of people who moved to and from another municipality "
            "during a year, with the municipality code as text with a leading zero. The source "
            "is Statistics Sweden's migration statistics. Moves abroad are not included.",
        },
        "keywords": {
            "sv": ["flyttning", "inflyttning", "utflyttning", "befolkning", "statistik"],
            "en": ["migration", "in-migration", "out-migration", "population", "statistics"],
        },
        "themes": ["SOCI", "REGI"],
        "frequency": "ANNUAL",
        "issued": "2024-04-02",
        "modified": "2025-04-01",
        "temporal": "2023-01-01",
        "hvd_categories": [STATISTICS],
        "files": [
            ("flyttningar.csv", "CSV", t.MIGRATION),
            ("flyttningar.json", "JSON", t.MIGRATION),
        ],
    },
    {
        "name": "valresultat",
        "organisation": "sjostad",
        "title": {
            "sv": "Valresultat kommunfullmäktige",
            "en": "Municipal council election results",
        },
        "description": {
            "sv": "Varje rad är ett partis röster och andel av giltiga röster i ett valdistrikt "
            "vid valet till kommunfullmäktige. Siffrorna kommer från Valmyndighetens slutliga "
            "rösträkning. Förtidsröster som inte kunnat knytas till ett valdistrikt ingår inte.",
            "en": "Each row is a party's votes and share of valid votes in an electoral district "
            "in the municipal council election. The figures come from the Election Authority's "
            "final count. Early votes that could not be tied to a district are not included.",
        },
        "keywords": {
            "sv": ["val", "valresultat", "parti", "kommunfullmäktige"],
            "en": ["election", "election result", "party", "municipal council"],
        },
        "themes": ["GOVE"],
        "frequency": "IRREG",
        "issued": "2023-01-16",
        "modified": "2023-01-16",
        "files": [
            ("valresultat.csv", "CSV", t.ELECTION),
            ("valresultat.json", "JSON", t.ELECTION),
        ],
    },
    {
        "name": "offentlig-konst",
        "organisation": "sjostad",
        "title": {"sv": "Offentlig konst", "en": "Public art"},
        "description": {
            "sv": "Varje rad är ett konstverk i kommunens samling som står utomhus eller i "
            "offentlig miljö, med konstnär, år, material och läge. Uppgifterna förs av "
            "kulturförvaltningens konstintendent. Lägen för äldre verk är ungefärliga.",
            "en": "Each row is an artwork in the municipal collection placed outdoors or in a "
            "public space, with artist, year, material and location. The register is kept by "
            "the art curator. Locations of older works are approximate.",
        },
        "keywords": {
            "sv": ["konst", "skulptur", "kultur", "konstnär"],
            "en": ["art", "sculpture", "culture", "artist"],
        },
        "themes": ["EDUC"],
        "frequency": "IRREG",
        "issued": "2023-06-01",
        "modified": "2025-09-18",
        "files": [
            ("offentlig-konst.csv", "CSV", t.ART),
            ("offentlig-konst.geojson", "GEOJSON", t.ART),
        ],
    },
    {
        "name": "bibliotekslan",
        "organisation": "sjostad",
        "title": {"sv": "Bibliotekslån", "en": "Library loans"},
        "description": {
            "sv": "Varje rad är antalet lån per medietyp och antalet besök på ett bibliotek "
            "under en månad. Lånen räknas i bibliotekssystemet och besöken med räknare vid "
            "entrén. E-böcker lånas centralt och redovisas därför på Stadsbiblioteket.",
            "en": "Each row is the number of loans by media type and the number of visits to a "
            "library during a month. Loans are counted in the library system and visits with "
            "door counters. E-books are lent centrally and therefore reported for the main "
            "library.",
        },
        "keywords": {
            "sv": ["bibliotek", "lån", "bok", "besök"],
            "en": ["library", "loan", "book", "visit"],
        },
        "themes": ["EDUC"],
        "frequency": "MONTHLY",
        "issued": "2023-02-01",
        "modified": "2026-01-08",
        "temporal": "2025-01-01",
        "files": [
            ("bibliotekslan.csv", "CSV", t.LOANS),
            ("bibliotekslan.json", "JSON", t.LOANS),
        ],
    },
]
