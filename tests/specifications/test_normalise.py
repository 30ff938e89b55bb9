"""Normalisation while combining (issue 16, part 5): SWEREF 99 TM positions converted to WGS 84
and dates brought to ISO 8601, each change counted in the combined table's report.

The reference points are Lantmäteriet's: Stockholm Central Station is N 6 580 822, E 674 032
in SWEREF 99 TM and 59.330231 N, 18.059196 E in WGS 84; Kiruna church (N 7 536 070,
E 719 583) is 67.8558 N, 20.2253 E; every conversion must land within a metre.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.conftest import World
from tests.specifications.test_combine import API, _source
from torget.datastore.load import load_local
from torget.settings import Settings

STOCKHOLM = (59.330231, 18.059196)
KIRUNA = (67.8558, 20.2253)


def _metres(lat: float, lon: float, expected: tuple[float, float]) -> float:
    north = (lat - expected[0]) * 111_320
    east = (lon - expected[1]) * 111_320 * math.cos(math.radians(expected[0]))
    return math.hypot(north, east)


def _combined(client: TestClient) -> dict[str, dict[str, str]]:
    rows = csv.DictReader(io.StringIO(client.get(f"{API}/combined.csv").text))
    return {r["id"]: r for r in rows}


def test_sweref_positions_and_dates_are_normalised_and_counted(
    client: TestClient, world: World, settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    # A GIS export: northing/easting columns, one row typed in the other order, one in degrees.
    grid = tmp_path / "skolor_sweref.csv"
    grid.write_text(
        "source;id;name;SWEREF99TM_N;SWEREF99TM_E;updated\n"
        "0180;S1;Centralskolan;6580822;674032;2024-3-1\n"
        "2584;K1;Kiruna skola;719583;7536070;20240301\n"  # easting and northing swapped
        "2584;K2;Fjällskolan;7536070;719583;1/3 2024\n"
        "2584;K3;Felskolan;12;34;2024-02-30\n",  # neither grid nor a date: left for validation
        "utf-8",
    )
    # Whole metres in latitude/longitude columns: integers, which the loader leaves alone.
    metres = tmp_path / "skolor_metrar.csv"
    metres.write_text(
        "source,id,name,latitude,longitude,updated\n"
        "0180,M1,Metreskolan,6580822,674032,2024-03-01T08:30:00+01:00\n"
        "0180,M2,Gradskolan,59,18,2024-03-01\n",
        "utf-8",
    )
    load_local(settings, engine, _source(client, world, "sjostad", "Skolor i rutnät"), grid, "csv")
    load_local(settings, engine, _source(client, world, "grannby", "Skolor i meter"), metres, "csv")

    report = client.get(f"{API}/combined").json()
    by_org = {s["organisation"]: s for s in report["sources"]}
    assert by_org["sjostad"]["normalised"] == {"sweref99tm": 3, "updated": 3}
    assert by_org["sjostad"]["kept"] == 3 and by_org["sjostad"]["left_out"] == 1
    assert by_org["grannby"]["normalised"] == {"sweref99tm": 1, "updated": 1}
    rows = _combined(client)
    for key, expected in (("S1", STOCKHOLM), ("K1", KIRUNA), ("K2", KIRUNA), ("M1", STOCKHOLM)):
        lat, lon = float(rows[key]["latitude"]), float(rows[key]["longitude"])
        assert _metres(lat, lon, expected) < 1, (key, lat, lon)
    assert {rows[k]["updated"] for k in ("S1", "K1", "K2", "M1")} == {"2024-03-01"}
    # degrees already: left as they were (the combined table types numbers, so 59 reads 59.0)
    assert (float(rows["M2"]["latitude"]), float(rows["M2"]["longitude"])) == (59, 18)
