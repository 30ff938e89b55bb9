"""Dataset specs of the education department and the municipal companies."""

from __future__ import annotations

from typing import Any

from torget.catalog.demo.builder import tables_d as t

__all__ = ["DATASETS"]

DATASETS: list[dict[str, Any]] = [
    {
        "name": "skolmatsedel",
        "organisation": "utbildning",
        "title": {"sv": "Skolmatsedel", "en": "School lunch menu"},
        "description": {
            "sv": "Varje rad är en rätt på grundskolornas lunchmatsedel en viss dag, med "
            "kategori, allergener och beräknad klimatpåverkan per portion. Matsedeln planeras "
            "centralt fyra veckor framåt av kostenheten. Enskilda skolkök kan byta rätt vid "
            "leveransproblem utan att filen uppdateras.",
            "en": "Each row is a dish on the compulsory schools' lunch menu on a given day, "
            "with category, allergens and estimated climate impact per portion. The menu is "
            "planned centrally four weeks ahead by the catering unit. Individual school "
            "kitchens may swap dishes on delivery problems without the file being updated.",
        },
        "keywords": {
            "sv": ["skolmat", "matsedel", "lunch", "allergen", "skola"],
            "en": ["school meal", "menu", "lunch", "allergen", "school"],
        },
        "themes": ["EDUC", "HEAL"],
        "frequency": "WEEKLY",
        "issued": "2023-08-14",
        "modified": "2026-01-09",
        "conforms_to": [
            {
                "url": "https://www.dataportal.se/specifications/open-meal/3.4",
                "title": {"sv": "Open Meal 3.4", "en": "Open Meal 3.4"},
            }
        ],
        "files": [("skolmatsedel.json", "JSON", t.MENU), ("skolmatsedel.csv", "CSV", t.MENU)],
    },
    {
        "name": "forskolor",
        "organisation": "utbildning",
        "title": {"sv": "Förskolor", "en": "Preschools"},
        "description": {
            "sv": "Varje rad är en kommunal eller enskild förskola med adress, antal "
            "avdelningar, inskrivna barn, öppettider och läge. Antalet barn avser mätdagen den "
            "15 oktober. Uppgifter om enskilda förskolor lämnas av huvudmännen och kontrolleras "
            "inte av kommunen.",
            "en": "Each row is a municipal or independent preschool with address, number of "
            "units, enrolled children, opening hours and location. The number of children "
            "refers to the count date of 15 October. Data on independent preschools is "
            "provided by their organisers and not checked by the municipality.",
        },
        "keywords": {
            "sv": ["förskola", "barnomsorg", "barn", "utbildning"],
            "en": ["preschool", "childcare", "child", "education"],
        },
        "themes": ["EDUC"],
        "frequency": "ANNUAL",
        "issued": "2023-03-10",
        "modified": "2025-11-20",
        "files": [
            ("forskolor.csv", "CSV", t.PRESCHOOLS),
            ("forskolor.geojson", "GEOJSON", t.PRESCHOOLS),
            ("forskolor.json", "JSON", t.PRESCHOOLS),
        ],
    },
    {
        "name": "grundskolor",
        "organisation": "utbildning",
        "title": {"sv": "Grundskolor", "en": "Compulsory schools"},
        "description": {
            "sv": "Varje rad är en skolenhet med skolenhetskod från Skolverkets register, "
            "huvudman, årskurser, antal elever och läge. Elevantalet avser mätdagen den 15 "
            "oktober. En skola med flera byggnader redovisas med huvudbyggnadens läge.",
            "en": "Each row is a school unit with its code from the National Agency for "
            "Education's register, organiser, grades, number of pupils and location. Pupil "
            "numbers refer to the count date of 15 October. A school with several buildings "
            "is shown at its main building.",
        },
        "keywords": {
            "sv": ["grundskola", "skola", "elev", "skolenhet"],
            "en": ["compulsory school", "school", "pupil", "school unit"],
        },
        "themes": ["EDUC"],
        "frequency": "ANNUAL",
        "issued": "2023-03-10",
        "modified": "2025-11-20",
        "files": [
            ("grundskolor.csv", "CSV", t.SCHOOLS),
            ("grundskolor.geojson", "GEOJSON", t.SCHOOLS),
        ],
    },
    {
        "name": "fjarrvarmeleveranser",
        "organisation": "sjostad-energi",
        "title": {"sv": "Fjärrvärmeleveranser", "en": "District heating deliveries"},
        "description": {
            "sv": "Varje rad är levererad fjärrvärme i MWh och antal kunder för en kundkategori "
            "under en månad, med månadens graddagar. Leveranserna summeras från kundernas "
            "timmätare. Månader med mätfel har kompletterats med schablonvärden, vilket kan "
            "ge avvikelser mot fakturerad energi.",
            "en": "Each row is district heat delivered in MWh and the number of customers for "
            "a customer category during a month, with the month's degree days. Deliveries are "
            "summed from customers' hourly meters. Months with meter faults are completed "
            "with estimates, which may differ from invoiced energy.",
        },
        "keywords": {
            "sv": ["fjärrvärme", "energi", "värme", "graddag"],
            "en": ["district heating", "energy", "heat", "degree day"],
        },
        "themes": ["ENER"],
        "frequency": "MONTHLY",
        "issued": "2024-02-12",
        "modified": "2026-01-15",
        "temporal": "2024-01-01",
        "files": [
            ("fjarrvarmeleveranser.csv", "CSV", t.HEATING),
            ("fjarrvarmeleveranser.json", "JSON", t.HEATING),
        ],
    },
    {
        "name": "elnatsavbrott",
        "organisation": "sjostad-energi",
        "title": {"sv": "Elnätsavbrott", "en": "Power outages"},
        "description": {
            "sv": "Varje rad är ett avbrott i lokalnätet med start, slut, orsak, berörda kunder "
            "och nätstation. Uppgifterna kommer från driftcentralens avbrottsregister och "
            "rapporteras även till Energimarknadsinspektionen. Avbrott kortare än tre minuter "
            "ingår inte.",
            "en": "Each row is an outage in the local grid with start, end, cause, affected "
            "customers and substation. The data comes from the control centre's outage "
            "register and is also reported to the Energy Markets Inspectorate. Outages shorter "
            "than three minutes are not included.",
        },
        "keywords": {
            "sv": ["elavbrott", "elnät", "leveranssäkerhet", "el"],
            "en": ["power outage", "electricity grid", "security of supply", "electricity"],
        },
        "themes": ["ENER"],
        "frequency": "MONTHLY",
        "issued": "2024-05-06",
        "modified": "2026-01-07",
        "temporal": "2025-01-01",
        "files": [
            ("elnatsavbrott.csv", "CSV", t.OUTAGES),
            ("elnatsavbrott.json", "JSON", t.OUTAGES),
        ],
    },
    {
        "name": "lagenhetsbestand",
        "organisation": "sjostadshem",
        "title": {"sv": "Lägenhetsbestånd", "en": "Housing stock"},
        "description": {
            "sv": "Varje rad är ett bostadshus med antal lägenheter per storlek, byggår, "
            "medelhyra per kvadratmeter och år och om huset har hiss. Uppgifterna kommer ur "
            "bolagets fastighetssystem den 1 januari. Lokaler och bilplatser i husen ingår inte.",
            "en": "Each row is a residential building with the number of apartments by size, "
            "year of construction, average rent per square metre and year and whether it has "
            "a lift. The data comes from the company's property system on 1 January. Premises "
            "and parking spaces in the buildings are not included.",
        },
        "keywords": {
            "sv": ["bostad", "hyresrätt", "lägenhet", "hyra"],
            "en": ["housing", "rental apartment", "apartment", "rent"],
        },
        "themes": ["SOCI", "REGI"],
        "frequency": "ANNUAL",
        "issued": "2024-01-22",
        "modified": "2026-01-20",
        "files": [
            ("lagenhetsbestand.csv", "CSV", t.APARTMENTS),
            ("lagenhetsbestand.json", "JSON", t.APARTMENTS),
            ("lagenhetsbestand.geojson", "GEOJSON", t.APARTMENTS),
        ],
    },
    {
        "name": "lediga-lagenheter",
        "organisation": "sjostadshem",
        "title": {"sv": "Lediga lägenheter", "en": "Vacant apartments"},
        "description": {
            "sv": "Varje rad är en lägenhet som just nu annonseras för uthyrning, med storlek, "
            "hyra, tillträde och sista anmälningsdag. Filen skapas varje natt från "
            "bostadskön. Lägenheter som förmedlas direkt till interna byten syns inte.",
            "en": "Each row is an apartment currently advertised for rent, with size, rent, "
            "move-in date and last day to apply. The file is created every night from the "
            "housing queue. Apartments offered directly for internal exchanges are not shown.",
        },
        "keywords": {
            "sv": ["lägenhet", "bostadskö", "uthyrning", "hyresrätt"],
            "en": ["apartment", "housing queue", "letting", "rental apartment"],
        },
        "themes": ["SOCI"],
        "frequency": "DAILY",
        "issued": "2024-09-02",
        "modified": "2026-02-26",
        "files": [
            ("lediga-lagenheter.csv", "CSV", t.VACANCIES),
            ("lediga-lagenheter.json", "JSON", t.VACANCIES),
        ],
    },
]
