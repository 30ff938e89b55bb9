"""Showcases ("Labs"): apps, visualisations and articles that reuse the data.

Any verified account submits one with a title, a description, a link (http or https), its
kind, the published datasets it uses (at least one) and optionally an image (PNG, JPEG or
WebP, recognised by its first bytes rather than its name, at most `showcase_image_max_bytes`),
kept in the file store under `showcases/<id>.<ext>`. An editor of an organisation that owns
one of those datasets approves it, or rejects it with a reason; only approved showcases are
public, in the gallery and on each linked dataset's page. The author is mailed the decision.
The title and the link are one line; no text holds a control character (`torget.text`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa

from torget.accounts.permissions import Actor
from torget.catalog.model import DatasetIn, LangText
from torget.clock import as_utc, now
from torget.db.schema import datasets, showcase_datasets, showcases, users
from torget.errors import (
    FieldError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from torget.events import ShowcaseApproved, publish
from torget.files import FileStore
from torget.ids import is_uuid, new_id
from torget.participation.letters import N_, recipients, send_letter
from torget.ratelimit import Limit, hit
from torget.site_lookup import settings_of
from torget.text import checked_text

__all__ = [
    "KINDS",
    "IMAGE_TYPES",
    "ShowcaseIn",
    "Showcase",
    "UsedDataset",
    "submit_showcase",
    "get_showcase",
    "list_showcases",
    "reviewable_showcases",
    "approve_showcase",
    "reject_showcase",
    "can_review",
    "image_type",
]

KINDS = ("app", "visualisation", "article")
IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}
LIMITS = {"title": 200, "description": 5000, "url": 2000, "reason": 500}
ONE_LINE = ("title", "url")  # the other texts may span lines


@dataclass
class ShowcaseIn:
    title: str
    description: str
    url: str
    kind: str
    datasets: list[str] = field(default_factory=list)  # ids or names


@dataclass(frozen=True)
class UsedDataset:
    id: str
    name: str
    title: LangText
    organisation_id: str


@dataclass(frozen=True)
class Showcase:
    id: str
    title: str
    description: str
    url: str
    kind: str
    image_key: str | None
    author_id: str | None
    author_name: str | None
    status: str
    review_reason: str | None
    reviewed_at: dt.datetime | None
    created_at: dt.datetime
    datasets: tuple[UsedDataset, ...]

    @property
    def image_path(self) -> str | None:
        return f"/showcases/{self.id}/image" if self.image_key else None

    def as_json(self, base: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "url": self.url,
            "kind": self.kind,
            "image_url": base + self.image_path if self.image_path else None,
            "author": self.author_name,
            "status": self.status,
            "review_reason": self.review_reason,
            "reviewed_at": self.reviewed_at.isoformat() if self.reviewed_at else None,
            "created_at": self.created_at.isoformat(),
            "page_url": f"{base}/showcases/{self.id}",
            "datasets": [
                {"id": d.id, "name": d.name, "title": d.title.model_dump(mode="json"),
                 "url": f"{base}/dataset/{d.name}"}
                for d in self.datasets
            ],
        }  # fmt: skip


def image_type(data: bytes) -> str | None:
    """The file extension of a PNG, JPEG or WebP image, judged by its signature."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def _text(errors: list[FieldError], name: str, value: str) -> str:
    return checked_text(errors, name, value, LIMITS[name], lines=name not in ONE_LINE)


def _used(conn: sa.Connection, refs: list[str], errors: list[FieldError]) -> list[UsedDataset]:
    if not refs:
        errors.append(
            FieldError(
                "datasets", "choose at least one published dataset", code="datasets_required"
            )
        )
    found: dict[str, UsedDataset] = {}
    for i, ref in enumerate(refs):
        key = datasets.c.id if is_uuid(ref) else datasets.c.name
        row = conn.execute(
            sa.select(datasets).where((key == ref.strip()) & (datasets.c.state == "published"))
        ).first()
        if row is None:
            errors.append(FieldError(f"datasets.{i}", f"no published dataset {ref!r}"))
            continue
        title = DatasetIn.model_validate_json(row.data).title
        found[row.id] = UsedDataset(row.id, row.name, title, row.organisation_id)
    return list(found.values())


def _check(
    conn: sa.Connection, data: ShowcaseIn, image: bytes | None
) -> tuple[list[UsedDataset], str | None]:
    errors: list[FieldError] = []
    data.title, data.description = (
        _text(errors, "title", data.title),
        _text(errors, "description", data.description),
    )
    data.url = _text(errors, "url", data.url)
    parts = urlsplit(data.url)
    if data.url and (parts.scheme not in ("http", "https") or not parts.hostname):
        errors.append(FieldError("url", "give an http:// or https:// address", code="not_http_url"))
    if data.kind not in KINDS:
        errors.append(
            FieldError(
                "kind", "choose what kind of work it is", list(KINDS), code="showcase_kind_required"
            )
        )
    used = _used(conn, data.datasets, errors)
    ext = None
    if image:
        ext = image_type(image)
        limit = settings_of(conn).showcase_image_max_bytes
        if ext is None:
            errors.append(
                FieldError(
                    "image", "the image must be a PNG, JPEG or WebP file", code="not_an_image"
                )
            )
        elif len(image) > limit:
            errors.append(
                FieldError(
                    "image",
                    f"the image is {len(image)} bytes; at most {limit}",
                    code="image_too_large",
                    params={"size": str(len(image)), "limit": str(limit)},
                )
            )
    if errors:
        raise ValidationFailed(errors)
    return used, ext


def submit_showcase(
    conn: sa.Connection,
    actor: Actor,
    files: FileStore,
    data: ShowcaseIn,
    image: bytes | None = None,
    *,
    address: str,
) -> Showcase:
    """Submit a showcase for review; rate-limited per account and per `address`."""
    actor.require_verified("submit showcases")
    assert actor.user is not None
    used, ext = _check(conn, data, image)
    limit = Limit("showcase", settings_of(conn).showcases_per_day, 24 * 3600)
    hit(conn, limit, f"user:{actor.user.id}")
    hit(conn, limit, f"ip:{address}")
    showcase_id, stamp = new_id(), now()
    key = None
    if image and ext:
        key = f"showcases/{showcase_id}.{ext}"
        files.put(key, image, IMAGE_TYPES[ext])  # an orphan file if the insert rolls back
    conn.execute(
        showcases.insert().values(
            id=showcase_id, title=data.title, description=data.description, url=data.url,
            kind=data.kind, image_key=key, author_id=actor.user.id, status="pending",
            created_at=stamp, updated_at=stamp,
        )
    )  # fmt: skip
    conn.execute(
        showcase_datasets.insert(),
        [{"showcase_id": showcase_id, "dataset_id": d.id} for d in used],
    )
    return get_showcase(conn, actor, showcase_id)


# --- Reading ---------------------------------------------------------------------------------


def _load(conn: sa.Connection, where: sa.ColumnElement[bool], limit: int = 500) -> list[Showcase]:
    author = sa.func.coalesce(users.c.fullname, users.c.name).label("author_name")
    rows = conn.execute(
        sa.select(showcases, author)
        .outerjoin(users, users.c.id == showcases.c.author_id)
        .where(where)
        .order_by(showcases.c.created_at.desc(), showcases.c.id)
        .limit(limit)
    ).all()
    ids = [r.id for r in rows]
    used: dict[str, list[UsedDataset]] = {i: [] for i in ids}
    if ids:
        links = conn.execute(
            sa.select(showcase_datasets.c.showcase_id, datasets)
            .join(datasets, datasets.c.id == showcase_datasets.c.dataset_id)
            .where(showcase_datasets.c.showcase_id.in_(ids))
            .order_by(datasets.c.title_sv)
        )
        for link in links:
            title = DatasetIn.model_validate_json(link.data).title
            used[link.showcase_id].append(
                UsedDataset(link.id, link.name, title, link.organisation_id)
            )
    return [
        Showcase(
            r.id, r.title, r.description, r.url, r.kind, r.image_key, r.author_id, r.author_name,
            r.status, r.review_reason, as_utc(r.reviewed_at) if r.reviewed_at else None,
            as_utc(r.created_at), tuple(used[r.id]),
        )
        for r in rows
    ]  # fmt: skip


def can_review(actor: Actor, showcase: Showcase) -> bool:
    return actor.user is not None and any(
        actor.has_role(d.organisation_id, "editor") for d in showcase.datasets
    )


def _visible(actor: Actor, showcase: Showcase) -> bool:
    own = actor.user is not None and actor.user.id == showcase.author_id
    return showcase.status == "approved" or own or can_review(actor, showcase)


def get_showcase(conn: sa.Connection, actor: Actor, showcase_id: str) -> Showcase:
    """A showcase: approved ones for everyone, others for their author and reviewers."""
    found = _load(conn, showcases.c.id == showcase_id) if is_uuid(showcase_id) else []
    if not found or not _visible(actor, found[0]):
        raise NotFound(f"no showcase {showcase_id!r}")
    return found[0]


def list_showcases(
    conn: sa.Connection, *, dataset_id: str | None = None, kind: str | None = None
) -> list[Showcase]:
    """Approved showcases, newest first; those using one dataset, or of one kind."""
    where = showcases.c.status == "approved"
    if dataset_id is not None:
        uses = sa.select(showcase_datasets.c.showcase_id).where(
            showcase_datasets.c.dataset_id == dataset_id
        )
        where = where & showcases.c.id.in_(uses)
    if kind is not None:
        where = where & (showcases.c.kind == kind)
    return _load(conn, where)


def reviewable_showcases(conn: sa.Connection, actor: Actor) -> list[Showcase]:
    """Pending showcases this actor may approve or reject."""
    if actor.user is None:
        return []
    pending = _load(conn, showcases.c.status == "pending")
    return [s for s in pending if can_review(actor, s)]


# --- Reviewing -------------------------------------------------------------------------------


def _review(
    conn: sa.Connection, actor: Actor, showcase_id: str, status: str, reason: str | None
) -> Showcase:
    if actor.user is None:
        raise NotAuthenticated("log in or send an API token to review showcases")
    found = _load(conn, showcases.c.id == showcase_id) if is_uuid(showcase_id) else []
    if not found:
        raise NotFound(f"no showcase {showcase_id!r}")
    showcase = found[0]
    if not can_review(actor, showcase):
        raise PermissionDenied(
            "only an editor of an organisation whose data the showcase uses may review it"
        )
    assert actor.user is not None
    conn.execute(
        showcases.update()
        .where(showcases.c.id == showcase.id)
        .values(status=status, review_reason=reason, reviewed_by=actor.user.id,
                reviewed_at=now(), updated_at=now())
    )  # fmt: skip
    if status == "approved":
        publish(conn, ShowcaseApproved(showcase.id))
    _tell_author(conn, showcase, status, reason)
    return get_showcase(conn, actor, showcase.id)


def _tell_author(conn: sa.Connection, showcase: Showcase, status: str, reason: str | None) -> None:
    if showcase.author_id is None:
        return
    url = f"{settings_of(conn).public_base}/showcases/{showcase.id}"
    for to in recipients(conn, [showcase.author_id]):
        if status == "approved":
            send_letter(conn, to, N_("Your showcase %(title)s is published"),
                        N_("Your showcase %(title)s has been approved and is shown with the "
                           "data it uses:\n%(url)s\n"),
                        title=showcase.title, url=url)  # fmt: skip
        else:
            send_letter(conn, to, N_("Your showcase %(title)s was not approved"),
                        N_("Your showcase %(title)s was not approved. The reason:\n%(reason)s\n"
                           "\n%(url)s\n"),
                        title=showcase.title, reason=reason or "", url=url)  # fmt: skip


def approve_showcase(conn: sa.Connection, actor: Actor, showcase_id: str) -> Showcase:
    return _review(conn, actor, showcase_id, "approved", None)


def reject_showcase(conn: sa.Connection, actor: Actor, showcase_id: str, reason: str) -> Showcase:
    errors: list[FieldError] = []
    text = _text(errors, "reason", reason)
    if errors:
        raise ValidationFailed(errors)
    return _review(conn, actor, showcase_id, "rejected", text)
