"""Tables of the city planning department: plans, addresses, permits, parks and buildings."""

from __future__ import annotations

import datetime as dt
import math
import random
import uuid

from torget.catalog.demo.builder.common import (
    DISTRICTS,
    STREETS,
    Row,
    maybe,
    pick,
    point,
    postcode,
    street_address,
    table,
)

__all__ = ["PLANS", "ADDRESSES", "PERMITS", "PLAYGROUNDS", "TREES", "TOILETS", "ENERGY"]


def _date(rng: random.Random, first: int, last: int) -> str:
    start = dt.date(first, 1, 1)
    return (start + dt.timedelta(days=rng.randint(0, (last - first + 1) * 365 - 1))).isoformat()


def _polygon(rng: random.Random, lon: float, lat: float) -> dict[str, object]:
    w, h, a = rng.uniform(0.002, 0.008), rng.uniform(0.001, 0.004), rng.uniform(0, math.pi)
    corners = [(-w, -h), (w, -h), (w, h), (-w, h), (-w, -h)]
    cos, sin = math.cos(a), math.sin(a)
    ring = [
        [round(lon + x * cos - y * sin, 6), round(lat + (x * sin + y * cos) / 1.8, 6)]
        for x, y in corners
    ]
    return {"type": "Polygon", "coordinates": [ring]}


_PLAN_PURPOSE = ["bostäder", "verksamheter", "skola och förskola", "centrumändamål",
                 "park och natur", "bostäder och handel", "småbåtshamn"]  # fmt: skip


def _plans(rng: random.Random) -> list[Row]:
    rows = []
    for i in range(40):
        _, district, lon, lat = rng.choice(DISTRICTS)
        status = pick(rng, {"Gällande": 30, "Samråd": 3, "Granskning": 3, "Antagen": 2})
        year = rng.randint(1958, 2025) if status == "Gällande" else 2025
        purpose = rng.choice(_PLAN_PURPOSE)
        rows.append({
            "planid": f"1409-P{year % 100:02d}/{i + 1}",
            "plannamn": f"Detaljplan för {purpose} vid {rng.choice(STREETS)}",
            "distrikt": district, "status": status, "syfte": purpose,
            "laga_kraft_datum": _date(rng, year, year) if status == "Gällande" else None,
            "genomforandetid_ar": rng.choice([5, 10, 15]) if year >= 1987 else None,
            "geometri": _polygon(rng, *point(rng, (lon, lat))),
        })  # fmt: skip
    return sorted(rows, key=lambda r: r["planid"])


def _addresses(rng: random.Random) -> list[Row]:
    rows = []
    for _ in range(150):
        code, district, lon, lat = rng.choice(DISTRICTS)
        street, number = street_address(rng)
        x, y = point(rng, (lon, lat), 0.008)
        rows.append({
            "adressplats_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "gatunamn": street, "adressnummer": number, "postnummer": postcode(rng),
            "postort": "Sjöstad", "distrikt": district,
            "status": pick(rng, {"Gällande": 30, "Reserverad": 1}),
            "longitud": x, "latitud": y,
        })  # fmt: skip
    return sorted(rows, key=lambda r: (r["gatunamn"], r["adressnummer"]))


_PERMIT_TYPES = {"Nybyggnad enbostadshus": 8, "Tillbyggnad": 10, "Fasadändring": 6,
                 "Rivningslov": 2, "Marklov": 2, "Skylt": 4, "Attefallsåtgärd": 7,
                 "Nybyggnad flerbostadshus": 1}  # fmt: skip


def _permits(rng: random.Random) -> list[Row]:
    rows = []
    for i in range(100):
        received = dt.date(2025, 1, 2) + dt.timedelta(days=rng.randint(0, 330))
        days = rng.randint(6, 70) if rng.random() < 0.9 else rng.randint(71, 190)
        decided = received + dt.timedelta(days=days)
        _, district, _, _ = rng.choice(DISTRICTS)
        rows.append({
            "diarienummer": f"SBN 2025-{i * 3 + 17:06d}",
            "arendetyp": pick(rng, _PERMIT_TYPES),
            "fastighet": f"Sjöstad {district.split()[-1]} {rng.randint(1, 60)}:"
            f"{rng.randint(1, 99)}",
            "inkommet": received.isoformat(),
            "beslutsdatum": decided.isoformat() if decided < dt.date(2025, 12, 20) else None,
            "beslut": pick(rng, {"Beviljat": 40, "Avslag": 3, "Avskrivet": 2}),
            "handlaggningstid_dagar": days,
        })  # fmt: skip
    for row in rows:
        if row["beslutsdatum"] is None:
            row["beslut"], row["handlaggningstid_dagar"] = "Pågående", None
    return rows


_EQUIPMENT = ["gungor", "sandlåda", "rutschkana", "klätterställning", "lekhus", "gungbräda",
              "linbana", "vattenlek", "boll-plan"]  # fmt: skip


_PREFIX = ["Ek", "Björk", "Tall", "Lönn", "Sjö", "Kvarn", "Äng", "Strand", "Sol", "Mås", "Lots"]
_SUFFIX = ["parken", "backen", "dalen", "gården", "lunden", "hagen"]


def _playgrounds(rng: random.Random) -> list[Row]:
    rows = []
    for i in range(45):
        _, district, lon, lat = rng.choice(DISTRICTS)
        x, y = point(rng, (lon, lat))
        kind = pick(rng, {"Närlek": 6, "Områdeslek": 3, "Stadsdelslek": 1})
        rows.append({
            "id": f"LP{i + 1:03d}",
            "namn": f"{rng.choice(_PREFIX)}{rng.choice(_SUFFIX)}s lekplats",
            "distrikt": district, "typ": kind,
            "utrustning": ", ".join(sorted(rng.sample(_EQUIPMENT, rng.randint(2, 5)))),
            "tillganglighetsanpassad": kind != "Närlek" and rng.random() < 0.7,
            "senast_besiktigad": maybe(rng, _date(rng, 2024, 2025)),
            "longitud": x, "latitud": y,
        })  # fmt: skip
    return rows


_SPECIES = [("Skogslönn", "Acer platanoides"), ("Skogsek", "Quercus robur"),
            ("Parklind", "Tilia × europaea"), ("Vårtbjörk", "Betula pendula"),
            ("Hästkastanj", "Aesculus hippocastanum"), ("Skogsalm", "Ulmus glabra"),
            ("Rönn", "Sorbus aucuparia"), ("Japansk körsbär", "Prunus serrulata")]  # fmt: skip


def _trees(rng: random.Random) -> list[Row]:
    rows = []
    for i in range(150):
        sv, latin = rng.choice(_SPECIES)
        year = rng.randint(1890, 2024)
        age = 2025 - year
        x, y = point(rng)
        rows.append({
            "trad_id": f"T{20000 + i * 13}", "art": sv, "art_latin": latin,
            "planteringsar": maybe(rng, year, 0.7),
            "stamomkrets_cm": round(min(age * rng.uniform(2.0, 3.5), 480) + 10),
            "hojd_m": round(min(3 + age * rng.uniform(0.12, 0.3), 32), 1),
            "vitalitet": pick(rng, {"God": 12, "Nedsatt": 4, "Dålig": 1, "Död": 1}),
            "skyddsvart": age > 100 or (sv == "Skogsek" and age > 60),
            "longitud": x, "latitud": y,
        })  # fmt: skip
    return rows


def _toilets(rng: random.Random) -> list[Row]:
    rows = []
    for i in range(24):
        code, district, lon, lat = DISTRICTS[i % len(DISTRICTS)]
        street, number = street_address(rng)
        x, y = point(rng, (lon, lat), 0.006)
        rows.append({
            "id": f"WC{i + 1:02d}", "namn": f"Toalett {district}", "adress": f"{street} {number}",
            "oppettider": pick(rng, {"Dygnet runt": 3, "06-22": 4, "08-20 (maj-sept)": 2}),
            "avgift_kr": pick(rng, {"0": 3, "5": 2, "10": 1}),
            "rullstolsanpassad": rng.random() < 0.75, "skotbord": rng.random() < 0.6,
            "oppet_vinter": rng.random() < 0.7, "longitud": x, "latitud": y,
        })  # fmt: skip
    return rows


_BUILDINGS = {"Skola": 14, "Förskola": 16, "Äldreboende": 6, "Idrottshall": 5, "Kontor": 4,
              "Bibliotek": 3, "Simhall": 1, "Kulturhus": 1}  # fmt: skip


def _energy(rng: random.Random) -> list[Row]:
    buildings = []
    for i, (kind, n) in enumerate(_BUILDINGS.items()):
        for j in range(n):
            area = rng.randint(400, 9000) * (4 if kind == "Simhall" else 1)
            buildings.append((f"B{i + 1}{j + 1:02d}", f"{kind} {rng.choice(STREETS)}", kind,
                              rng.randint(1955, 2021), area))  # fmt: skip
    rows = []
    for year in (2024, 2025):
        for bid, name, kind, built, area in buildings[:50]:
            per_m2 = rng.uniform(60, 190) * (2.5 if kind == "Simhall" else 1) * (
                1.15 if built < 1980 else 1) * (0.97 if year == 2025 else 1)  # fmt: skip
            total = area * per_m2
            rows.append({
                "byggnad_id": bid, "byggnad": name, "verksamhet": kind, "byggnadsar": built,
                "atemp_m2": area, "ar": year, "fjarrvarme_kwh": round(total * 0.62),
                "el_kwh": round(total * 0.38), "kwh_per_m2": round(per_m2, 1),
                "energiklass": "ABCDEFG"[min(6, int(per_m2 // 35))],
            })  # fmt: skip
    return rows


PLANS = table("planid plannamn distrikt status syfte laga_kraft_datum genomforandetid_ar "
              "geometri", _plans, geometry="geometri")  # fmt: skip
ADDRESSES = table("adressplats_id gatunamn adressnummer postnummer postort distrikt status "
                  "longitud latitud", _addresses, lon="longitud", lat="latitud")  # fmt: skip
PERMITS = table("diarienummer arendetyp fastighet inkommet beslutsdatum beslut "
                "handlaggningstid_dagar", _permits)  # fmt: skip
PLAYGROUNDS = table("id namn distrikt typ utrustning tillganglighetsanpassad senast_besiktigad "
                    "longitud latitud", _playgrounds, lon="longitud", lat="latitud")  # fmt: skip
TREES = table("trad_id art art_latin planteringsar stamomkrets_cm hojd_m vitalitet skyddsvart "
              "longitud latitud", _trees, lon="longitud", lat="latitud", swedish=True)  # fmt: skip
TOILETS = table("id namn adress oppettider avgift_kr rullstolsanpassad skotbord oppet_vinter "
                "longitud latitud", _toilets, lon="longitud", lat="latitud")  # fmt: skip
ENERGY = table("byggnad_id byggnad verksamhet byggnadsar atemp_m2 ar fjarrvarme_kwh el_kwh "
               "kwh_per_m2 energiklass", _energy, swedish=True)  # fmt: skip
