"""Tables of the municipality itself: finance, population, elections and culture."""

from __future__ import annotations

import random

from torget.catalog.demo.builder.common import (
    DISTRICTS,
    KOMMUN,
    KOMMUNKOD,
    ORG_NUMBER,
    Row,
    months,
    pick,
    point,
    table,
)

__all__ = ["PAYABLES", "BUDGET", "POPULATION", "MIGRATION", "ELECTION", "ART", "LOANS"]


def luhn_org_number(rng: random.Random, prefix: str = "556") -> str:
    digits = prefix + "".join(str(rng.randint(0, 9)) for _ in range(9 - len(prefix)))
    total = sum(
        (d * 2 - 9 if d * 2 > 9 else d * 2) if i % 2 == 0 else d
        for i, d in enumerate(int(c) for c in digits)
    )
    return f"{digits[:6]}-{digits[6:]}{(10 - total % 10) % 10}"


_SUPPLIERS = [
    "Västkustens Bygg AB", "Sjöstads Städservice AB", "Nordisk Kontorsmaterial AB",
    "Hamnens Elektriska AB", "Grönyta Väst AB", "Skolmat i Väst AB", "IT-Partner Norden AB",
    "Bergs Måleri HB", "Trafiksignal Sverige AB", "Kustbuss AB", "Ängens Snickeri AB",
    "Lindqvists Rör AB", "Läromedia Förlag AB", "Sjöstad Energi AB",
]  # fmt: skip
_ACCOUNTS = {
    "4010": "Inköp av material och varor", "5410": "Förbrukningsinventarier",
    "6110": "Kontorsmateriel", "6540": "IT-tjänster", "4610": "Entreprenad",
    "5010": "Lokalhyror", "5611": "Livsmedel", "7690": "Övriga konsulttjänster",
}  # fmt: skip
_DEPTS = ["Kommunstyrelsen", "Utbildningsnämnden", "Miljönämnden", "Stadsbyggnadsnämnden",
          "Trafiknämnden", "Socialnämnden", "Kultur- och fritidsnämnden"]  # fmt: skip


def _payables(rng: random.Random) -> list[Row]:
    ids = {s: luhn_org_number(rng) for s in _SUPPLIERS}
    ids["Sjöstad Energi AB"] = "556036-0793"
    rows = []
    for i in range(120):
        private = rng.random() < 0.05
        supplier = "[personuppgift]" if private else rng.choice(_SUPPLIERS)
        account = rng.choice(list(_ACCOUNTS))
        rows.append(
            {
                "kopare_namn": KOMMUN,
                "kopare_id": ORG_NUMBER,
                "kommun_id": KOMMUNKOD,
                "leverantor_namn": supplier,
                "leverantor_id": None if private else ids[supplier],
                "verifikationsnummer": f"LF{2025}{10000 + i * 7}",
                "fakturanummer": str(rng.randint(100000, 999999)),
                "bokforingsdatum": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "belopp": round(rng.uniform(350, 185000), 2),
                "valuta": "SEK",
                "konto": account,
                "kontotext": _ACCOUNTS[account],
                "forvaltning": rng.choice(_DEPTS),
            }
        )
    return sorted(rows, key=lambda r: r["bokforingsdatum"])


_BUDGET = {
    "Grundskola": 980,
    "Förskola": 610,
    "Gymnasieskola": 340,
    "Äldreomsorg": 890,
    "Funktionsstöd": 520,
    "Individ- och familjeomsorg": 310,
    "Kultur och fritid": 150,
    "Gator och parker": 190,
    "Miljö och hälsoskydd": 45,
    "Politisk verksamhet": 38,
}


def _budget(rng: random.Random) -> list[Row]:
    rows = []
    for year in (2023, 2024, 2025, 2026):
        for area, base in _BUDGET.items():
            cost = round(base * 1000 * (1 + 0.035 * (year - 2023)) * rng.uniform(0.97, 1.03))
            income = round(cost * rng.uniform(0.04, 0.18))
            rows.append(
                {
                    "ar": year,
                    "verksamhet": area,
                    "kostnader_tkr": cost,
                    "intakter_tkr": income,
                    "netto_tkr": income - cost,
                    "typ": "Utfall" if year < 2025 else "Budget",
                }
            )
    return rows


_AGES = {"0-5": 0.07, "6-15": 0.12, "16-19": 0.045, "20-64": 0.56, "65-79": 0.14, "80-w": 0.065}


def _population(rng: random.Random) -> list[Row]:
    rows = []
    for year in (2024, 2025):
        for code, name, _, _ in DISTRICTS:
            size = rng.randint(3800, 9500)
            for age, share in _AGES.items():
                n = round(size * share * rng.uniform(0.85, 1.15) * (1.01 if year == 2025 else 1))
                rows.append(
                    {
                        "ar": year,
                        "kommunkod": KOMMUNKOD,
                        "distriktskod": code,
                        "distrikt": name,
                        "aldersgrupp": age,
                        "antal": n,
                    }
                )
    return rows


_MUNICIPALITIES = {
    "0180": "Stockholm", "0380": "Uppsala", "0580": "Linköping", "0581": "Norrköping",
    "0680": "Jönköping", "0780": "Växjö", "1280": "Malmö", "1281": "Lund", "1380": "Halmstad",
    "1383": "Varberg", "1384": "Kungsbacka", "1401": "Härryda", "1402": "Partille",
    "1480": "Göteborg", "1481": "Mölndal", "1482": "Kungälv", "1489": "Alingsås",
    "1490": "Borås", "1880": "Örebro", "2480": "Umeå",
}  # fmt: skip


def _migration(rng: random.Random) -> list[Row]:
    rows = []
    for year in (2023, 2024):
        for code, name in _MUNICIPALITIES.items():
            near = code.startswith("14") or code.startswith("138")
            inn, out = (
                (rng.randint(120, 900), rng.randint(100, 850))
                if near
                else (rng.randint(8, 160), rng.randint(10, 190))
            )
            rows.append(
                {
                    "ar": year,
                    "kommunkod": KOMMUNKOD,
                    "motpart_kommunkod": code,
                    "motpart_kommun": name,
                    "inflyttade": inn,
                    "utflyttade": out,
                    "netto": inn - out,
                }
            )
    for row in rows:
        total = sum(r["inflyttade"] for r in rows if r["ar"] == row["ar"])
        row["andel_av_inflyttade_procent"] = round(100 * row["inflyttade"] / total, 1)
    return rows


_PARTIES = {"S": 30, "M": 19, "SD": 17, "V": 7, "C": 6, "KD": 5, "L": 5, "MP": 5, "SJP": 4,
            "ÖVR": 2}  # fmt: skip


def _election(rng: random.Random) -> list[Row]:
    rows = []
    for i, (_, name, _, _) in enumerate(DISTRICTS[:6], start=1):
        votes = {p: max(0, round(w * rng.uniform(0.6, 1.4) * 18)) for p, w in _PARTIES.items()}
        total = sum(votes.values())
        for party, n in votes.items():
            rows.append(
                {
                    "val": "Kommunfullmäktige",
                    "valdag": "2022-09-11",
                    "valdistriktskod": f"{KOMMUNKOD}0{i:02d}",
                    "valdistrikt": name,
                    "parti": party,
                    "roster": n,
                    "andel_procent": round(100 * n / total, 2),
                }
            )
    return rows


_ART = [("Vågen", "Brons"), ("Fiskaren", "Granit"), ("Ljusporten", "Stål"), ("Sjöfågel", "Brons"),
        ("Minnessten", "Diabas"), ("Kvarnhjulet", "Cortenstål"), ("Mosaik", "Keramik"),
        ("Dansen", "Brons"), ("Horisont", "Glas"), ("Utsikten", "Trä")]  # fmt: skip
_KINDS = {"Skulptur": 6, "Relief": 1, "Väggmålning": 2, "Installation": 1}
_ARTISTS = ["Karin Ek", "Olle Sundström", "Maja Alvarez", "Lars Holm", "Sara Nyqvist",
            "Ahmed Yusuf", "Britt Lindahl", "okänd"]  # fmt: skip


def _art(rng: random.Random) -> list[Row]:
    rows = []
    for i in range(32):
        title, material = _ART[i % len(_ART)]
        lon, lat = point(rng)
        rows.append(
            {
                "id": f"K{101 + i}",
                "titel": title if i < 10 else f"{title} {i // 10 + 1}",
                "konstnar": rng.choice(_ARTISTS),
                "ar": rng.randint(1932, 2024),
                "material": material,
                "typ": pick(rng, _KINDS),
                "longitud": lon,
                "latitud": lat,
            }
        )
    return rows


_LIBRARIES = ["Stadsbiblioteket", "Hamnens bibliotek", "Lövgärdets bibliotek", "Bokbussen"]


def _loans(rng: random.Random) -> list[Row]:
    rows = []
    for month in months("2025-01", 12):
        summer = month.endswith(("-06", "-07"))
        for lib in _LIBRARIES:
            big = 4.0 if lib == "Stadsbiblioteket" else 1.0
            rows.append(
                {
                    "manad": month,
                    "bibliotek": lib,
                    "bocker": round(rng.randint(2500, 4200) * big * (1.2 if summer else 1)),
                    "e_bocker": rng.randint(900, 1300) if lib == "Stadsbiblioteket" else 0,
                    "ljudbocker": round(rng.randint(300, 700) * big),
                    "besok": None if lib == "Bokbussen" else round(rng.randint(5000, 9000) * big),
                }
            )
    return rows


PAYABLES = table(
    "kopare_namn kopare_id kommun_id leverantor_namn leverantor_id "
    "verifikationsnummer fakturanummer bokforingsdatum belopp valuta konto "
    "kontotext forvaltning",
    _payables,
    swedish=True,
)
BUDGET = table("ar verksamhet typ kostnader_tkr intakter_tkr netto_tkr", _budget)
POPULATION = table("ar kommunkod distriktskod distrikt aldersgrupp antal", _population)
MIGRATION = table(
    "ar kommunkod motpart_kommunkod motpart_kommun inflyttade utflyttade netto "
    "andel_av_inflyttade_procent",
    _migration,
    swedish=True,
)
ELECTION = table("val valdag valdistriktskod valdistrikt parti roster andel_procent", _election)
ART = table(
    "id titel konstnar ar material typ longitud latitud", _art, lon="longitud", lat="latitud"
)
LOANS = table("manad bibliotek bocker e_bocker ljudbocker besok", _loans)
