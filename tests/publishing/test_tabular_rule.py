"""The checklist waits for the personal-data guard on exactly the files the datastore loads
(`datastore.load.loadable_source`): a file declared as PDF whose address ends in `.csv` is
loaded, scanned and held like any CSV, so its checklist item is pending while the scan runs.

Before, the checklist decided by the declared format alone and called such a file clear while
the guard held it, so publication went ahead to a dataset whose file the public got 404 for.
"""

from __future__ import annotations

from tests.conftest import World, client_site
from tests.publishing.test_gates import PEOPLE, _classify, _draft
from tests.publishing.test_held_uploads import _run_loads, _upload
from tests.publishing.test_rescan import _item


def test_a_file_the_datastore_loads_is_awaited_whatever_its_declared_format(world: World) -> None:
    made = _draft(world, distributions=[])
    _classify(world, made["id"])
    added = _upload(world, "resource_create", PEOPLE, package_id=made["id"], name="Personer",
                    format="PDF")  # fmt: skip
    assert added["url"].endswith(".csv"), added["url"]
    assert _item(world, made["id"])["state"] == "pending"
    _run_loads(client_site(world.client))
    item = _item(world, made["id"])
    assert (item["state"], item["params"]["columns"]) == ("failed", "personnummer"), item
