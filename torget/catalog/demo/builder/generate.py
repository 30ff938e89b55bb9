"""Build the demo catalogue: data files in `demo/files/` and the records in `catalogue.json`.

Run `python -m torget.catalog.demo.builder.generate`. The output is deterministic: every table
draws from its own `random.Random` seeded with 2024 and the dataset's name, so adding a
dataset does not change the others' files.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import random
from pathlib import Path
from typing import Any

from torget.catalog.demo.builder.common import Row, Table
from torget.catalog.demo.builder.organisations import COMPANIES, ORGANISATIONS, USERS
from torget.catalog.demo.builder.render import render

__all__ = ["build", "all_datasets", "DEMO_DIR"]

DEMO_DIR = Path(__file__).resolve().parent.parent
SEED = 2024
MODULES = ["datasets_a", "datasets_b", "datasets_c", "datasets_d", "datasets_e", "services"]
SPATIAL = ["http://sws.geonames.org/2661886/"]
BBOX = "POLYGON((11.8 57.6, 12.1 57.6, 12.1 57.8, 11.8 57.8, 11.8 57.6))"
FORMAT_NAMES = {"CSV": "CSV", "JSON": "JSON", "GEOJSON": "GeoJSON"}


def _module(name: str) -> Any | None:
    try:
        return importlib.import_module(f"torget.catalog.demo.builder.{name}")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.endswith(name):
            return None
        raise


def all_datasets() -> list[dict[str, Any]]:
    specs: list[dict[str, Any]] = []
    for name in MODULES:
        module = _module(name)
        specs.extend(getattr(module, "DATASETS", []) if module else [])
    return specs


def _services() -> list[dict[str, Any]]:
    module = _module("services")
    return list(module.DATASERVICES) if module else []


def _distribution(spec: dict[str, Any], file_name: str, fmt: str, data: bytes) -> dict[str, Any]:
    label = FORMAT_NAMES[fmt]
    url = f"{{base}}/files/demo/{file_name}"
    dist: dict[str, Any] = {
        "title": {
            "sv": f"{spec['title']['sv']} ({label})",
            "en": f"{spec['title']['en']} ({label})",
        },
        "download_url": url,
        "access_url": url,
        "format": fmt,
        "license": "CC-BY-4.0" if spec["organisation"] in COMPANIES else "CC0-1.0",
        "availability": "STABLE",
        "status": "COMPLETED",
        "byte_size": len(data),
        "checksum_sha1": hashlib.sha1(data).hexdigest(),
        "issued": spec["issued"],
        "modified": spec["modified"],
    }
    if spec.get("hvd_categories"):
        dist["applicable_legislation"] = ["HVD"]
    return dist


def _dataset(spec: dict[str, Any], files_dir: Path) -> dict[str, Any]:
    record: dict[str, Any] = {
        "name": spec["name"],
        "organisation": spec["organisation"],
        "state": "published",
        "title": spec["title"],
        "description": spec["description"],
        "keywords": spec["keywords"],
        "themes": spec["themes"],
        "access_rights": "PUBLIC",
        "frequency": spec["frequency"],
        "issued": spec["issued"],
        "modified": spec["modified"],
        "language": ["SWE"],
        "spatial": SPATIAL,
        "spatial_bbox": BBOX,
    }
    if spec.get("temporal"):
        record["temporal"] = {"start": spec["temporal"]}
    if spec.get("conforms_to"):
        record["conforms_to"] = spec["conforms_to"]
    if spec.get("hvd_categories"):
        record["applicable_legislation"] = ["HVD"]
        record["hvd_categories"] = spec["hvd_categories"]
    rows: dict[int, list[Row]] = {}
    distributions = []
    for index, (file_name, fmt, tbl) in enumerate(spec["files"]):
        assert isinstance(tbl, Table)
        if id(tbl) not in rows:
            rows[id(tbl)] = tbl.make_rows(random.Random(f"{SEED}/{spec['name']}/{index}"))
        data = render(tbl, rows[id(tbl)], fmt)
        (files_dir / file_name).write_bytes(data)
        distributions.append(_distribution(spec, file_name, fmt, data))
    record["distributions"] = distributions
    return record


def build(demo_dir: Path = DEMO_DIR) -> dict[str, Any]:
    files_dir = demo_dir / "files"
    files_dir.mkdir(parents=True, exist_ok=True)
    for old in files_dir.iterdir():
        if old.is_file():
            old.unlink()
    datasets = [_dataset(spec, files_dir) for spec in all_datasets()]
    catalogue = {
        "organisations": ORGANISATIONS,
        "users": USERS,
        "datasets": datasets,
        "dataservices": _services(),
    }
    text = json.dumps(catalogue, ensure_ascii=False, indent=1) + "\n"
    (demo_dir / "catalogue.json").write_text(text, encoding="utf-8")
    return catalogue


def main() -> None:
    catalogue = build()
    datasets = catalogue["datasets"]
    print(
        f"{len(catalogue['organisations'])} organisations, {len(datasets)} datasets, "
        f"{sum(len(d['distributions']) for d in datasets)} distributions, "
        f"{len(catalogue['dataservices'])} data services"
    )


if __name__ == "__main__":
    main()
