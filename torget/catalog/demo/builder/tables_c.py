"""Tables of the environment department: bathing water, air, weather, food and recycling."""

from __future__ import annotations

import datetime as dt
import math
import random

from torget.catalog.demo.builder.common import (
    KOMMUNKOD,
    STREETS,
    Row,
    days,
    maybe,
    pick,
    point,
    postcode,
    street_address,
    table,
)
from torget.catalog.demo.builder.tables_a import luhn_org_number

__all__ = ["BATHING_SITES", "BATHING_WATER", "AIR", "WEATHER", "FOOD", "RECYCLING"]

# (name, watertype, lon, lat): the coast to the west, lakes inland.
_BEACHES = [
    ("Ekuddens badplats", "sea", 11.842, 57.642), ("Brovikens strand", "sea", 11.851, 57.716),
    ("Hamnbadet", "sea", 11.905, 57.697), ("Sandvikens badplats", "sea", 11.838, 57.668),
    ("Klippans bad", "sea", 11.846, 57.735), ("Lotsholmen", "sea", 11.829, 57.690),
    ("Söderviksbadet", "sea", 11.921, 57.646), ("Tångudden", "sea", 11.834, 57.757),
    ("Långsjöns badplats", "lake", 12.052, 57.742), ("Kvarnsjöbadet", "lake", 12.021, 57.681),
    ("Tallåsens strandbad", "lake", 12.066, 57.660), ("Mörtsjön", "lake", 12.041, 57.772),
    ("Ängsjöns badplats", "lake", 11.992, 57.756), ("Skogstjärnen", "lake", 12.074, 57.701),
    ("Norra Lillsjön", "lake", 12.008, 57.774), ("Vassviken", "lake", 12.035, 57.712),
    ("Fyrudden", "sea", 11.826, 57.706), ("Stenhällen", "sea", 11.858, 57.625),
    ("Hundbadet Brovik", "sea", 11.862, 57.726), ("Gäddsjön", "lake", 12.079, 57.724),
]  # fmt: skip
_BEACH_COLUMNS = (
    "place_id name latitude longitude nutskod wikidata updated description street housenumber "
    "postcode city country facilities toilet shower drinking_water changing_room lifeguard "
    "lifebuoy trash firstaid fireplace bathing_jetty bathing_ladder diving_tower td_url "
    "accessibility wheelchair watertype beach_sand beach_stone beach_rock beach_concrete "
    "beach_grass pet_bath camping temp_url extra_url visit_url phone email"
)
_FLAGS = [
    "toilet",
    "shower",
    "drinking_water",
    "changing_room",
    "lifeguard",
    "lifebuoy",
    "trash",
    "firstaid",
    "fireplace",
    "bathing_jetty",
    "bathing_ladder",
    "diving_tower",
    "wheelchair",
    "beach_sand",
    "beach_stone",
    "beach_rock",
    "beach_concrete",
    "beach_grass",
    "pet_bath",
    "camping",
]


def _nuts(i: int) -> str:
    return f"SE0A2{KOMMUNKOD}0000{i + 1:05d}"


def _slug(name: str) -> str:
    return name.lower().replace(" ", "-").translate(str.maketrans("åäö", "aao"))


def _bathing_sites(rng: random.Random) -> list[Row]:
    rows = []
    for i, (name, water, lon, lat) in enumerate(_BEACHES):
        street, number = street_address(rng)
        sea = water == "sea"
        row: Row = {flag: rng.random() < 0.45 for flag in _FLAGS}
        row.update({
            "place_id": f"{KOMMUNKOD}-{_slug(name)}", "name": name, "latitude": lat,
            "longitude": lon, "nutskod": _nuts(i), "wikidata": None,
            "updated": (dt.date(2025, 4, 1) + dt.timedelta(days=rng.randint(0, 60))).isoformat(),
            "description": pick(rng, {
                "Barnvänlig sandstrand med grunt vatten, gräsytor och kiosk under sommaren.": 2,
                "Klippbad med badstege och brygga, djupt vatten direkt.": 1,
                "Liten naturbadplats i skogen, stig från parkeringen.": 1,
            }),
            "street": maybe(rng, street, 0.5), "housenumber": None, "postcode": postcode(rng),
            "city": "Sjöstad", "country": "SE", "facilities": maybe(rng, "Anslagstavla, "
            "parkering, cykelställ"), "td_url": None,
            "accessibility": maybe(rng, "Hårdgjord gångväg från parkeringen till stranden.", 0.4),
            "watertype": water, "beach_rock": sea and rng.random() < 0.7,
            "temp_url": f"https://www.sjostad.example/badtemperatur#{_slug(name)}",
            "extra_url": None, "visit_url": f"https://www.sjostad.example/bad/{_slug(name)}",
            "phone": "031-123 47 20", "email": "miljodata@sjostad.example",
        })  # fmt: skip
        rows.append(row)
    return rows


def _bathing_water(rng: random.Random) -> list[Row]:
    rows = []
    for i, (name, water, _, _) in enumerate(_BEACHES[:15]):
        for date in days(dt.date(2025, 6, 2) + dt.timedelta(days=i % 3), 7, 14):
            e_coli = round(math.exp(rng.gauss(3.0, 1.3)))
            entero = round(math.exp(rng.gauss(2.4, 1.3)))
            bad = e_coli > 1000 or entero > 400
            warn = not bad and (e_coli > 300 or entero > 100)
            rows.append({
                "badplats": name, "nutskod": _nuts(i), "provdatum": date,
                "e_coli_cfu_100ml": e_coli, "enterokocker_cfu_100ml": entero,
                "vattentemperatur_c": round(rng.uniform(15, 23.5) - 1.5 * (water == "sea"), 1),
                "bedomning": "Otjänligt" if bad else
                "Tjänligt med anmärkning" if warn else "Tjänligt",
                "anmarkning": maybe(rng, "Algblomning observerad", 0.05)
                if water == "lake" else None,
            })  # fmt: skip
    return rows


_STATIONS = [("Sjöstad Storgatan", "Gaturum"), ("Sjöstad Tallåsen", "Urban bakgrund")]


def _air(rng: random.Random) -> list[Row]:
    rows = []
    for station, kind in _STATIONS:
        street = kind == "Gaturum"
        for date in days(dt.date(2025, 11, 1), 60):
            winter = dt.date.fromisoformat(date).month in (12, 1)
            no2 = rng.uniform(8, 38) * (1.6 if street else 1) * (1.2 if winter else 1)
            pm10 = rng.uniform(6, 30) * (1.4 if street else 1) * (1.5 if winter else 1)
            rows.append({
                "station": station, "stationstyp": kind, "datum": date,
                "no2_ugm3": maybe(rng, round(no2, 1), 0.95),
                "pm10_ugm3": maybe(rng, round(pm10, 1), 0.93),
                "pm25_ugm3": maybe(rng, round(pm10 * rng.uniform(0.35, 0.6), 1), 0.93),
                "o3_ugm3": None if street else round(rng.uniform(20, 65), 1),
                "validerad": date < "2025-12-01",
            })  # fmt: skip
    return rows


def _weather(rng: random.Random) -> list[Row]:
    rows = []
    for station in ("Sjöstad Hamnen", "Sjöstad Lövgärdet"):
        for i, date in enumerate(days(dt.date(2025, 9, 1), 60)):
            mean = 14.5 - i * 0.14 + rng.gauss(0, 2.2) - (0.6 if station.endswith("t") else 0)
            rain = round(max(0.0, rng.gauss(2.0, 4.5)), 1) if rng.random() < 0.55 else 0.0
            wind = round(max(0.5, rng.gauss(5.5, 2.5)) * (1.2 if "Hamn" in station else 1), 1)
            rows.append({
                "station": station, "datum": date, "medeltemperatur_c": round(mean, 1),
                "lagsta_temperatur_c": round(mean - rng.uniform(2, 6), 1),
                "hogsta_temperatur_c": round(mean + rng.uniform(2, 6), 1),
                "nederbord_mm": rain, "medelvind_ms": wind,
                "byvind_ms": round(wind * rng.uniform(1.4, 2.1), 1),
                "lufttryck_hpa": round(rng.gauss(1012, 9), 1),
                "relativ_fuktighet_procent": rng.randint(62, 98),
            })  # fmt: skip
    return rows


_FOOD_PLACES = [
    ("Hamnkrogen", "Restaurang"), ("Pizzeria Napoli", "Pizzeria"), ("Kafé Kvarnen", "Café"),
    ("Sjöstads Thai", "Restaurang"), ("Lotsens Fisk", "Fiskhandel"),
    ("ICA Nära Ängen", "Livsmedelsbutik"), ("Coop Lövgärdet", "Livsmedelsbutik"),
    ("Sushi Ekudden", "Restaurang"), ("Bageriet Bryggan", "Bageri"), ("Kebabhuset", "Restaurang"),
    ("Smaka Ängsgården", "Foodtruck"), ("Tallåsens skolkök", "Skolkök"), ("Glassbaren", "Kiosk"),
    ("Bistro Varvet", "Restaurang"), ("Grillen vid Hamnen", "Gatukök"),
    ("Kvarnbackens äldreboende", "Vårdkök"), ("Brovikens förskola", "Mottagningskök"),
    ("Pizzeria Fyren", "Pizzeria"), ("Café Tallen", "Café"), ("Hemköp Centrum", "Livsmedelsbutik"),
]  # fmt: skip
_AREAS = ["Rengöring", "Temperaturkontroll", "Allergeninformation", "Spårbarhet", "Märkning",
          "Skadedjur", "Personalhygien"]  # fmt: skip


def _food(rng: random.Random) -> list[Row]:
    places = []
    for name, kind in _FOOD_PLACES:
        municipal = kind in {"Skolkök", "Vårdkök", "Mottagningskök"}
        org = "212000-0142" if municipal else luhn_org_number(rng)
        places.append((name, org, kind, " ".join(street_address(rng)), point(rng)))
    rows = []
    for i in range(90):
        name, org, kind, address, (lon, lat) = rng.choice(places)
        deviation = rng.random() < 0.3
        rows.append({
            "kontroll_id": f"MN-{2025}-{4100 + i}", "anlaggning": name, "organisationsnummer": org,
            "verksamhetstyp": kind, "adress": address, "postort": "Sjöstad",
            "kontrolldatum": (dt.date(2025, 1, 7) + dt.timedelta(days=i * 3 + rng.randint(0, 2))
                              ).isoformat(),
            "kontrollorsak": pick(rng, {"Planerad": 7, "Uppföljande": 2, "Händelsestyrd": 1}),
            "anmald": rng.random() < 0.2,
            "resultat": "Avvikelse" if deviation else "Utan avvikelse",
            "avvikelseomraden": ", ".join(rng.sample(_AREAS, rng.randint(1, 3)))
            if deviation else None, "longitud": lon, "latitud": lat,
        })  # fmt: skip
    return rows


def _recycling(rng: random.Random) -> list[Row]:
    rows = []
    for i in range(30):
        street = rng.choice(STREETS)
        lon, lat = point(rng)
        rows.append({
            "id": f"ÅVS-{i + 1:02d}", "namn": f"Återvinningsstation {street}",
            "fraktioner": "Pappersförpackningar, Plastförpackningar, Metallförpackningar, "
            + pick(rng, {"Färgat och ofärgat glas": 3, "Glasförpackningar": 1}),
            "textilinsamling": rng.random() < 0.3,
            "tomningsdagar": pick(rng, {"Måndag, Torsdag": 3, "Tisdag, Fredag": 2, "Onsdag": 1}),
            "longitud": lon, "latitud": lat,
        })  # fmt: skip
    return rows


BATHING_SITES = table(_BEACH_COLUMNS, _bathing_sites, lon="longitude", lat="latitude")
BATHING_WATER = table("badplats nutskod provdatum e_coli_cfu_100ml enterokocker_cfu_100ml "
                      "vattentemperatur_c bedomning anmarkning", _bathing_water)  # fmt: skip
AIR = table("station stationstyp datum no2_ugm3 pm10_ugm3 pm25_ugm3 o3_ugm3 validerad", _air,
            swedish=True)  # fmt: skip
WEATHER = table("station datum medeltemperatur_c lagsta_temperatur_c hogsta_temperatur_c "
                "nederbord_mm medelvind_ms byvind_ms lufttryck_hpa relativ_fuktighet_procent",
                _weather)  # fmt: skip
FOOD = table("kontroll_id anlaggning organisationsnummer verksamhetstyp adress postort "
             "kontrolldatum kontrollorsak anmald resultat avvikelseomraden longitud latitud",
             _food, lon="longitud", lat="latitud")  # fmt: skip
RECYCLING = table("id namn fraktioner textilinsamling tomningsdagar longitud latitud", _recycling,
                  lon="longitud", lat="latitud")  # fmt: skip
