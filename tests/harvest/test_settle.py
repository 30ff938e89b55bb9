"""`settle` normalises a model it validated itself in place (no deep copy): what the source
gave stays as it was, round after round, and what `normalise_dataset` is handed by any other
caller stays as it was too."""

from __future__ import annotations

import copy

from torget.catalog.model import DatasetIn
from torget.catalog.rules import normalise_dataset
from torget.harvest.records import Harvested
from torget.harvest.settle import settle


def _data() -> dict[str, object]:
    return {
        "title": {"sv": "  Luftkvalitet  ", "en": "Air quality"},
        "description": {"sv": "Timvärden.", "en": ""},  # the rules make it None
        "keywords": {"sv": ["luft"]},
        "language": ["swe"],
        "license": "no licence at all",  # refused: the second round goes without it
        "distributions": [
            {"access_url": "https://data.example/a.csv", "format": "CSV", "language": ["swe"]},
            {"download_url": "https://data.example/b.json", "format": "JSON"},
        ],
    }


def test_settle_leaves_the_source_record_as_given() -> None:
    record = Harvested("https://data.example/dataset/1", _data())
    given = copy.deepcopy(record.data)
    first, problems = settle(record, "source", "org")
    assert record.data == given
    assert [p.property for p in problems] == ["dcterms:license"]
    assert first.license is None
    assert first.distributions is not None
    assert first.distributions[0].format is not None
    assert first.distributions[0].format.startswith("http://publications.europa.eu/")
    assert first.distributions[1].access_url == "https://data.example/b.json"
    assert first.title.sv == "Luftkvalitet"
    assert first.description.en is None
    # Settled again from the same record: the same result, nothing carried over.
    again, _ = settle(record, "source", "org")
    assert again == first


def test_normalise_dataset_leaves_its_argument_as_given() -> None:
    data = _data()
    del data["license"]
    model = DatasetIn.model_validate({**data, "organisation": "org"})
    given = model.model_copy(deep=True)
    normalised = normalise_dataset(model)
    assert model == given
    assert normalised.distributions is not None and model.distributions is not None
    assert normalised.distributions[0] is not model.distributions[0]
    assert normalised.distributions[0].format != model.distributions[0].format
    assert normalised.description.en is None and model.description.en == ""
