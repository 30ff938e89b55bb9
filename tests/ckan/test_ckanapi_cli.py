"""The `ckanapi` command line against live Torgets: action, search, dump and load, the last
as a round trip from one Torget into another with a database of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.ckan.conftest import Live, package

CKANAPI = str(Path(sys.executable).parent / "ckanapi")
# What CKAN itself regenerates on load: ids, timestamps and the owner's id on the new site.
_REGENERATED = {"id", "metadata_created", "metadata_modified", "owner_org", "package_id",
                "created", "last_modified", "organization"}  # fmt: skip


def _ckanapi(live: Live, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [CKANAPI, *args, "-r", live.base, "-a", live.tokens["root"]],
        input=stdin, capture_output=True, text=True, timeout=120,
        # dump and load start worker processes named `ckanapi`, found on the PATH
        env={**os.environ, "PATH": f"{Path(CKANAPI).parent}{os.pathsep}{os.environ['PATH']}"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


def _comparable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items() if k not in _REGENERATED}
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    return value


def test_action_and_search(live: Live) -> None:
    created = json.loads(
        _ckanapi(live, "action", "package_create", "-i", stdin=json.dumps(package()))
    )
    assert created["name"] == "badplatser"
    shown = json.loads(_ckanapi(live, "action", "package_show", "id=badplatser"))
    assert shown["id"] == created["id"]
    found = json.loads(_ckanapi(live, "action", "package_search", "fq=tags:strand", "-j"))
    assert found["count"] == 1
    lines = _ckanapi(live, "search", "datasets", "q=badplatser").splitlines()
    assert [json.loads(line)["name"] for line in lines] == ["badplatser"]


def test_dump_from_one_torget_and_load_into_another(
    live: Live, other_live: Live, tmp_path: Path
) -> None:
    ckan = live.ckan()
    ckan.action.package_create(**package())
    ckan.action.package_create(
        **package(name="parkering", title="Parkering", title_translated=None, private=False,
                  groups=[{"name": "tran"}], license_id="CC0-1.0")
    )  # fmt: skip
    dump = tmp_path / "datasets.jsonl"
    _ckanapi(live, "dump", "datasets", "--all", "-O", str(dump), "-q")
    dumped = [json.loads(line) for line in dump.read_text().splitlines()]
    assert sorted(d["name"] for d in dumped) == ["badplatser", "parkering"]
    log = tmp_path / "load.log"
    _ckanapi(other_live, "load", "datasets", "-I", str(dump), "-l", str(log), "-q")
    _ckanapi(other_live, "load", "datasets", "-I", str(dump), "-l", str(log), "-q")
    replies = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(r[2], r[3]) for r in replies] == [("create", None)] * 2 + [("update", None)] * 2
    for original in dumped:
        loaded = other_live.ckan().action.package_show(id=original["name"])
        assert _comparable(loaded) == _comparable(original)
        assert loaded["organization"]["name"] == original["organization"]["name"]
