"""What editors and admins settle before a dataset is published: its information
classification, a licence outside CC0/CC BY with its justification, the second person's
approval, the organisation's four-eyes setting, and a publication asked for while a scan ran.

Each is kept with who settled it and when (`torget.db.schema`, "Publishing gates"). The
classification follows Göteborg's model: confidentiality, integrity and availability, each at
level 0 (none), 1 (some) or 2 (high); only confidentiality 0 may be open data (lag 2022:818
§4: publication only where information security can be upheld).

These functions check who may settle what (editor of the dataset's organisation; approval by
another editor than the one who publishes) and write in the caller's transaction. The
dataset's publication itself stays with `torget.publishing.changes`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import sqlalchemy as sa

from torget.accounts.permissions import Acting, Actor
from torget.catalog import datasets as dataset_store
from torget.catalog.datasets import Dataset
from torget.catalog.organisations import get_organisation
from torget.clock import as_utc, now
from torget.db.schema import (
    dataset_classifications,
    dataset_gates,
    organisations,
    publishing_settings,
    users,
)
from torget.errors import FieldError, PermissionDenied, ValidationFailed
from torget.publishing import audit_versions
from torget.publishing.approvals import content_of
from torget.publishing.audit import Action
from torget.text import checked_text

__all__ = [
    "Classification",
    "ClassificationIn",
    "classify_with",
    "classified",
    "Settled",
    "classify",
    "classification_of",
    "justify_licence",
    "approve",
    "set_four_eyes",
    "four_eyes",
    "gates_of",
    "Gates",
    "request_publication",
    "clear_publication_request",
    "who",
    "organisation_chain",
]

_REASON_MAX = 4000


@dataclass(frozen=True)
class Settled:
    """Who settled an item (a user name; None for the command line or an erased account)
    and when."""

    by: str | None
    at: dt.datetime


@dataclass(frozen=True)
class Classification:
    confidentiality: int
    integrity: int
    availability: int
    reason: str
    settled: Settled

    def as_json(self) -> dict[str, object]:
        return {
            "confidentiality": self.confidentiality,
            "integrity": self.integrity,
            "availability": self.availability,
            "reason": self.reason,
            "set_by": self.settled.by,
            "set_at": self.settled.at.isoformat(),
        }


@dataclass(frozen=True)
class Gates:
    """A dataset's `dataset_gates` row (all None when it has none)."""

    licence_justification: str | None = None
    licence_justified: Settled | None = None
    approved: Settled | None = None
    approved_by_id: str | None = None
    publish_requested: Settled | None = None
    publish_requested_by_id: str | None = None
    approved_content: str | None = None  # JSON (`approvals.content_of`)


def who(conn: sa.Connection, user_id: str | None) -> str | None:
    if user_id is None:
        return None
    name = conn.execute(sa.select(users.c.name).where(users.c.id == user_id)).scalar()
    return None if name is None else str(name)


def _user_id(actor: Actor) -> str | None:
    """The account to keep as the settler; None for the command line (SYSTEM has no row)."""
    if actor.user is None or actor.user.id == "system":
        return None
    return actor.user.id


def _settled(conn: sa.Connection, user_id: str | None, at: object) -> Settled | None:
    return None if at is None else Settled(who(conn, user_id), as_utc(at))  # type: ignore[arg-type]


def _level(errors: list[FieldError], field: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 2:
        errors.append(
            FieldError(
                f"classification.{field}",
                f"{field} must be 0, 1 or 2, not {value!r}",
                allowed=["0", "1", "2"],
                code="classification_level",
                params={"field": field, "value": str(value)},
            )
        )
        return 0
    return value


def _reason(errors: list[FieldError], field: str, text: str | None, code: str) -> str:
    if not (text or "").strip():
        errors.append(FieldError(field, "give the reason in a sentence or two", code=code))
        return ""
    return checked_text(errors, field, text or "", _REASON_MAX, lines=True)


def _editable(conn: sa.Connection, actor: Actor, ref: str, action: str) -> Dataset:
    dataset = dataset_store.get_dataset(conn, actor, ref)
    actor.require(dataset.organisation_id, "editor", action)
    return dataset


def classify(
    conn: sa.Connection,
    actor: Acting,
    ref: str,
    *,
    confidentiality: object,
    integrity: object,
    availability: object,
    reason: str | None,
) -> Classification:
    """Set (or change) the dataset's classification, by an editor, with the reason; one
    entry in the audit log."""
    before = audit_versions.before_dataset(conn, actor, ref)
    levels = {"confidentiality": confidentiality, "integrity": integrity}
    found = _classify(conn, actor, ref, **levels, availability=availability, reason=reason)
    audit_versions.dataset_saved(conn, actor, before, before.subject.id, Action.CLASSIFIED)
    return found


def _classify(
    conn: sa.Connection,
    actor: Actor,
    ref: str,
    *,
    confidentiality: object,
    integrity: object,
    availability: object,
    reason: str | None,
) -> Classification:
    """The classification written, unrecorded: a change it is given with records it."""
    dataset = _editable(conn, actor, ref, "classify this dataset")
    errors: list[FieldError] = []
    levels = {
        "confidentiality": _level(errors, "confidentiality", confidentiality),
        "integrity": _level(errors, "integrity", integrity),
        "availability": _level(errors, "availability", availability),
    }
    text = _reason(errors, "classification.reason", reason, "classification_reason_required")
    if dataset.state == "published" and levels["confidentiality"] != 0:
        errors.append(
            FieldError(
                "classification.confidentiality",
                "a published dataset must stay at confidentiality 0: withdraw it first",
                code="confidential",
                params={"level": str(levels["confidentiality"])},
            )
        )
    if errors:
        raise ValidationFailed(errors)
    values = dict(levels, reason=text, set_by=_user_id(actor), set_at=now())
    table = dataset_classifications
    if not conn.execute(
        table.update().where(table.c.dataset_id == dataset.id).values(**values)
    ).rowcount:
        conn.execute(table.insert().values(dataset_id=dataset.id, **values))
    found = classification_of(conn, dataset.id)
    assert found is not None
    return found


def classification_of(conn: sa.Connection, dataset_id: str) -> Classification | None:
    t = dataset_classifications
    row = conn.execute(sa.select(t).where(t.c.dataset_id == dataset_id)).first()
    if row is None:
        return None
    m = row._mapping
    settled = _settled(conn, m["set_by"], m["set_at"])
    assert settled is not None
    return Classification(
        m["confidentiality"], m["integrity"], m["availability"], m["reason"], settled
    )


def gates_of(conn: sa.Connection, dataset_id: str) -> Gates:
    row = conn.execute(
        sa.select(dataset_gates).where(dataset_gates.c.dataset_id == dataset_id)
    ).first()
    if row is None:
        return Gates()
    m = row._mapping
    return Gates(
        m["licence_justification"],
        _settled(conn, m["licence_justified_by"], m["licence_justified_at"]),
        _settled(conn, m["approved_by"], m["approved_at"]),
        m["approved_by"],
        _settled(conn, m["publish_requested_by"], m["publish_requested_at"]),
        m["publish_requested_by"],
        m["approved_content"],
    )


def _set_gates(conn: sa.Connection, dataset_id: str, **values: object) -> None:
    t = dataset_gates
    if not conn.execute(t.update().where(t.c.dataset_id == dataset_id).values(**values)).rowcount:
        conn.execute(t.insert().values(dataset_id=dataset_id, **values))


def justify_licence(
    conn: sa.Connection, actor: Acting, ref: str, justification: str | None
) -> Gates:
    """Why an open licence other than CC0 1.0 or CC BY 4.0 is used (an editor's sentence)."""
    dataset = _editable(conn, actor, ref, "justify this dataset's licence")
    errors: list[FieldError] = []
    text = _reason(errors, "licence_justification", justification, "licence_justification_required")
    if errors:
        raise ValidationFailed(errors)
    was = gates_of(conn, dataset.id).licence_justification
    _set_gates(
        conn,
        dataset.id,
        licence_justification=text,
        licence_justified_by=_user_id(actor),
        licence_justified_at=now(),
    )
    changed = {"licence_justification": [was, text]}
    audit_versions.dataset_settled(conn, actor, dataset, Action.LICENCE_JUSTIFIED, changed)
    return gates_of(conn, dataset.id)


def approve(conn: sa.Connection, actor: Acting, ref: str) -> Gates:
    """The second person's approval (four eyes): an editor of the organisation with an
    account; whoever publishes must then be someone else. It covers the dataset as it stands
    now (`approvals`): a later change makes it lapse."""
    dataset = _editable(conn, actor, ref, "approve this dataset's publication")
    if _user_id(actor) is None:
        raise PermissionDenied(
            "an approval is a person's: approve with your own account", code="approval_needs_person"
        )
    content = json.dumps(content_of(conn, dataset), sort_keys=True, ensure_ascii=False)
    _set_gates(
        conn, dataset.id, approved_by=_user_id(actor), approved_at=now(), approved_content=content
    )
    by = actor.user.name if actor.user else None
    audit_versions.dataset_settled(
        conn, actor, dataset, Action.APPROVED, {"approved_by": [None, by]}
    )
    return gates_of(conn, dataset.id)


def request_publication(conn: sa.Connection, actor: Actor, dataset_id: str) -> None:
    """Remember that `actor` asked for publication while a scan was still running."""
    _set_gates(conn, dataset_id, publish_requested_by=_user_id(actor), publish_requested_at=now())


def clear_publication_request(conn: sa.Connection, dataset_id: str) -> None:
    t = dataset_gates
    conn.execute(
        t.update()
        .where(t.c.dataset_id == dataset_id)
        .values(publish_requested_by=None, publish_requested_at=None)
    )


def set_four_eyes(conn: sa.Connection, actor: Acting, org_ref: str, required: bool) -> bool:
    """Whether the organisation (and its units) need a second person's approval; set by one
    of its admins."""
    org = get_organisation(conn, org_ref)
    actor.require(org.id, "admin", "change the organisation's publishing rules")
    t = publishing_settings
    was = conn.execute(sa.select(t.c.four_eyes).where(t.c.organisation_id == org.id)).scalar()
    values = {"four_eyes": required, "updated_at": now()}
    if not conn.execute(t.update().where(t.c.organisation_id == org.id).values(**values)).rowcount:
        conn.execute(t.insert().values(organisation_id=org.id, **values))
    changed = {"four_eyes": [bool(was), required]}
    audit_versions.organisation_saved(conn, actor, None, org, Action.RULES_CHANGED, changed)
    return required


def organisation_chain(conn: sa.Connection, organisation_id: str) -> list[str]:
    """The organisation and those above it: their rules and their editors hold in it too."""
    parents = dict(conn.execute(sa.select(organisations.c.id, organisations.c.parent_id)).all())
    chain: list[str] = []
    node: str | None = organisation_id
    while node is not None and node not in chain:
        chain.append(node)
        node = parents.get(node)
    return chain


def four_eyes(conn: sa.Connection, organisation_id: str) -> bool:
    """True when the organisation or one above it asks for a second person's approval."""
    chain = organisation_chain(conn, organisation_id)
    found = conn.execute(
        sa.select(publishing_settings.c.four_eyes).where(
            publishing_settings.c.organisation_id.in_(chain), publishing_settings.c.four_eyes
        )
    ).first()
    return found is not None


@dataclass(frozen=True)
class ClassificationIn:
    """A classification given with a change (CKAN's extras), set before the change's check."""

    confidentiality: object
    integrity: object
    availability: object
    reason: str | None


def classify_with(conn: sa.Connection, actor: Actor, ref: str, given: ClassificationIn) -> None:
    """Classify as `given`, unless the dataset is classified so already (a CKAN client that
    sends back the extras it read does not become the one who classified it)."""
    current = classification_of(conn, dataset_store.get_dataset(conn, actor, ref).id)
    if current is not None and (
        current.confidentiality,
        current.integrity,
        current.availability,
        current.reason,
    ) == (given.confidentiality, given.integrity, given.availability, given.reason):
        return
    _classify(
        conn,
        actor,
        ref,
        confidentiality=given.confidentiality,
        integrity=given.integrity,
        availability=given.availability,
        reason=given.reason,
    )


def classified(conn: sa.Connection, dataset_ids: list[str]) -> set[str]:
    """Those of the datasets that have a classification (the dashboard marks the others)."""
    if not dataset_ids:
        return set()
    t = dataset_classifications
    return set(
        conn.execute(sa.select(t.c.dataset_id).where(t.c.dataset_id.in_(dataset_ids))).scalars()
    )
