"""Harvesting semantics: create, leave alone, update, remove; what a run reports; who owns
what was harvested; and that the source is the master."""

from __future__ import annotations

import gc
import json

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.harvest.catalogues import catalogue, dataset, simple
from tests.harvest.conftest import Served, add, count, run
from torget.db.schema import datasets, harvest_origins, mail_queue, organisations
from torget.site import Site


def _datasets(site: Site) -> dict[str, dict[str, object]]:
    with site.engine.connect() as conn:
        rows = conn.execute(sa.select(datasets)).all()
    return {r.title_sv: {"id": r.id, "updated_at": r.updated_at, "state": r.state,
                         "data": json.loads(r.data)} for r in rows}  # fmt: skip


def test_first_run_creates_a_rerun_leaves_alone(site: Site, region: str, served: Served) -> None:
    url = served.put("/dcat.ttl", simple(1, 2, 3), "text/turtle")
    source = add(site, url)
    first = run(site, source)
    assert first.state == "done", first.as_json()
    assert (first.created, first.updated, first.unchanged, first.skipped) == (3, 0, 0, 0)
    before = _datasets(site)
    assert set(before) == {"Datamängd 1", "Datamängd 2", "Datamängd 3"}
    ds = before["Datamängd 1"]["data"]
    assert isinstance(ds, dict) and ds["organisation"] == "region"
    assert ds["state"] == "published"
    again = run(site, source)
    assert (again.created, again.updated, again.unchanged, again.removed) == (0, 0, 3, 0)
    assert _datasets(site) == before  # not even the modification time


def test_changed_updated_vanished_deleted(site: Site, region: str, served: Served) -> None:
    url = served.put("/dcat.ttl", simple(1, 2, 3), "text/turtle")
    source = add(site, url)
    run(site, source)
    before = _datasets(site)
    served.put("/dcat.ttl", simple(1, 2, titles={2: "Nytt namn"}), "text/turtle")
    second = run(site, source)
    assert (second.created, second.updated, second.unchanged, second.removed) == (0, 1, 1, 1)
    after = _datasets(site)
    assert set(after) == {"Datamängd 1", "Nytt namn"}
    assert after["Nytt namn"]["id"] == before["Datamängd 2"]["id"]
    assert after["Datamängd 1"] == before["Datamängd 1"]
    assert count(site.engine, harvest_origins) == 2


def test_vanished_kept_as_withdrawn_and_back(site: Site, region: str, served: Served) -> None:
    url = served.put("/dcat.ttl", simple(1, 2), "text/turtle")
    source = add(site, url, on_vanish="withdraw")
    run(site, source)
    served.put("/dcat.ttl", simple(1), "text/turtle")
    assert run(site, source).removed == 1
    assert _datasets(site)["Datamängd 2"]["state"] == "draft"
    assert run(site, source).removed == 0  # withdrawn once, not again
    served.put("/dcat.ttl", simple(1, 2), "text/turtle")
    back = run(site, source)
    assert back.updated == 1
    assert _datasets(site)["Datamängd 2"]["state"] == "published"


def test_local_edits_are_refused(
    site: Site, region: str, served: Served, client: TestClient
) -> None:
    from tests.conftest import World

    world = World(client, site.engine)
    run(site, add(site, served.put("/dcat.ttl", simple(1), "text/turtle")))
    ds = _datasets(site)["Datamängd 1"]
    auth = world.auth("root")
    patched = client.patch(f"/api/datasets/{ds['id']}", json={"title": {"sv": "X"}}, headers=auth)
    assert patched.status_code == 409, patched.text
    assert patched.json()["code"] == "harvested_dataset"
    deleted = client.delete(f"/api/datasets/{ds['id']}", headers=auth)
    assert deleted.status_code == 409
    assert _datasets(site)["Datamängd 1"] == ds


def test_mapping_to_the_official_vocabularies(site: Site, region: str, served: Served) -> None:
    extra = """
    dcat:theme <http://inspire.ec.europa.eu/theme/hy> ;
    dcterms:title "Water bodies"@en-t-sv-t0-mtec ;
    dcterms:accrualPeriodicity <http://purl.org/cld/freq/annual> ;
    dcterms:issued "2020" ;
    """
    dist = """
<https://data.example/dataset/1/csv> a dcat:Distribution ;
    dcat:accessURL <https://data.example/files/1.csv> ;
    dcterms:format <http://publications.europa.eu/resource/authority/file-type/CSV> ;
    dcterms:license <https://creativecommons.org/licenses/by/4.0/deed.sv> .
"""
    url = served.put("/dcat.ttl", catalogue(dataset(1, extra=extra, distribution=dist), ids=[1]),
                     "text/turtle")  # fmt: skip
    result = run(site, add(site, url))
    assert result.created == 1, result.as_json()
    data = _datasets(site)["Datamängd 1"]["data"]
    assert isinstance(data, dict)
    assert data["themes"] == [
        "http://publications.europa.eu/resource/authority/data-theme/ENVI",
        "http://publications.europa.eu/resource/authority/data-theme/TECH",
    ]
    assert data["title"]["en"] == "Water bodies"
    assert data["frequency"].endswith("/frequency/ANNUAL")
    assert data["issued"] == "2020-01-01"
    with site.engine.connect() as conn:
        notes = json.loads(conn.execute(sa.select(harvest_origins.c.notes)).scalar_one())
    assert notes["machine_translated"] == ["title.en"]
    codes = {p.code for p in result.problems}
    assert {"machine_translated", "mapped_value"} <= codes


def test_publishers_become_organisations(site: Site, region: str, served: Served) -> None:
    other = """
<http://dataportal.se/organisation/SE2120001207> a foaf:Organization ;
    foaf:name "Grannby kommun"@sv .
"""
    body = catalogue(dataset(1), dataset(2, publisher="SE2120001207"), ids=[1, 2], more=other)
    source = add(site, served.put("/dcat.ttl", body, "text/turtle"), publisher_organisations=True)
    assert run(site, source).created == 2
    owners = {t: d["data"]["organisation"] for t, d in _datasets(site).items()}  # type: ignore[index]
    assert owners == {"Datamängd 1": "sjostads-kommun", "Datamängd 2": "grannby-kommun"}
    with site.engine.connect() as conn:
        numbers = {
            json.loads(r.data)["org_number"]
            for r in conn.execute(
                sa.select(organisations.c.data).where(organisations.c.name.like("%kommun"))
            )
        }
    assert numbers == {"2120000142", "2120001207"}
    assert run(site, source).unchanged == 2  # found again, not made twice


def test_one_bad_dataset_is_skipped_and_reported(site: Site, region: str, served: Served) -> None:
    body = catalogue(dataset(1), dataset(2, title=""), ids=[1, 2])
    source = add(site, served.put("/dcat.ttl", body, "text/turtle"), contact_email="k@ex.se")
    result = run(site, source)
    assert (result.created, result.skipped) == (1, 1)
    missing = [p for p in result.problems if p.code == "missing_title"]
    assert missing[0].dataset == "https://data.example/dataset/2"
    assert missing[0].property == "dcterms:title"
    with site.engine.connect() as conn:
        mail = conn.execute(sa.select(mail_queue)).one()
    assert mail.recipient == "k@ex.se"
    assert "dcterms:title" in mail.body and "Lägg till dcterms:title" in mail.body


@pytest.mark.parametrize("syntax", ["turtle", "xml", "json-ld"])
def test_three_syntaxes(site: Site, region: str, served: Served, syntax: str) -> None:
    import rdflib

    graph = rdflib.Graph().parse(data=simple(1, 2), format="turtle")
    media = {"turtle": "text/turtle", "xml": "application/rdf+xml",
             "json-ld": "application/ld+json"}[syntax]  # fmt: skip
    url = served.put("/dcat", graph.serialize(format=syntax), media)
    assert run(site, add(site, url)).created == 2


def test_hydra_pages_and_sub_catalogues(site: Site, region: str, served: Served) -> None:
    for page in range(1, 4):
        nxt = f"hydra:next <{served.base}/page{page + 1}> ;" if page < 3 else ""
        view = f"""<{served.base}/page{page}> a hydra:PartialCollectionView ; {nxt}
            hydra:first <{served.base}/page1> ."""
        n = page * 10
        served.put(f"/page{page}", catalogue(dataset(n), dataset(n + 1), ids=[n, n + 1],
                                             more=view), "text/turtle")  # fmt: skip
    sub = f"""<https://data.example/catalog> dcterms:hasPart <{served.base}/sub> .
              <{served.base}/sub> a dcat:Catalog ."""
    served.put("/page3", catalogue(dataset(30), ids=[30], more=sub), "text/turtle")
    served.put("/sub", catalogue(dataset(40), ids=[40]), "text/turtle")
    result = run(site, add(site, served.base + "/page1"))
    assert result.created == 6, result.as_json()


def test_conditional_request(site: Site, region: str, served: Served) -> None:
    url = served.put("/dcat.ttl", simple(1), "text/turtle", etag='"v1"')
    source = add(site, url)
    run(site, source)
    again = run(site, source)
    assert again.unchanged == 1
    assert served.requests[-1][1].get("If-None-Match") == '"v1"'
    assert served.requests[-1][1]["User-Agent"].startswith("Torget/")


@pytest.mark.parametrize("load", [False, True])
def test_datastore_loads_only_when_the_source_says_so(
    site: Site, region: str, served: Served, load: bool
) -> None:
    from torget.db.schema import datastore_jobs

    source = add(site, served.put("/dcat.ttl", simple(1, 2), "text/turtle"), load_datastore=load)
    assert run(site, source).created == 2
    assert count(site.engine, datastore_jobs) == (2 if load else 0)


@pytest.mark.parametrize("load", [False, True])
def test_a_saved_harvested_distribution_is_queued_only_when_its_source_loads(
    site: Site, region: str, served: Served, load: bool
) -> None:
    """The datastore queues no load for a distribution whose source does not load (before,
    it queued one that the harvest then removed); alone or many at once, as a harvest's."""
    from torget.db.engine import write
    from torget.db.schema import datastore_jobs, distributions
    from torget.events import DistributionSaved, gathered, publish

    source = add(site, served.put("/dcat.ttl", simple(1, 2), "text/turtle"), load_datastore=load)
    run(site, source)
    with write(site.engine) as conn:
        conn.execute(datastore_jobs.delete())
        saved = [
            DistributionSaved(r.id, r.dataset_id)
            for r in conn.execute(sa.select(distributions.c.id, distributions.c.dataset_id))
        ]
        publish(conn, saved[0])
        with gathered(conn):
            for event in saved[1:]:
                publish(conn, event)
    assert count(site.engine, datastore_jobs) == (2 if load else 0)


def test_the_dcat_guard_refuses_one_dataset_of_the_batch(
    site: Site, region: str, served: Served
) -> None:
    """The new datasets are checked together; the one whose distribution breaks the feed
    (an address the rules take but that is no RFC 3987 IRI) is left out, the rest applied."""
    bad = """
<https://data.example/dataset/2/csv> a dcat:Distribution ;
    dcat:accessURL <https://data.example/files/2%zz.csv> ;
    dcterms:format "text/csv" ;
    dcterms:license <https://creativecommons.org/licenses/by/4.0/deed.sv> .
"""
    body = catalogue(dataset(1), dataset(2, distribution=bad), dataset(3), ids=[1, 2, 3])
    result = run(site, add(site, served.put("/dcat.ttl", body, "text/turtle")))
    assert (result.created, result.skipped) == (2, 1), result.as_json()
    refused = [p for p in result.problems if p.code == "dataset_refused"]
    assert {p.dataset for p in refused} == {"https://data.example/dataset/2"}
    assert "RFC 3987" in refused[0].detail
    assert set(_datasets(site)) == {"Datamängd 1", "Datamängd 3"}
    assert count(site.engine, harvest_origins) == 2


def _paged(served: Served, titles: dict[int, str] | None = None) -> str:
    view = f"<{served.base}/p1> a hydra:PartialCollectionView ; hydra:next <{served.base}/p2> ."
    served.put("/p1", catalogue(dataset(1), ids=[1], more=view), "text/turtle")
    title = (titles or {}).get(2)
    served.put("/p2", catalogue(dataset(2, title=title), ids=[2]), "text/turtle")
    return served.base + "/p1"


def test_unchanged_pages_are_not_parsed_again(site: Site, region: str, served: Served) -> None:
    """Without ETag or Last-Modified, the same bytes on every page mean nothing changed: the
    re-run fetches each page and stops there (no "reading" stage), counting all unchanged."""
    from torget.harvest.run import run_source

    source = add(site, _paged(served))
    assert run(site, source).created == 2
    stages: list[str] = []
    again = run_source(site.engine, site.settings, source, stages.append)
    assert (again.state, again.unchanged, again.updated) == ("done", 2, 0), again.as_json()
    assert not any(s.startswith("reading") for s in stages), stages
    assert [path for path, _ in served.requests[-2:]] == ["/p1", "/p2"]
    _paged(served, {2: "Nytt namn"})  # the second page changed: read and applied
    stages.clear()
    changed = run_source(site.engine, site.settings, source, stages.append)
    assert (changed.updated, changed.unchanged) == (1, 1), changed.as_json()
    assert any(s.startswith("reading") for s in stages)
    assert [path for path, _ in served.requests[-2:]] == ["/p1", "/p2"]  # fetched once each


def test_a_run_that_skipped_is_read_again(site: Site, region: str, served: Served) -> None:
    """The report of each run lists the skipped datasets: a source with one is not taken as
    unchanged by its bytes."""
    from torget.harvest.run import run_source

    body = catalogue(dataset(1), dataset(2, title=""), ids=[1, 2])
    source = add(site, served.put("/dcat.ttl", body, "text/turtle"))
    assert run(site, source).skipped == 1
    stages: list[str] = []
    again = run_source(site.engine, site.settings, source, stages.append)
    assert again.skipped == 1 and any(s.startswith("reading") for s in stages)


@pytest.mark.parametrize("keep", [False, True])
def test_removing_a_source(site: Site, region: str, served: Served, keep: bool) -> None:
    """One transaction: the source, its runs and its origins go; its datasets are deleted or
    become the organisation's own (edited here from now on); the audit log says so."""
    from torget.accounts.permissions import COMMAND_LINE
    from torget.db.engine import write
    from torget.db.schema import audit_log, harvest_runs, harvest_sources
    from torget.publishing.changes import patch_dataset, remove_harvest_source

    source = add(site, served.put("/dcat.ttl", simple(1, 2), "text/turtle"))
    run(site, source)
    with write(site.engine) as conn:
        assert remove_harvest_source(conn, COMMAND_LINE, source, keep_datasets=keep) == 2
    for table in (harvest_sources, harvest_runs, harvest_origins):
        assert count(site.engine, table) == 0
    left = _datasets(site)
    assert set(left) == ({"Datamängd 1", "Datamängd 2"} if keep else set())
    with site.engine.connect() as conn:
        entries = conn.execute(
            sa.select(audit_log.c.subject_type, audit_log.c.action, audit_log.c.changes)
            .where(audit_log.c.channel == "cli", audit_log.c.changes.like("%harvest_source%"))
        ).all()  # fmt: skip
    kinds = sorted((e.subject_type, e.action) for e in entries)
    assert kinds == [("dataset", "changed")] * 2 * keep + [("organisation", "changed")]
    if not keep:
        with site.engine.connect() as conn:
            deleted = conn.execute(sa.select(audit_log).where(audit_log.c.action == "deleted"))
            assert len(deleted.all()) == 2
    else:
        with write(site.engine) as conn:
            ds_id = str(left["Datamängd 1"]["id"])
            # no longer refused as harvested; its organisation's own rules apply from now on
            patch_dataset(conn, COMMAND_LINE, ds_id, {"title": {"sv": "Egen"}, "state": "draft"})
        assert "Egen" in _datasets(site)


def test_removing_a_source_needs_its_administrator(
    site: Site, region: str, served: Served, client: TestClient
) -> None:
    from tests.conftest import World

    world = World(client, site.engine)
    source = add(site, served.put("/dcat.ttl", simple(1), "text/turtle"))
    run(site, source)
    path = f"/api/harvest/sources/{source}"
    assert client.delete(path).status_code == 401
    assert client.delete(path, headers=world.auth("editor")).status_code in (403, 404)
    assert count(site.engine, harvest_origins) == 1
    kept = client.delete(path, params={"keep_datasets": "true"}, headers=world.auth("root"))
    assert kept.status_code == 200, kept.text
    assert kept.json() == {"id": source, "datasets": 1, "kept": True}
    assert set(_datasets(site)) == {"Datamängd 1"}
    assert client.delete(path, headers=world.auth("root")).status_code == 404


def test_data_services_and_series_are_named_in_the_report(
    site: Site, region: str, served: Served
) -> None:
    """Not harvested as such (yet): the report says so, and the datasets are harvested."""
    more = """
<https://data.example/api> a dcat:DataService ;
    dcterms:title "Sjöstads API"@sv ;
    dcat:endpointURL <https://data.example/api/v1> ;
    dcat:servesDataset <https://data.example/dataset/1> .
<https://data.example/series> a dcat:DatasetSeries ; dcterms:title "Serie"@sv .
"""
    extra = "dcat:inSeries <https://data.example/series> ;"
    body = catalogue(dataset(1, extra=extra), dataset(2), ids=[1, 2], more=more)
    result = run(site, add(site, served.put("/dcat.ttl", body, "text/turtle")))
    assert (result.created, result.skipped) == (2, 0), result.as_json()
    named = {(p.dataset, p.property) for p in result.problems if p.code == "not_harvested"}
    assert named == {
        ("https://data.example/api", "dcat:DataService"),
        ("https://data.example/series", "dcat:DatasetSeries"),
        ("https://data.example/dataset/1", "dcat:inSeries"),
    }
    assert all(p.severity == "warning" for p in result.problems if p.code == "not_harvested")


def test_a_run_holds_off_full_collections(site: Site, region: str, served: Served) -> None:
    """A large harvest paid a third of its CPU for the collector's walks over what it holds
    (torget/collector.py); the young generations are still collected during the run."""
    url = served.put("/dcat.ttl", simple(1, 2, 3), "text/turtle")
    source = add(site, url)
    before = gc.get_threshold()
    seen: list[tuple[int, tuple[int, int, int]]] = []

    def collected(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            seen.append((info["generation"], gc.get_threshold()))

    gc.callbacks.append(collected)
    try:
        assert run(site, source).created == 3
    finally:
        gc.callbacks.remove(collected)
    assert seen, "no collection ran during the harvest"
    assert all(threshold[2] > 1_000_000 for _, threshold in seen)
    assert gc.get_threshold() == before
