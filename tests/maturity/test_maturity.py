"""Maturity (issue 14 item 4) on a catalogue made through the use-case functions: the level
rules, each criterion's value against its threshold, the next steps naming the organisation's
own datasets and suggestions in the order that lifts it first, and the role models.

Sjöstad (with its unit Trafik) publishes six datasets, two of them high-value and only one of
those served by an API; one dataset is updated daily and falls overdue two days on; one of its
two suggestions is answered; its inventory holds one candidate. That is level 2 (follower):
level 3 asks for 10 datasets, 80 % of suggestions answered, every high-value dataset with an
API, a quarter of all datasets with an API, a national specification and use.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from tests.conftest import CLASSIFIED, World, dataset_payload
from torget.accounts.permissions import COMMAND_LINE, actor_for
from torget.accounts.users import create_user, get_user
from torget.catalog.model import DataServiceIn, DatasetIn
from torget.clock import now
from torget.db.engine import read, write
from torget.maturity.levels import CRITERIA, assess, criterion
from torget.maturity.report import comparison, organisation_maturity
from torget.participation.suggestion_status import StatusChange, change_status
from torget.participation.suggestions import SuggestionIn, create_suggestion
from torget.publishing.changes import create_dataservice, create_dataset, patch_dataset
from torget.publishing.inventory_changes import create_candidate
from torget.publishing.inventory_fields import CandidateIn
from torget.publishing.settlements import ClassificationIn
from torget.settings import Settings

HVD = {"applicable_legislation": ["HVD"], "hvd_categories": ["c_b79e35eb"]}
LATER = dt.timedelta(days=2)  # the daily dataset is overdue by then


def test_the_level_is_the_highest_whose_criteria_all_hold() -> None:
    everything = {c.key: c.threshold(4) for c in CRITERIA}
    assert assess(everything).level == 4
    assert assess({**everything, "datasets": 0}).level == 0
    assert assess({**everything, "quality": 200}).level == 2  # good (221) is level 3's
    # Fewer days to answer is better; nothing to measure holds.
    assert assess({**everything, "answer_days": 31}).level == 2
    assert assess({**everything, "answer_days": None, "hvd_api": None}).level == 4
    # Each verdict is against the next level: a quarter with an API reaches level 3, not 4.
    third = assess({**everything, "api": 0.3})
    verdict = third.verdict("api")
    assert third.level == 3 and (verdict.holds, verdict.threshold, verdict.fails_at) == (
        False, 0.5, 4,
    )  # fmt: skip
    assert criterion("api").threshold(2) is None and criterion("api").threshold(9) == 0.5


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


def _values(found: Any) -> dict[str, Any]:
    return {v.criterion.key: v.value for v in found.assessment.verdicts}


def test_an_organisation_is_placed_by_its_own_catalogue(
    made: dict[str, str], engine: sa.Engine, settings: Settings
) -> None:
    with read(engine) as conn:
        found = organisation_maturity(conn, settings, "sjostad", now() + LATER)
    values = _values(found)
    assert found.level == 2
    assert values["datasets"] == 6 and values["growth"] == 5  # Gamla vägar is from 2020
    assert values["inventory"] == 1 and values["inventory_published"] == 0
    assert values["hvd_api"] == 0.5 and values["api"] == pytest.approx(1 / 6)
    assert values["freshness"] == pytest.approx(5 / 6) and values["answered"] == 0.5
    assert values["specifications"] == 0 and values["use"] == 0
    assert 221 <= values["quality"] < 351  # good, not excellent: its links are unchecked
    assert values["answer_days"] is not None and values["answer_days"] < 1
    datasets = found.assessment.verdict("datasets")
    assert (datasets.threshold, datasets.holds, datasets.fails_at) == (10, False, 3)
    # The steps: level 3's gaps in the criteria's order, then level 4's.
    steps = [(s.criterion, s.level) for s in found.steps]
    assert steps == [
        ("datasets", 3), ("answered", 3), ("hvd_api", 3), ("api", 3), ("specifications", 3),
        ("use", 3), ("quality", 4), ("freshness", 4), ("inventory_published", 4),
    ]  # fmt: skip
    hvd = found.steps[2]
    assert hvd.text(str) == (
        "1 of your 2 high-value datasets lack an API, which the EU regulation on high-value "
        "datasets requires:"
    )
    assert [(n.text("en"), n.href) for n in hvd.named] == [
        ("Badplatser (en)", f"/publish/dataset/{made['Badplatser']}")
    ]
    # New data: the waiting suggestion (the public may read it); the inventory is not public.
    assert [n.href for n in found.steps[0].named] == [f"/suggestions/{made['waiting']}"]
    late = found.steps[7]
    assert late.params == {"late": 1, "total": 6, "target": 95}
    assert [n.text("sv") for n in late.named] == ["Luftmätningar"]


def test_the_comparison_names_a_role_model_per_criterion(
    made: dict[str, str], engine: sa.Engine, settings: Settings
) -> None:
    with read(engine) as conn:
        found = comparison(conn, settings, now() + LATER)
    levels = {m.organisation.name: m.level for m in found.organisations}
    assert levels == {"sjostad": 2, "trafik": 1, "grannby": 0}
    assert [m.organisation.name for m in found.organisations] == ["sjostad", "trafik", "grannby"]
    models = {r.criterion.key: (r.organisation.name, r.value) for r in found.role_models}
    assert models["datasets"] == ("sjostad", 6)
    assert models["quality"][0] in {"sjostad", "trafik"}
    assert "use" not in models  # nobody has been used: no role model to learn from
