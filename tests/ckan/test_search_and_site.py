"""package_search, organizations, groups, tags, licences and tokens through ckanapi."""

from __future__ import annotations

import ckanapi
import pytest

from tests.ckan.conftest import Live, package


def _catalogue(live: Live) -> None:
    ckan = live.ckan()
    ckan.action.package_create(**package())
    ckan.action.package_create(
        **package(
            name="parkering", title="Parkeringsplatser", title_translated=None,
            tags=[{"name": "parkering"}], tags_translated=None, groups=[{"name": "tran"}],
            license_id="CC0-1.0", owner_org="grannby",
            resources=[{"url": "https://x.example/p.json", "format": "JSON"}],
        )
    )  # fmt: skip
    ckan.action.package_create(**package(name="utkast", title="Utkast", private=True))


def test_package_search(live: Live) -> None:
    _catalogue(live)
    ckan = live.ckan()
    assert ckan.action.package_search()["count"] == 2
    assert ckan.action.package_search(include_private=True)["count"] == 3
    assert ckan.action.package_search(q="parkering")["results"][0]["name"] == "parkering"
    for fq, names in (
        ("organization:grannby", ["parkering"]),
        ("tags:bad", ["badplatser"]),
        ("res_format:CSV", ["badplatser"]),
        ("res_format:csv", ["badplatser"]),
        ("license_id:cc-zero", ["parkering"]),
        ("groups:tran", ["parkering"]),
        ("name:badplatser", ["badplatser"]),
        ('+organization:sjostad +tags:"strand"', ["badplatser"]),
    ):
        found = ckan.action.package_search(fq=fq)
        assert [r["name"] for r in found["results"]] == names, fq
        assert found["count"] == len(names)
    by_name = ckan.action.package_search(sort="name asc", rows=1, start=1)
    assert [r["name"] for r in by_name["results"]] == ["parkering"] and by_name["count"] == 2
    titles = ckan.action.package_search(sort="title_string asc")["results"]
    assert [r["title"] for r in titles] == ["Badplatser", "Parkeringsplatser"]
    faceted = ckan.action.package_search(
        **{"facet.field": '["groups", "organization", "res_format", "license_id"]'}
    )
    groups = faceted["search_facets"]["groups"]
    assert groups["title"] == "groups"
    assert {i["name"]: i["count"] for i in groups["items"]} == {"envi": 1, "tran": 1}
    assert faceted["facets"]["license_id"] == {"CC-BY-4.0": 1, "CC0-1.0": 1}
    orgs = faceted["search_facets"]["organization"]["items"]
    assert [i["display_name"] for i in orgs] == ["Sjöstads kommun", "Grannby kommun"]
    limited = ckan.action.package_search(**{"facet.field": ["groups"], "facet.limit": 1})
    assert len(limited["search_facets"]["groups"]["items"]) == 1


def test_organizations_groups_tags_licences(live: Live) -> None:
    _catalogue(live)
    ckan = live.ckan()
    assert ckan.action.organization_list() == ["grannby", "sjostad"]
    (listed,) = ckan.action.organization_list(all_fields=True, organizations=["sjostad"])
    assert listed["package_count"] == 1 and listed["title"] == "Sjöstads kommun"
    shown = ckan.action.organization_show(id="sjostad", include_datasets=True, include_users=True)
    assert sorted(p["name"] for p in shown["packages"]) == ["badplatser", "utkast"]
    assert shown["users"] == [{"name": "editor", "capacity": "editor"}]
    created = ckan.action.organization_create(
        name="miljo", title="Miljöförvaltningen", groups=[{"name": "sjostad"}],
        title_translated={"sv": "Miljöförvaltningen", "en": "Environment"},
    )  # fmt: skip
    assert created["groups"] == [{"name": "sjostad"}]
    member = ckan.action.organization_member_create(id="miljo", username="outsider", role="editor")
    assert member["capacity"] == "editor"
    outsider = live.ckan("outsider")
    outsider.action.package_create(**package(name="miljodata", owner_org="miljo"))
    patched = ckan.action.organization_patch(id="miljo", description="Miljöfrågor")
    assert patched["description"] == "Miljöfrågor" and patched["title_translated"]["en"]
    with pytest.raises(ckanapi.ValidationError):
        ckan.action.organization_delete(id="miljo")
    with pytest.raises(ckanapi.NotAuthorized):
        outsider.action.organization_create(
            name="egen", title="Egen", extras=[{"key": "publisher_type", "value": "Company"}]
        )
    assert "tran" in ckan.action.group_list()
    tran = ckan.action.group_show(id="tran", include_datasets=True)
    assert tran["title"] == "Transport" and tran["title_translated"]["en"] == "Transport"
    assert tran["package_count"] == 1 and tran["packages"][0]["name"] == "parkering"
    assert ckan.action.tag_list() == ["bad", "parkering", "strand"]
    licences = {lic["id"]: lic["url"] for lic in ckan.action.license_list()}
    assert len(licences) == 7
    assert licences["CC0-1.0"] == "http://creativecommons.org/publicdomain/zero/1.0/"
    assert ckan.action.status_show()["site_url"] == live.base
    assert ckan.action.site_read() is True


def test_tokens(live: Live) -> None:
    editor = live.ckan("editor")
    token = editor.action.api_token_create(user="editor", name="script")["token"]
    listed = editor.action.api_token_list(user="editor")
    assert sorted(t["name"] for t in listed) == ["ckan", "script"]
    fresh = ckanapi.RemoteCKAN(live.base, apikey=token)
    assert fresh.action.api_token_list(user_id="editor")
    with pytest.raises(ckanapi.NotAuthorized):
        editor.action.api_token_create(user="root", name="stolen")
    jti = next(t["id"] for t in listed if t["name"] == "script")
    editor.action.api_token_revoke(jti=jti)
    with pytest.raises(ckanapi.NotAuthorized):
        fresh.action.api_token_list(user="editor")
