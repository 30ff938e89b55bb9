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

from tests.maturity.conftest import LATER
from torget.accounts.permissions import SYSTEM
from torget.catalog.datasets import get_dataset
from torget.clock import now
from torget.db.engine import read
from torget.maturity.levels import CRITERIA, assess, criterion
from torget.maturity.report import comparison, organisation_maturity
from torget.quality.hvd import check_high_value, datasets_with_api
from torget.settings import Settings
from torget.usage import Hit, add_counts

DAY = dt.timedelta(days=1)


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
    at = now() + LATER
    with read(engine) as conn:
        found = comparison(conn, settings, at)
        alone = organisation_maturity(conn, settings, "sjostad", at)
    # One organisation read alone (its units' datasets only) is measured as in the comparison.
    assert _values(found.organisations[0]) == _values(alone)
    levels = {m.organisation.name: m.level for m in found.organisations}
    assert levels == {"sjostad": 2, "trafik": 1, "grannby": 0}
    assert [m.organisation.name for m in found.organisations] == ["sjostad", "trafik", "grannby"]
    models = {r.criterion.key: (r.organisation.name, r.value) for r in found.role_models}
    assert models["datasets"] == ("sjostad", 6)
    assert models["quality"][0] in {"sjostad", "trafik"}
    assert "use" not in models  # nobody has been used: no role model to learn from


def test_the_api_term_is_that_of_the_high_value_check(
    made: dict[str, str], engine: sa.Engine
) -> None:
    """`datasets_with_api` (many datasets at once) agrees with `check_high_value` (one)."""
    with read(engine) as conn:
        ids = [made[t] for t in ("Badplatser", "Hållplatser", "Parker")]
        many = datasets_with_api(conn, ids)
        for dataset_id in ids[:2]:  # the high-value ones
            one = check_high_value(conn, get_dataset(conn, SYSTEM, dataset_id))
            assert one is not None and (dataset_id in many) == ("api" not in one.missing)
    assert many == {made["Hållplatser"]}


def test_use_counts_whole_days_up_to_yesterday(
    made: dict[str, str], engine: sa.Engine, settings: Settings
) -> None:
    """Today's counts are still being flushed in: the figure counts whole days only, so two views
    of the page on one day agree (the CI run of 2026-12-07 saw them differ)."""
    day = (now() + LATER).date()
    add_counts(engine, {Hit(day, made["Badplatser"], "", "view", "Mozilla/5.0"): 12})
    that_day = dt.datetime.combine(day, dt.time(12), dt.UTC)
    with read(engine) as conn:
        same_day = _values(organisation_maturity(conn, settings, "sjostad", that_day))
        next_day = _values(organisation_maturity(conn, settings, "sjostad", that_day + DAY))
        year_on = _values(organisation_maturity(conn, settings, "sjostad", that_day + 366 * DAY))
    assert same_day["use"] == 0
    assert next_day["use"] == 2  # 12 uses over the 6 published datasets
    assert year_on["use"] == 0
