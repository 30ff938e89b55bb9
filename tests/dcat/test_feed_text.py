"""The DCAT documents stay well-formed: the catalogue refuses text that XML and RDF cannot
carry, naming each field, and the writers drop what older rows still hold (issue 19)."""

from __future__ import annotations

import json
from typing import Any

import rdflib
import sqlalchemy as sa
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, RDF

from tests.conftest import World, dataset_payload, org_payload, published_payload
from torget.db.schema import datasets


def _fields(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.text
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def test_catalogue_text_with_control_characters_is_refused(world: World) -> None:
    payload = dataset_payload(
        title={"sv": "Bad\x01platser"},
        description={"sv": "Rad ett\n\tRad\x0c två", "en": "Fine\r\nlines"},
        keywords={"sv": ["bad\nstrand"], "en": []},
        contact_point={"name": "Kontakt\x1b", "email": "kontakt@sjostad.example"},
        landing_page="https://www.sjostad.example/bad\x01",
    )
    payload["distributions"][0]["title"] = {"sv": "CSV\u2028fil"}
    errors = _fields(world.client.post("/api/datasets", json=payload, headers=world.auth("editor")))
    assert errors == {
        "title.sv": "has the control character U+0001 at character 4; remove it",
        "description.sv": "has the control character U+000C at character 13; remove it",
        "keywords.sv.0": "must be one line: there is a line break at character 4",
        "contact_point.name": "has the control character U+001B at character 8; remove it",
        "landing_page": "has the control character U+0001 at character 32; remove it",
        "distributions.0.title.sv": "must be one line: there is a line break at character 4",
    }
    fine = dataset_payload(description={"sv": "Rad ett\n\tRad två", "en": "Fine\r\nlines"})
    assert (
        world.client.post("/api/datasets", json=fine, headers=world.auth("editor")).status_code
        == 201
    )

    organisation = org_payload("ny", title={"sv": "Ny\tkommun"}, org_number=None)
    assert set(_fields(world.client.post("/api/organisations", json=organisation,
                                         headers=world.auth("root")))) == {"title.sv"}  # fmt: skip
    service = {
        "organisation": "sjostad", "title": {"sv": "Bad-API\x00"},
        "endpoint_urls": ["https://api.sjostad.example/bad"],
    }  # fmt: skip
    assert set(
        _fields(world.client.post("/api/dataservices", json=service, headers=world.auth("editor")))
    ) == {"title.sv"}


def test_every_format_stays_readable_with_an_old_row(world: World, engine: sa.Engine) -> None:
    created = world.client.post(
        "/api/datasets", json=published_payload(), headers=world.auth("editor")
    ).json()
    # Damage the stored record behind the API's back, as rows stored before the checks may be.
    with engine.begin() as conn:
        where = datasets.c.id == created["id"]
        data = json.loads(conn.execute(sa.select(datasets.c.data).where(where)).scalar_one())
        data["title"]["sv"] = "Bad\x01platser\x1f"
        data["keywords"]["sv"] = ["bad\x0bstrand"]
        data["landing_page"] = "https://www.sjostad.example/bad\x02"
        conn.execute(datasets.update().where(where).values(data=json.dumps(data)))
    graphs = {
        fmt: rdflib.Graph().parse(data=world.client.get(path).content, format=fmt)
        for fmt, path in (
            ("xml", "/datasets/dcat"), ("turtle", "/catalog.ttl"), ("json-ld", "/catalog.jsonld")
        )
    }  # fmt: skip
    assert isomorphic(graphs["xml"], graphs["turtle"])
    assert isomorphic(graphs["xml"], graphs["json-ld"])
    [dataset] = graphs["xml"].subjects(RDF.type, DCAT.Dataset)
    assert "Badplatser" in {str(t) for t in graphs["xml"].objects(dataset, DCTERMS.title)}
    assert "badstrand" in {str(k) for k in graphs["turtle"].objects(dataset, DCAT.keyword)}
    pages = {str(p) for p in graphs["json-ld"].objects(dataset, DCAT.landingPage)}
    assert pages == {"https://www.sjostad.example/bad"}
