"""Maturity's surfaces over the made catalogue (`conftest.py`): the public organisation page
in Swedish and English without JavaScript, the comparison page with its role models, the JSON
API, `torget maturity` and the links from the organisation page and the publishing
dashboard."""

from __future__ import annotations

from pathlib import Path

from tests.command_line import run_torget
from tests.conftest import World
from tests.publishing.test_one_rule import HTML, _log_in
from torget.settings import Settings


def test_the_organisation_page_names_its_level_and_steps(
    made: dict[str, str], world: World
) -> None:
    page = world.client.get("/organisation/sjostad/maturity?lang=en", headers=HTML)
    assert page.status_code == 200
    text = page.text
    assert "Level 2 of 4: Follower." in text
    assert "1 of your 2 high-value datasets lack an API" in text
    assert f'<a href="/publish/dataset/{made["Badplatser"]}">Badplatser (en)</a>' in text
    assert f'<a href="/suggestions/{made["waiting"]}">Snöröjning i realtid</a>' in text
    assert 'href="/api/organisations/sjostad/maturity"' in text
    swedish = world.client.get("/organisation/sjostad/maturity?lang=sv", headers=HTML).text
    assert "Nivå 2 av 4: Följare." in swedish
    assert "1 av era 2 värdefulla datamängder saknar API" in swedish
    assert "<script" not in text.split("<main", 1)[1].split("</main>", 1)[0]
    assert (
        'href="/organisation/sjostad/maturity"'
        in world.client.get("/organisation/sjostad", headers=HTML).text
    )


def test_the_comparison_shows_every_organisation_and_the_role_models(
    made: dict[str, str], world: World
) -> None:
    page = world.client.get("/maturity?lang=en", headers=HTML).text
    assert "Role models" in page
    assert 'Published datasets: <a href="/organisation/sjostad/maturity"' in page
    for name in ("sjostad", "trafik", "grannby"):
        assert f'<a href="/organisation/{name}/maturity"' in page
    _log_in(world, "editor")
    dashboard = world.client.get("/publish", headers=HTML).text
    assert 'href="/maturity"' in dashboard and 'href="/organisation/sjostad/maturity"' in dashboard


def test_the_json_api(made: dict[str, str], world: World) -> None:
    one = world.client.get("/api/organisations/sjostad/maturity?lang=en").json()
    assert (one["level"], one["level_name"], one["next_level"]) == (2, "Follower", 3)
    datasets = next(c for c in one["criteria"] if c["key"] == "datasets")
    assert (datasets["value"], datasets["threshold"], datasets["holds"]) == (6, 10, False)
    hvd = next(s for s in one["next_steps"] if s["criterion"] == "hvd_api")
    assert [n["title"] for n in hvd["named"]] == ["Badplatser (en)"]
    assert hvd["named"][0]["url"].endswith(f"/publish/dataset/{made['Badplatser']}")
    every = world.client.get("/api/maturity").json()
    assert [o["organisation"] for o in every["organisations"]] == ["sjostad", "trafik", "grannby"]
    assert {"criterion": "datasets", "organisation": "sjostad"}.items() <= next(
        r for r in every["role_models"] if r["criterion"] == "datasets"
    ).items()
    assert world.client.get("/api/organisations/nobody/maturity").status_code == 404


def test_the_command(made: dict[str, str], settings: Settings, tmp_path: Path) -> None:
    env = {
        "TORGET_DATA_DIR": str(settings.data_dir),
        "TORGET_DATABASE_URL": settings.database_url,
        "TORGET_CONFIG": str(tmp_path / "none.toml"),
    }
    one = run_torget(env, "maturity", "sjostad", "--lang", "en")
    assert one.returncode == 0, one.stderr
    assert one.stdout.startswith("sjostad: 2 Follower\n")
    assert "3. [3] 1 of your 2 high-value datasets lack an API" in one.stdout
    assert f"/publish/dataset/{made['Badplatser']}" in one.stdout
    every = run_torget(env, "maturity", "--json")
    assert '"role_models"' in every.stdout and '"level": 2' in every.stdout
