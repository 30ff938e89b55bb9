"""A small demo-like catalogue for the page tests, made through the domain functions."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from torget.accounts.permissions import SYSTEM
from torget.accounts.users import create_user
from torget.catalog.dataservices import create_dataservice
from torget.catalog.datasets import Dataset, create_dataset
from torget.catalog.model import DataServiceIn, DatasetIn, OrganisationIn
from torget.catalog.organisations import create_organisation, set_member
from torget.db.engine import write

PASSWORD = "secret-password"


@dataclass(frozen=True)
class Sample:
    bathing: Dataset
    draft: Dataset
    swedish_only: Dataset
    service_name: str


def _org(name: str, title: dict[str, str], **extra: object) -> OrganisationIn:
    return OrganisationIn.model_validate({"name": name, "title": title, **extra})


def _dataset(**changes: object) -> DatasetIn:
    record: dict[str, object] = {
        "organisation": "miljo",
        "state": "published",
        "title": {"sv": "Badplatser", "en": "Bathing sites"},
        "description": {
            "sv": "Kommunens badplatser med vattenkvalitet.\n\nUppdateras varje sommar.",
            "en": "The municipality's bathing sites with water quality.",
        },
        "keywords": {"sv": ["bad", "strand"], "en": ["bathing"]},
        "themes": ["ENVI", "HEAL"],
        "access_rights": "PUBLIC",
        "frequency": "ANNUAL",
        "language": ["SWE"],
        "temporal": {"start": "2020-01-01"},
        "distributions": [
            {
                "title": {"sv": "Badplatser som CSV", "en": "Bathing sites as CSV"},
                "download_url": "https://data.sjostad.example/badplatser.csv",
                "format": "CSV",
                "license": "CC-BY-4.0",
                "byte_size": 2_400_000,
            },
            {
                "title": {"sv": "Badplatser som GeoJSON"},
                "download_url": "https://data.sjostad.example/badplatser.geojson",
                "format": "GEOJSON",
                "license": "CC-BY-4.0",
            },
        ],
    }
    record.update(changes)
    return DatasetIn.model_validate(record)


def make_sample(engine: sa.Engine) -> Sample:
    with write(engine) as conn:
        create_organisation(
            conn,
            SYSTEM,
            _org(
                "sjostad",
                {"sv": "Sjöstads kommun", "en": "Sjöstad Municipality"},
                org_number="212000-0142",
                publisher_type="LocalAuthority",
                homepage="https://www.sjostad.example",
                contact_point={"name": "Kontaktcenter", "email": "kontakt@sjostad.example"},
                description={"sv": "En kustkommun.", "en": "A coastal municipality."},
            ),
        )
        create_organisation(
            conn,
            SYSTEM,
            _org("miljo", {"sv": "Miljöförvaltningen", "en": "Environment Department"},
                 parent="sjostad"),
        )  # fmt: skip
        create_organisation(
            conn, SYSTEM, _org("trafik", {"sv": "Trafikkontoret"}, parent="sjostad")
        )
        create_user(conn, "admin", "admin@sjostad.example", PASSWORD, sysadmin=True)
        create_user(conn, "anna", "anna@sjostad.example", PASSWORD, fullname="Anna Lind")
        create_user(conn, "erik", "erik@sjostad.example", PASSWORD)
        create_user(conn, "outsider", "outsider@example.se", PASSWORD)
        set_member(conn, SYSTEM, "miljo", "anna", "editor")
        set_member(conn, SYSTEM, "sjostad", "erik", "admin")
        bathing = create_dataset(conn, SYSTEM, _dataset())
        swedish_only = create_dataset(
            conn,
            SYSTEM,
            _dataset(
                organisation="trafik",
                title={"sv": "Parkeringsplatser"},
                description={"sv": "Kommunens parkeringar."},
                keywords={"sv": ["parkering"]},
                themes=["TRAN"],
                distributions=[
                    {
                        "download_url": "https://data.sjostad.example/parkering.json",
                        "format": "JSON",
                        "license": "CC0-1.0",
                    }
                ],
            ),
        )
        draft = create_dataset(
            conn,
            SYSTEM,
            _dataset(state="draft", title={"sv": "Luftkvalitet (utkast)"}, distributions=[]),
        )
        service = create_dataservice(
            conn,
            SYSTEM,
            DataServiceIn.model_validate(
                {
                    "organisation": "miljo",
                    "state": "published",
                    "title": {"sv": "Bad-API", "en": "Bathing API"},
                    "description": {"sv": "Badplatser i realtid."},
                    "endpoint_urls": ["https://api.sjostad.example/bad"],
                    "format": "JSON",
                    "service_type": "REST",
                    "license": "CC0-1.0",
                    "serves_datasets": [bathing.id],
                }
            ),
        )
    assert service.data.name is not None
    return Sample(bathing, draft, swedish_only, service.data.name)
