"""Tables of the education department and the two municipal companies."""

from __future__ import annotations

import datetime as dt
import random

from torget.catalog.demo.builder.common import (
    DISTRICTS,
    Row,
    days,
    maybe,
    months,
    pick,
    point,
    postcode,
    street_address,
    table,
)

__all__ = ["MENU", "PRESCHOOLS", "SCHOOLS", "HEATING", "OUTAGES", "APARTMENTS", "VACANCIES"]

_DISHES = [
    ("Köttbullar med potatismos och lingon", "Vegetariska bullar med potatismos", "mjölk, ägg"),
    ("Fiskgratäng med dillpotatis", "Grönsaksgratäng med dillpotatis", "fisk, mjölk"),
    ("Kycklinggryta med ris", "Kikärtsgryta med ris", ""),
    ("Spaghetti och köttfärssås", "Spaghetti och linssås", "gluten"),
    ("Pannkakor med sylt", "Pannkakor med sylt", "gluten, mjölk, ägg"),
    ("Ärtsoppa med pannkakor", "Ärtsoppa med pannkakor", "gluten, mjölk, ägg"),
    ("Fiskpinnar med potatis och remouladsås", "Falafel med potatis och yoghurtsås",
     "fisk, gluten, ägg"),
    ("Korv stroganoff med ris", "Sojastroganoff med ris", "mjölk, soja"),
    ("Chili con carne med ris", "Chili sin carne med ris", ""),
    ("Lax med kokt potatis och skagenröra", "Rödbetsbiffar med kokt potatis", "fisk, ägg"),
]  # fmt: skip


def _menu(rng: random.Random) -> list[Row]:
    rows = []
    names = ["måndag", "tisdag", "onsdag", "torsdag", "fredag"]
    for i, date in enumerate(d for d in days(dt.date(2026, 1, 12), 28) if
                             dt.date.fromisoformat(d).weekday() < 5):  # fmt: skip
        main, veg, allergens = _DISHES[(i * 3 + rng.randint(0, 1)) % len(_DISHES)]
        day = dt.date.fromisoformat(date)
        veg_allergens = ", ".join(a for a in allergens.split(", ") if a != "fisk")
        for kind, dish, contains in (
            ("Dagens rätt", main, allergens),
            ("Vegetariskt alternativ", veg, veg_allergens),
        ):
            rows.append({
                "datum": date, "vecka": day.isocalendar().week, "veckodag": names[day.weekday()],
                "maltid": "Lunch", "kategori": kind, "ratt": dish,
                "allergener": contains or None,
                "klimatpaverkan_kg_co2e": round(rng.uniform(0.25, 0.6) if kind != "Dagens rätt"
                                                else rng.uniform(0.4, 1.6), 2),
            })  # fmt: skip
    return rows


def _school_place(rng: random.Random) -> tuple[str, str, float, float, str]:
    _, district, lon, lat = rng.choice(DISTRICTS)
    x, y = point(rng, (lon, lat))
    return district, " ".join(street_address(rng)), x, y, postcode(rng)


_NAMES = ["Ekbacken", "Solrosen", "Lönnen", "Tallkotten", "Snäckan", "Måsen", "Fyren", "Ängen",
          "Vitsippan", "Ekorren", "Bryggan", "Kvarnen", "Skogsgläntan", "Sjöstjärnan", "Lotsen",
          "Lärkan", "Blåklinten", "Ankdammen", "Igelkotten", "Regnbågen"]  # fmt: skip


def _preschools(rng: random.Random) -> list[Row]:
    rows = []
    for i in range(40):
        district, address, x, y, zip_code = _school_place(rng)
        private = rng.random() < 0.25
        units = rng.randint(1, 8)
        rows.append({
            "id": f"FS{i + 1:03d}", "namn": f"{_NAMES[i % 20]}s förskola"
            + (f" {district}" if i >= 20 else ""),
            "huvudman": "Enskild" if private else "Kommunal", "adress": address,
            "postnummer": zip_code, "distrikt": district, "avdelningar": units,
            "inskrivna_barn": units * rng.randint(14, 20),
            "oppettider": pick(rng, {"06.30-18.00": 3, "06.00-18.30": 1, "07.00-17.00": 1}),
            "profil": maybe(rng, pick(rng, {"Utomhuspedagogik": 2, "Reggio Emilia": 1,
                                            "Montessori": 1}), 0.3),
            "longitud": x, "latitud": y,
        })  # fmt: skip
    return rows


def _schools(rng: random.Random) -> list[Row]:
    rows = []
    for i in range(24):
        district, address, x, y, zip_code = _school_place(rng)
        grades = pick(rng, {"F-6": 5, "F-9": 2, "7-9": 2, "F-3": 1})
        private = rng.random() < 0.2
        rows.append({
            "skolenhetskod": str(rng.randint(10000000, 99999999)),
            "namn": f"{_NAMES[(i * 7) % 20]}skolan",
            "huvudman": "Fristående" if private else "Kommunal", "arskurser": grades,
            "elever": rng.randint(120, 280) * (3 if grades == "F-9" else 2 if "9" in grades else 1),
            "adress": address, "postnummer": zip_code, "distrikt": district,
            "longitud": x, "latitud": y,
        })  # fmt: skip
    return rows


_HEAT_CUSTOMERS = {"Flerbostadshus": (1450, 11.0), "Småhus": (3100, 1.9),
                   "Lokaler": (620, 8.2), "Industri": (35, 60.0)}  # fmt: skip
_DEGREE_DAYS = [560, 500, 460, 330, 190, 70, 30, 40, 130, 280, 400, 520]


def _heating(rng: random.Random) -> list[Row]:
    rows = []
    for month in months("2024-01", 24):
        dd = round(_DEGREE_DAYS[int(month[5:]) - 1] * rng.uniform(0.85, 1.15))
        for kind, (customers, mwh_per_dd) in _HEAT_CUSTOMERS.items():
            base = 0.12 * customers * mwh_per_dd / 10
            rows.append({
                "manad": month, "kundkategori": kind, "antal_kunder": customers
                + (15 if month >= "2025" and kind != "Industri" else 0),
                "levererad_energi_mwh": round(base * 10 + dd * customers * mwh_per_dd / 1000),
                "graddagar": dd,
            })  # fmt: skip
    return rows


_CAUSES = {"Grävskada": 4, "Åska": 2, "Träd på ledning": 3, "Fel i nätstation": 4,
           "Kabelfel": 5, "Planerat underhåll": 6, "Okänd": 1}  # fmt: skip


def _outages(rng: random.Random) -> list[Row]:
    rows = []
    start = dt.datetime(2025, 1, 1, 0, 0)
    for i in range(60):
        start += dt.timedelta(hours=rng.randint(40, 250), minutes=rng.randint(0, 59))
        cause = pick(rng, _CAUSES)
        planned = cause == "Planerat underhåll"
        minutes = rng.randint(20, 240) if planned else rng.randint(4, 600)
        _, district, _, _ = rng.choice(DISTRICTS)
        rows.append({
            "avbrott_id": f"EA-25-{i + 1:03d}", "start": start.isoformat(timespec="minutes"),
            "slut": (start + dt.timedelta(minutes=minutes)).isoformat(timespec="minutes"),
            "varaktighet_min": minutes, "orsak": cause, "planerat": planned,
            "berorda_kunder": rng.randint(3, 60) if planned else rng.randint(1, 2400),
            "natstation": f"NS {rng.randint(1000, 1999)}", "distrikt": district,
        })  # fmt: skip
    return rows


def _apartments(rng: random.Random) -> list[Row]:
    rows = []
    for i in range(80):
        _, district, lon, lat = rng.choice(DISTRICTS)
        built = rng.choice([1952, 1958, 1964, 1967, 1971, 1974, 1988, 1995, 2008, 2016, 2023])
        sizes = [rng.randint(0, 8), rng.randint(4, 20), rng.randint(4, 20), rng.randint(1, 10),
                 rng.randint(0, 4)]  # fmt: skip
        x, y = point(rng, (lon, lat))
        rows.append({
            "fastighet": f"Sjöstad {district.split()[-1]} {i // 4 + 1}:{i % 4 + 1}",
            "adress": " ".join(street_address(rng)), "distrikt": district, "byggar": built,
            "lagenheter": sum(sizes), "rok_1": sizes[0], "rok_2": sizes[1], "rok_3": sizes[2],
            "rok_4": sizes[3], "rok_5_eller_fler": sizes[4],
            "medelhyra_kr_per_m2_ar": round(rng.uniform(1150, 1450) + 12 * max(0, built - 1990)),
            "hiss": built >= 1988 or rng.random() < 0.3, "longitud": x, "latitud": y,
        })  # fmt: skip
    return rows


def _vacancies(rng: random.Random) -> list[Row]:
    rows = []
    for i in range(35):
        rooms = pick(rng, {"1": 3, "2": 5, "3": 4, "4": 2, "5": 1})
        area = round(18 + int(rooms) * rng.uniform(18, 26))
        published = dt.date(2026, 2, 1) + dt.timedelta(days=rng.randint(0, 25))
        _, district, _, _ = rng.choice(DISTRICTS)
        rows.append({
            "objektnummer": f"{rng.randint(100, 999)}-{rng.randint(1000, 9999)}-{i + 1:02d}",
            "adress": " ".join(street_address(rng)), "distrikt": district,
            "rum": f"{rooms} rum och kök" if rooms != "1" else pick(rng, {"1 rum och kök": 2,
                                                                          "1 rum och kokvrå": 1}),
            "yta_m2": area, "hyra_kr_manad": int(round(area * rng.uniform(105, 135), -1)),
            "vaning": rng.randint(0, 7), "typ": pick(rng, {"Vanlig": 8, "Student": 2,
                                                           "Senior 55+": 2, "Korttid": 1}),
            "tilltrade": (published + dt.timedelta(days=rng.randint(20, 75))).isoformat(),
            "publicerad": published.isoformat(),
            "sista_anmalningsdag": (published + dt.timedelta(days=7)).isoformat(),
        })  # fmt: skip
    return rows


MENU = table("datum vecka veckodag maltid kategori ratt allergener klimatpaverkan_kg_co2e", _menu)
PRESCHOOLS = table("id namn huvudman adress postnummer distrikt avdelningar inskrivna_barn "
                   "oppettider profil longitud latitud", _preschools, lon="longitud",
                   lat="latitud")  # fmt: skip
SCHOOLS = table("skolenhetskod namn huvudman arskurser elever adress postnummer distrikt "
                "longitud latitud", _schools, lon="longitud", lat="latitud")  # fmt: skip
HEATING = table("manad kundkategori antal_kunder levererad_energi_mwh graddagar", _heating)
OUTAGES = table("avbrott_id start slut varaktighet_min orsak planerat berorda_kunder natstation "
                "distrikt", _outages)  # fmt: skip
APARTMENTS = table("fastighet adress distrikt byggar lagenheter rok_1 rok_2 rok_3 rok_4 "
                   "rok_5_eller_fler medelhyra_kr_per_m2_ar hiss longitud latitud", _apartments,
                   lon="longitud", lat="latitud", swedish=True)  # fmt: skip
VACANCIES = table("objektnummer adress distrikt rum yta_m2 hyra_kr_manad vaning typ tilltrade "
                  "publicerad sista_anmalningsdag", _vacancies)  # fmt: skip
