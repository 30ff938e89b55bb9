"""Tables of the traffic office: traffic counts, parking, charging, cycling and stops."""

from __future__ import annotations

import datetime as dt
import random

from torget.catalog.demo.builder.common import (
    DISTRICTS,
    STREETS,
    Row,
    days,
    maybe,
    pick,
    point,
    street_address,
    table,
)

__all__ = ["TRAFFIC", "PARKING", "CHARGING", "CYCLING", "STOPS"]


def _traffic(rng: random.Random) -> list[Row]:
    rows = []
    for i in range(50):
        street = STREETS[i % len(STREETS)]
        arterial = street in {"Storgatan", "Hamngatan", "Södra Vägen", "Norra Allén",
                              "Järnvägsgatan", "Strandvägen"}  # fmt: skip
        limit = pick(rng, {"40": 3, "50": 2}) if arterial else pick(rng, {"30": 3, "40": 1})
        start = dt.date(2025, 3, 3) + dt.timedelta(weeks=rng.randint(0, 30))
        adt = rng.randint(6000, 18000) if arterial else rng.randint(300, 4500)
        lon, lat = point(rng)
        rows.append({
            "matpunkt_id": f"TM{1000 + i * 3}", "gata": street,
            "riktning": pick(rng, {"Båda": 3, "Norrgående": 1, "Södergående": 1}),
            "matperiod_start": start.isoformat(),
            "matperiod_slut": (start + dt.timedelta(days=6)).isoformat(),
            "vardagsmedeldygn": adt, "andel_tung_trafik_procent": round(rng.uniform(2, 12), 1),
            "skyltad_hastighet_kmh": int(limit),
            "hastighet_85_percentil_kmh": round(int(limit) * rng.uniform(0.9, 1.25), 1),
            "longitud": lon, "latitud": lat,
        })  # fmt: skip
    return rows


def _parking(rng: random.Random) -> list[Row]:
    rows = []
    for i in range(40):
        _, district, lon, lat = DISTRICTS[i % len(DISTRICTS)]
        kind = pick(rng, {"Gatumark": 5, "Parkeringsplats": 4, "Parkeringshus": 1})
        places = rng.randint(150, 600) if kind == "Parkeringshus" else rng.randint(8, 120)
        central = district in {"Sjöstad centrum", "Hamnen"}
        x, y = point(rng, (lon, lat), 0.006)
        rows.append({
            "id": f"P{i + 1:03d}", "omrade": f"{rng.choice(STREETS)}, {district}", "typ": kind,
            "antal_platser": places, "rorelsehindrade": max(1, places // 25),
            "avgift_kr_tim": (pick(rng, {"20": 2, "25": 1}) if central else
                              pick(rng, {"0": 3, "10": 1})),
            "avgiftstid": "Vardagar 08-18, lördagar 10-15" if central else None,
            "max_tid": pick(rng, {"2 tim": 2, "24 tim": 1}) if kind == "Gatumark" else None,
            "laddplatser": rng.randint(0, 10) if kind != "Gatumark" else 0,
            "longitud": x, "latitud": y,
        })  # fmt: skip
    for row in rows:
        if row["avgift_kr_tim"] == "0":
            row["avgiftstid"] = None
    return rows


_OPERATORS = {"Sjöstad Energi": 5, "Mer": 2, "Vattenfall InCharge": 2, "Tesla": 1, "Circle K": 1}


def _charging(rng: random.Random) -> list[Row]:
    rows = []
    for i in range(36):
        fast = rng.random() < 0.35
        street, number = street_address(rng)
        lon, lat = point(rng)
        operator = pick(rng, _OPERATORS)
        rows.append({
            "id": f"LS{i + 1:03d}", "plats": f"{street} {number}", "operator": operator,
            "antal_uttag": rng.choice([2, 4, 6, 8]) if fast else rng.choice([2, 4, 8, 12]),
            "effekt_kw": rng.choice([50.0, 150.0, 300.0] if fast else [3.7, 11.0, 22.0]),
            "kontakttyp": "CCS" if fast else "Typ 2",
            "betalning": "App, betalkort" if operator != "Tesla" else "App",
            "dygnet_runt": rng.random() < 0.8,
            "driftsatt": maybe(rng, (dt.date(2019, 1, 1) + dt.timedelta(
                days=rng.randint(0, 2500))).isoformat(), 0.8),
            "longitud": lon, "latitud": lat,
        })  # fmt: skip
    return rows


_COUNTERS = [("Kvarnbron", 1400), ("Strandpromenaden", 900), ("Skolgatan", 600)]


def _cycling(rng: random.Random) -> list[Row]:
    rows = []
    for station, base in _COUNTERS:
        for date in days(dt.date(2025, 4, 1), 40):
            weekend = dt.date.fromisoformat(date).weekday() >= 5
            rain = rng.random() < 0.3
            total = round(base * rng.uniform(0.85, 1.15) * (0.55 if weekend else 1)
                          * (0.6 if rain else 1))  # fmt: skip
            inbound = round(total * rng.uniform(0.45, 0.55))
            broken = station == "Skolgatan" and "2025-04-20" <= date <= "2025-04-23"
            rows.append({
                "matstation": station, "datum": date,
                "antal_cyklister": None if broken else total,
                "riktning_in": None if broken else inbound,
                "riktning_ut": None if broken else total - inbound,
                "nederbord": rain,
            })  # fmt: skip
    return rows


def _stops(rng: random.Random) -> list[Row]:
    rows = []
    for i in range(30):
        _, district, lon, lat = DISTRICTS[i % len(DISTRICTS)]
        x, y = point(rng, (lon, lat), 0.008)
        name = f"{rng.choice(STREETS)}" if i >= 10 else district
        number = rng.randint(1000, 9999)
        area = f"9021014{number:05d}0000"
        for k, side in enumerate(("A", "B"), start=1):
            rows.append({
                "hallplatsomrade_id": area, "hallplatslage_id": f"9022014{number:05d}000{k}",
                "namn": name, "lage": side, "vaderskydd": rng.random() < 0.6,
                "sittplats": rng.random() < 0.7,
                "tillganglighetsanpassad": rng.random() < 0.65,
                "realtidsskylt": rng.random() < 0.3,
                "longitud": round(x + (0.0004 if side == "B" else 0), 6), "latitud": y,
            })  # fmt: skip
    return rows


TRAFFIC = table("matpunkt_id gata riktning matperiod_start matperiod_slut vardagsmedeldygn "
                "andel_tung_trafik_procent skyltad_hastighet_kmh hastighet_85_percentil_kmh "
                "longitud latitud", _traffic, lon="longitud", lat="latitud")  # fmt: skip
PARKING = table("id omrade typ antal_platser rorelsehindrade avgift_kr_tim avgiftstid max_tid "
                "laddplatser longitud latitud", _parking, lon="longitud",
                lat="latitud")  # fmt: skip
CHARGING = table("id plats operator antal_uttag effekt_kw kontakttyp betalning dygnet_runt "
                 "driftsatt longitud latitud", _charging, lon="longitud",
                 lat="latitud")  # fmt: skip
CYCLING = table("matstation datum antal_cyklister riktning_in riktning_ut nederbord", _cycling)
STOPS = table("hallplatsomrade_id hallplatslage_id namn lage vaderskydd sittplats "
              "tillganglighetsanpassad realtidsskylt longitud latitud", _stops, lon="longitud",
              lat="latitud")  # fmt: skip
