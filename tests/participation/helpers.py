"""What the participation tests share: the outbox, a verified member of the public, and a
published dataset with a contact point."""

from __future__ import annotations

import base64
import email
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.conftest import suite_settings
from torget.accounts.permissions import SYSTEM
from torget.accounts.users import create_user
from torget.catalog.datasets import Dataset, create_dataset
from torget.catalog.model import DatasetIn
from torget.db.engine import write
from torget.settings import Settings

COMMENTS_PER_HOUR = 6
# A real 8×8 blue PNG, for showcase images.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEUlEQVR4nGOQz9+CFTEMLQkAT1lQgcVB1ZIAAAAASUVORK5CYII="
)


@pytest.fixture(name="settings")
def engaged_settings(database_url: str, tmp_path: Path) -> Settings:
    """The suite's settings with tight comment limits, quick webhook retries and loopback
    receivers allowed. Import it into a test module to use it there."""
    return suite_settings(
        database_url,
        tmp_path,
        comments_per_hour=COMMENTS_PER_HOUR,
        allow_private_addresses=True,
        webhook_retry_seconds=1,
        webhook_max_attempts=3,
        webhook_timeout=5,
    )


def outbox(settings: Settings) -> list[EmailMessage]:
    folder = settings.data_dir / "outbox"
    found = []
    for path in sorted(Path(folder).glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=default)
        assert isinstance(message, EmailMessage)
        found.append(message)
    return found


def mails_to(settings: Settings, address: str) -> list[EmailMessage]:
    return [m for m in outbox(settings) if m["To"] == address]


def body(message: EmailMessage) -> str:
    content = message.get_content()
    assert isinstance(content, str)
    return content


def add_user(
    engine: sa.Engine, name: str, *, verified: bool = True, language: str | None = None
) -> None:
    with write(engine) as conn:
        create_user(
            conn, name, f"{name}@example.se", "secret-password", verified=verified,
            language=language,
        )  # fmt: skip


def published_dataset(engine: sa.Engine, **changes: Any) -> Dataset:
    record: dict[str, Any] = {
        "organisation": "sjostad",
        "state": "published",
        "title": {"sv": "Badplatser", "en": "Bathing sites"},
        "description": {"sv": "Kommunens badplatser."},
        "themes": ["ENVI"],
        "access_rights": "PUBLIC",
        "frequency": "ANNUAL",
        "contact_point": {"name": "Miljö", "email": "miljo@sjostad.example"},
        "distributions": [
            {"download_url": "https://data.sjostad.example/bad.csv", "format": "CSV",
             "license": "CC0-1.0"}
        ],
    }  # fmt: skip
    record.update(changes)
    with write(engine) as conn:
        return create_dataset(conn, SYSTEM, DatasetIn.model_validate(record))
