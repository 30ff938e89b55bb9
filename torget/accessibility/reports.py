"""Reports of accessibility problems, sent through the accessibility statement's form.

The law on accessibility of digital public services (2018:1937, §15) requires a public body to
offer a way to tell it about content that is not accessible, and DIGG's model statement links
that way from the statement itself. Anyone may send a report, signed in or not; only system
administrators may read them, since a report may carry a personal e-mail address.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import sqlalchemy as sa

from torget.accounts.permissions import Actor
from torget.clock import as_utc, now
from torget.db.schema import accessibility_reports
from torget.errors import FieldError, ValidationFailed
from torget.ids import new_id

__all__ = ["ProblemReport", "report_problem", "list_reports", "MAX_DESCRIPTION"]

MAX_DESCRIPTION = 5000
_EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")


@dataclass(frozen=True)
class ProblemReport:
    id: str
    page_url: str | None
    description: str
    email: str | None
    created_at: dt.datetime


def report_problem(
    conn: sa.Connection, description: str, *, page_url: str | None = None, email: str | None = None
) -> ProblemReport:
    """Store a report; the description is required, the page and an address to answer are not."""
    description = description.strip()
    email = (email or "").strip() or None
    page_url = (page_url or "").strip()[:2000] or None
    errors = []
    if not description:
        errors.append(
            FieldError("description", "describe the problem", code="description_required")
        )
    elif len(description) > MAX_DESCRIPTION:
        message = f"at most {MAX_DESCRIPTION} characters"
        params = {"length": str(len(description)), "limit": str(MAX_DESCRIPTION)}
        errors.append(FieldError("description", message, code="too_long", params=params))
    if email is not None and (len(email) > 320 or not _EMAIL.match(email)):
        message = f"{email!r} is not an e-mail address"
        errors.append(FieldError("email", message, code="not_an_email", params={"value": email}))
    if errors:
        raise ValidationFailed(errors)
    report = ProblemReport(new_id(), page_url, description, email, now())
    conn.execute(
        accessibility_reports.insert().values(
            id=report.id,
            page_url=report.page_url,
            description=report.description,
            email=report.email,
            created_at=report.created_at,
        )
    )
    return report


def list_reports(
    conn: sa.Connection, actor: Actor, *, offset: int = 0, limit: int = 100
) -> tuple[int, list[ProblemReport]]:
    """The newest reports first; for system administrators only."""
    actor.require_sysadmin("read accessibility reports")
    total = conn.execute(sa.select(sa.func.count()).select_from(accessibility_reports)).scalar_one()
    rows = conn.execute(
        sa.select(accessibility_reports)
        .order_by(accessibility_reports.c.created_at.desc(), accessibility_reports.c.id)
        .offset(offset)
        .limit(limit)
    )
    found = [
        ProblemReport(r.id, r.page_url, r.description, r.email, as_utc(r.created_at)) for r in rows
    ]
    return total, found
