"""Concurrent CKAN writes to one package, through a live server with real threads: a patch
changes only the keys it sends, and no change made meanwhile is lost (issue 19: 4 of 5
concurrent patches were lost and a resource created meanwhile was deleted, all answering 200)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.ckan.conftest import Live, package
from tests.db.threads import all_at_once

PATCHES: list[dict[str, Any]] = [
    {"title": "Badställen"},
    {"notes": "Alla badplatser i kommunen."},
    {"url": "https://www.sjostad.example/bad"},
    {"version": "2.0"},
    {"license_id": "cc-zero"},
]
NEW_RESOURCE = {"url": "https://data.sjostad.example/bad.json", "format": "JSON", "name": "JSON"}


def test_concurrent_patches_and_a_new_resource_all_survive(live: Live) -> None:
    created = live.ckan("editor").action.package_create(**package())
    calls: list[Callable[[], Any]] = [
        (lambda p=p: live.ckan("editor").action.package_patch(id=created["id"], **p))
        for p in PATCHES
    ]
    calls.append(
        lambda: live.ckan("editor").action.resource_create(package_id=created["id"], **NEW_RESOURCE)
    )
    all_at_once(calls)
    shown = live.ckan("editor").action.package_show(id=created["id"])
    assert shown["title"] == "Badställen"
    assert shown["notes"] == "Alla badplatser i kommunen."
    assert shown["url"] == "https://www.sjostad.example/bad"
    assert shown["version"] == "2.0"
    assert shown["license_id"] == "CC0-1.0"
    assert sorted(r["format"] for r in shown["resources"]) == ["CSV", "JSON"]


def test_concurrent_resource_patches_keep_each_change(live: Live) -> None:
    created = live.ckan("editor").action.package_create(**package())
    resource_id = created["resources"][0]["id"]
    changes: list[dict[str, Any]] = [
        {"name": "Badplatser (CSV)"},
        {"description": "Alla badplatser"},
        {"size": 1234},
        {"hash": "a" * 40},
    ]
    all_at_once(
        [
            (lambda c=c: live.ckan("editor").action.resource_patch(id=resource_id, **c))
            for c in changes
        ]
    )
    shown = live.ckan("editor").action.resource_show(id=resource_id)
    assert shown["name"] == "Badplatser (CSV)" and shown["description"] == "Alla badplatser"
    assert shown["size"] == 1234 and shown["hash"] == "a" * 40


def test_a_patch_without_resources_keeps_them(live: Live) -> None:
    """Only the keys sent change: a patch that does not name `resources` keeps them all,
    whatever the package looked like when the patch was read."""
    ckan = live.ckan("editor")
    created = ckan.action.package_create(**package())
    ckan.action.resource_create(package_id=created["id"], **NEW_RESOURCE)
    patched = ckan.action.package_patch(id=created["id"], version="3")
    assert patched["num_resources"] == 2 and patched["version"] == "3"
