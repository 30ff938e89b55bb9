"""The demo catalogue (`torget init --demo`) passes the catalogue's own rules and is complete."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest

from torget.catalog.model import DataServiceIn, DatasetIn, OrganisationIn
from torget.catalog.rules import normalise_dataservice, normalise_dataset, normalise_organisation

DEMO = Path(__file__).resolve().parents[2] / "torget" / "catalog" / "demo"
PREFIX = "{base}/files/demo/"
BASE = "https://data.sjostad.example"


def _load() -> dict[str, Any]:
    return json.loads((DEMO / "catalogue.json").read_text(encoding="utf-8"))


def _with_base(value: Any) -> Any:
    """What the loader does: `{base}` is not a valid IRI character until it is replaced."""
    if isinstance(value, str):
        return value.replace("{base}", BASE)
    if isinstance(value, list):
        return [_with_base(v) for v in value]
    if isinstance(value, dict):
        return {k: _with_base(v) for k, v in value.items()}
    return value


CATALOGUE = _load()
DATASETS = CATALOGUE["datasets"]
SERVICES = CATALOGUE["dataservices"]
DISTRIBUTIONS = [dist for d in DATASETS for dist in d["distributions"]]


@pytest.mark.parametrize("org", CATALOGUE["organisations"], ids=lambda o: o["name"])
def test_organisations_pass_the_rules(org: dict[str, Any]) -> None:
    normalise_organisation(OrganisationIn.model_validate(_with_base(org)))


@pytest.mark.parametrize("record", DATASETS, ids=lambda d: d["name"])
def test_datasets_pass_the_rules(record: dict[str, Any]) -> None:
    dataset = normalise_dataset(DatasetIn.model_validate(_with_base(record)))
    assert dataset.distributions
    assert dataset.description.en and dataset.title.en


@pytest.mark.parametrize("record", SERVICES, ids=lambda s: s["name"])
def test_dataservices_pass_the_rules(record: dict[str, Any]) -> None:
    normalise_dataservice(DataServiceIn.model_validate(_with_base(record)))


def test_organisations_parents_come_first() -> None:
    seen: set[str] = set()
    for org in CATALOGUE["organisations"]:
        assert org.get("parent") is None or org["parent"] in seen
        seen.add(org["name"])
    for record in DATASETS + SERVICES:
        assert record["organisation"] in seen


def test_users_and_memberships() -> None:
    users = CATALOGUE["users"]
    orgs = {o["name"] for o in CATALOGUE["organisations"]}
    assert sum(1 for u in users if u["sysadmin"]) == 1
    assert len({u["name"] for u in users}) == len(users)
    for user in users:
        for membership in user["memberships"]:
            assert membership["organisation"] in orgs
            assert membership["role"] in {"admin", "editor", "member"}


def test_the_demo_is_big_and_varied_enough() -> None:
    assert len(DATASETS) >= 28
    assert len({t for d in DATASETS for t in d["themes"]}) >= 8
    hvd = [d for d in DATASETS if "HVD" in d.get("applicable_legislation", [])]
    assert len(hvd) >= 5
    assert len({c for d in hvd for c in d["hvd_categories"]}) >= 5
    assert len(DISTRIBUTIONS) >= 60
    assert {d["organisation"] for d in DATASETS} == {o["name"] for o in CATALOGUE["organisations"]}


def test_names_are_unique() -> None:
    names = [d["name"] for d in DATASETS] + [s["name"] for s in SERVICES]
    assert len(set(names)) == len(names)
    urls = [dist["download_url"] for dist in DISTRIBUTIONS]
    assert len(set(urls)) == len(urls)


def test_hvd_datasets_mark_their_distributions() -> None:
    for record in DATASETS:
        is_hvd = "HVD" in record.get("applicable_legislation", [])
        for dist in record["distributions"]:
            assert ("HVD" in dist.get("applicable_legislation", [])) == is_hvd, record["name"]


def _positions(geometry: dict[str, Any]) -> list[tuple[float, float]]:
    coords = geometry["coordinates"]
    if geometry["type"] == "Point":
        return [tuple(coords)]
    if geometry["type"] == "Polygon":
        return [tuple(p) for ring in coords for p in ring]
    raise AssertionError(f"unexpected geometry {geometry['type']}")


@pytest.mark.parametrize("dist", DISTRIBUTIONS, ids=lambda d: d["download_url"][len(PREFIX) :])
def test_distribution_files_exist_with_size_and_checksum(dist: dict[str, Any]) -> None:
    assert dist["download_url"].startswith(PREFIX)
    assert dist["access_url"] == dist["download_url"]
    path = DEMO / "files" / dist["download_url"][len(PREFIX) :]
    data = path.read_bytes()
    assert len(data) == dist["byte_size"]
    assert hashlib.sha1(data).hexdigest() == dist["checksum_sha1"]
    if dist["format"] == "CSV":
        text = data.decode("utf-8-sig")
        delimiter = ";" if text.split("\n", 1)[0].count(";") else ","
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        assert 20 <= len(rows) - 1 <= 150
        assert all(len(row) == len(rows[0]) for row in rows)
    elif dist["format"] == "GEOJSON":
        collection = json.loads(data)
        assert collection["type"] == "FeatureCollection"
        assert 20 <= len(collection["features"]) <= 150
        for feature in collection["features"]:
            for lon, lat in _positions(feature["geometry"]):
                assert 11.8 <= lon <= 12.1 and 57.6 <= lat <= 57.8  # WGS 84, lon/lat order
    else:
        items = json.loads(data)
        assert isinstance(items, list) and 20 <= len(items) <= 150


def test_swedish_style_csv_files_are_included() -> None:
    swedish = [p for p in (DEMO / "files").glob("*.csv") if p.read_bytes()[:3] == b"\xef\xbb\xbf"]
    assert len(swedish) >= 2
    for path in swedish:
        assert ";" in path.read_text(encoding="utf-8-sig").split("\n", 1)[0]


def test_every_file_belongs_to_a_distribution() -> None:
    listed = {dist["download_url"][len(PREFIX) :] for dist in DISTRIBUTIONS}
    present = {p.name for p in (DEMO / "files").iterdir() if p.is_file()}
    assert present == listed


def test_served_datasets_exist() -> None:
    names = {d["name"] for d in DATASETS}
    for service in SERVICES:
        assert service["serves_datasets"]
        assert set(service["serves_datasets"]) <= names


def test_the_demo_folder_is_small() -> None:
    size = sum(
        p.stat().st_size for p in DEMO.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    )
    assert size < 1_500_000
