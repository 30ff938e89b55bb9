"""catalogue: distributions keep Torget's own files as references, not addresses (issue 12)

Before, an uploaded file's distribution kept the absolute address `<base_url>/files/<key>`
minted when it was uploaded, so a site that changed its address (another port, a proxy, a new
domain) linked to, and its worker fetched from, an address that no longer served it. Now the
catalogue keeps `/files/<key>` and mints the address when showing it (`torget.files.urls`).

An address counts as the site's own when it starts with the site's `base_url` or
`files_base_url` followed by `/files/` (known when the site migrates itself, `Site.open`), or
when it is a `/files/` address on a loopback host: what a site run without `base_url` minted,
on whatever port it listened. Datastore jobs keep their source the same way, so a later save
does not load an unchanged file again.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 02:50:00.000000
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from alembic import context, op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_OWN = "/files/"
_FIELDS = ("access_url", "download_url")
_LOOPBACK = ("localhost", "::1")
_DEFAULT_BASE = "http://127.0.0.1:8000"  # the address a site without base_url mints


def _bases() -> list[str]:
    settings: Any = context.config.attributes.get("settings")
    if settings is None:
        return []
    return [b.rstrip("/") for b in (settings.public_base, settings.files_base_url) if b]


def _reference(url: object, bases: list[str]) -> str | None:
    if not isinstance(url, str):
        return None
    for base in bases:
        if url.startswith(base + _OWN):
            return url[len(base) :]
    parts = urlsplit(url)
    host = parts.hostname or ""
    loopback = host in _LOOPBACK or host.startswith("127.")
    if loopback and parts.scheme in ("http", "https") and parts.path.startswith(_OWN):
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return None


def _address(url: object, base: str) -> str | None:
    return base + url if isinstance(url, str) and url.startswith(_OWN) else None


def _rewrite(convert: Any) -> None:
    conn = op.get_bind()
    for dist_id, data in conn.execute(sa.text("SELECT id, data FROM distributions")).all():
        record = json.loads(data)
        changed = {f: new for f in _FIELDS if (new := convert(record.get(f))) is not None}
        if changed:
            record.update(changed)
            conn.execute(
                sa.text("UPDATE distributions SET data = :data WHERE id = :id"),
                {
                    "data": json.dumps(record, ensure_ascii=False, separators=(",", ":")),
                    "id": dist_id,
                },
            )
    for job_id, source in conn.execute(sa.text("SELECT id, source FROM datastore_jobs")).all():
        new = convert(source)
        if new is not None:
            conn.execute(
                sa.text("UPDATE datastore_jobs SET source = :source WHERE id = :id"),
                {"source": new, "id": job_id},
            )


def upgrade() -> None:
    bases = _bases()
    _rewrite(lambda url: _reference(url, bases))


def downgrade() -> None:
    base = (_bases() or [_DEFAULT_BASE])[0]
    _rewrite(lambda url: _address(url, base))
