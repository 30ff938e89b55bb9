"""A catalogue made through the use-case functions for the maturity tests (see
`test_maturity.py` for what it holds and the level it reaches)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from tests.conftest import CLASSIFIED, World, dataset_payload
from torget.accounts.permissions import COMMAND_LINE, actor_for
from torget.accounts.users import create_user, get_user
from torget.catalog.model import DataServiceIn, DatasetIn
from torget.db.engine import write
from torget.participation.suggestion_status import StatusChange, change_status
from torget.participation.suggestions import SuggestionIn, create_suggestion
from torget.publishing.changes import create_dataservice, create_dataset, patch_dataset
from torget.publishing.inventory_changes import create_candidate
from torget.publishing.inventory_fields import CandidateIn
from torget.publishing.settlements import ClassificationIn

HVD = {"applicable_legislation": ["HVD"], "hvd_categories": ["c_b79e35eb"]}
LATER = dt.timedelta(days=2)  # the daily dataset is overdue by then


def _dataset(conn: sa.Connection, title: str, **changes: Any) -> str:
    payload = dataset_payload(title={"sv": title, "en": title + " (en)"}, state="published")
    payload.update(changes)
    # XML: machine-readable, but no table for the datastore's API (a CSV file is loaded).
    payload["distributions"][0].update(
        format="XML", download_url=f"https://x.example/{len(title)}.xml"
    )
    data = DatasetIn.model_validate(payload)
    return create_dataset(conn, COMMAND_LINE, data, ClassificationIn(**CLASSIFIED)).id


def _suggestion(conn: sa.Connection, title: str) -> str:
    user = create_user(conn, f"u{len(title)}", f"{len(title)}@example.se", "secret-password")
    data = SuggestionIn(title, "Beskrivning.", "Skäl.", "sjostad")
    return create_suggestion(conn, actor_for(conn, user), data, address="192.0.2.1").id


def _catalogue(conn: sa.Connection) -> dict[str, str]:
    ids = {t: _dataset(conn, t) for t in ("Badplatser", "Bibliotek", "Parker")}
    ids["Luftmätningar"] = _dataset(conn, "Luftmätningar", frequency="DAILY")
    ids["Gamla vägar"] = _dataset(conn, "Gamla vägar", organisation="trafik", issued="2020-01-01")
    # A high-value dataset served by an API; and one made high-value after its publication.
    draft = _dataset(conn, "Hållplatser", state="draft", **HVD)
    service = {"organisation": "sjostad", "title": {"sv": "Hållplats-API"}, **HVD,
               "endpoint_urls": ["https://api.sjostad.example/hallplatser"],
               "serves_datasets": [draft], "license": "CC0-1.0"}  # fmt: skip
    create_dataservice(conn, COMMAND_LINE, DataServiceIn.model_validate(service))
    patch_dataset(conn, COMMAND_LINE, draft, {"state": "published"})
    patch_dataset(conn, COMMAND_LINE, ids["Badplatser"], HVD)
    ids["Hållplatser"] = draft
    ids["answered"] = _suggestion(conn, "Cykelställ")
    ids["waiting"] = _suggestion(conn, "Snöröjning i realtid")
    editor = actor_for(conn, get_user(conn, "editor"))
    change_status(conn, editor, ids["answered"], StatusChange("planned", "Kommer i vår."))
    create_candidate(conn, COMMAND_LINE, "sjostad", CandidateIn("Kartor över skolskjuts"))
    return ids


@pytest.fixture
def made(world: World, engine: sa.Engine) -> dict[str, str]:
    with write(engine) as conn:
        return _catalogue(conn)
