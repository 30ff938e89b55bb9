"""The demo catalogue: Sjöstads kommun, its departments and companies, with real small files.

`catalogue.json` beside this module holds the records in the JSON API's own input shape, and
`files/` the data files the distributions point to. Loading copies the files into the file
store and replaces the `{base}` placeholder in URLs with the site's base URL, so every download
link works on a fresh install. Every record goes through the same use-case functions as any
other change (`torget.publishing.changes`), so the demo proves that what it publishes passes
the rules of publication, its checklist included: each dataset is classified (its own
`classification` in `catalogue.json`, else `DEMO_CLASSIFICATION`) as it is created.
"""

from __future__ import annotations

import json
import mimetypes
from dataclasses import dataclass
from importlib import resources
from typing import Any

import sqlalchemy as sa

from torget.accounts.permissions import Channel, actor_for
from torget.accounts.users import create_user
from torget.catalog.model import DataServiceIn, DatasetIn, OrganisationIn
from torget.db.schema import organisations
from torget.files import FileStore, open_file_store
from torget.publishing.changes import (
    create_dataservice,
    create_dataset,
    create_organisation,
    set_member,
)
from torget.publishing.settlements import ClassificationIn
from torget.settings import Settings

__all__ = ["DemoSummary", "load_demo", "demo_is_loaded", "copy_demo_files", "DEMO_CLASSIFICATION"]

# The demo's data are what a municipality publishes anyway: no secrecy, some care for
# correctness and for being there (Göteborg's levels C0, I1, A1).
DEMO_CLASSIFICATION = {
    "confidentiality": 0,
    "integrity": 1,
    "availability": 1,
    "reason": "Offentlig information om kommunens verksamhet, utan personuppgifter.",
}


@dataclass(frozen=True)
class DemoSummary:
    organisations: int
    users: int
    datasets: int
    distributions: int
    dataservices: int


def _demo_folder() -> Any:
    return resources.files("torget.catalog").joinpath("demo")


def _with_base(value: Any, base: str) -> Any:
    if isinstance(value, str):
        return value.replace("{base}", base)
    if isinstance(value, list):
        return [_with_base(v, base) for v in value]
    if isinstance(value, dict):
        return {k: _with_base(v, base) for k, v in value.items()}
    return value


def demo_is_loaded(conn: sa.Connection) -> bool:
    """True when the catalogue already has organisations: the demo never overwrites data."""
    return conn.execute(sa.select(organisations.c.id).limit(1)).first() is not None


def copy_demo_files(store: FileStore, source: Any = None) -> int:
    """Put the demo's data files into the file store as `demo/<name>`; returns how many.

    `source` is the folder to copy (default: the demo's own `files/`)."""
    folder = source if source is not None else _demo_folder().joinpath("files")
    copied = 0
    for item in folder.iterdir():
        if item.is_file() and not item.name.endswith(".py"):
            media = mimetypes.guess_type(item.name)[0] or "application/octet-stream"
            with item.open("rb") as handle:
                store.put(f"demo/{item.name}", handle, media)
            copied += 1
    return copied


def load_demo(
    conn: sa.Connection,
    settings: Settings,
    files: FileStore | None = None,
) -> DemoSummary:
    """Load the demo into an empty catalogue within the caller's transaction. The data files
    go to `files`, by default the store that `settings.files_url` names."""
    raw = json.loads(_demo_folder().joinpath("catalogue.json").read_text(encoding="utf-8"))
    data = _with_base(raw, settings.public_base)
    users = data["users"]
    admin_spec = next(u for u in users if u.get("sysadmin"))
    admin = create_user(
        conn,
        admin_spec["name"],
        admin_spec["email"],
        admin_spec["password"],
        fullname=admin_spec.get("fullname"),
        sysadmin=True,
    )
    actor = actor_for(conn, admin).via(Channel.CLI)  # loaded by `torget demo`
    for org in data["organisations"]:
        create_organisation(conn, actor, OrganisationIn.model_validate(org))
    for spec in users:
        if spec is not admin_spec:
            create_user(
                conn, spec["name"], spec["email"], spec["password"], fullname=spec.get("fullname")
            )
        for membership in spec.get("memberships", []):
            set_member(conn, actor, membership["organisation"], spec["name"], membership["role"])
    distributions = 0
    for record in data["datasets"]:
        levels = ClassificationIn(**record.pop("classification", DEMO_CLASSIFICATION))
        dataset = create_dataset(conn, actor, DatasetIn.model_validate(record), levels)
        distributions += len(dataset.distributions)
    for record in data.get("dataservices", []):
        create_dataservice(conn, actor, DataServiceIn.model_validate(record))
    copy_demo_files(files if files is not None else open_file_store(settings))
    return DemoSummary(
        organisations=len(data["organisations"]),
        users=len(users),
        datasets=len(data["datasets"]),
        distributions=distributions,
        dataservices=len(data.get("dataservices", [])),
    )
