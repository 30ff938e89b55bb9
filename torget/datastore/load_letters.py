"""A letter to the editors when a load fails in the worker.

A load that fails leaves the previous table in place and its reason on the job, which the
publishing page shows; but nobody looks at that page for a file that was harvested or replaced
by a script at night. So every editor and admin of the dataset's organisation gets a letter,
in their own language (Swedish unless they chose English), naming the dataset, the file and
the reason (by its code, `failures`), with a link to the publishing page. It is queued in the
transaction that records the failure.
"""

from __future__ import annotations

import sqlalchemy as sa

from torget.catalog.model import DistributionIn
from torget.datastore.failures import failure_words
from torget.datastore.notes import Note
from torget.db.schema import datasets, distributions, memberships, users
from torget.mail.language import mail_language, translator
from torget.mail.outbox import queue_mail

__all__ = ["distribution_of", "tell_editors_of_failure"]


def distribution_of(conn: sa.Connection, distribution_id: str) -> sa.RowMapping | None:
    return (
        conn.execute(
            sa.select(
                distributions.c.data,
                datasets.c.id.label("dataset_id"),
                datasets.c.title_sv,
                datasets.c.organisation_id,
            )
            .join(datasets, datasets.c.id == distributions.c.dataset_id)
            .where(distributions.c.id == distribution_id)
        )
        .mappings()
        .first()
    )


def _editors(conn: sa.Connection, organisation_id: str) -> list[tuple[str, str | None]]:
    rows = conn.execute(
        sa.select(users.c.email, users.c.language)
        .join(memberships, memberships.c.user_id == users.c.id)
        .where(
            memberships.c.organisation_id == organisation_id,
            memberships.c.role.in_(("editor", "admin")),
        )
        .distinct()
        .order_by(users.c.email)
    )
    return [(str(email), language) for email, language in rows]


def tell_editors_of_failure(
    conn: sa.Connection, public_base: str, distribution_id: str, failure: Note
) -> int:
    """Queue a letter about a failed load to each editor of the dataset's organisation, in
    this transaction; how many were queued."""
    found = distribution_of(conn, distribution_id)
    if found is None:
        return 0
    data = DistributionIn.model_validate_json(found["data"])
    file = (data.title.sv if data.title else None) or data.download_url or ""
    link = f"{public_base}/publish/dataset/{found['dataset_id']}"
    editors = _editors(conn, str(found["organisation_id"]))
    for email, stored in editors:
        language = translator(mail_language(stored))
        _ = language.gettext
        reason = failure_words(failure, language) or failure.message
        title = str(found["title_sv"])
        subject = _("The data of “{title}” could not be loaded").format(title=title)
        body = "\n\n".join([
            _("Torget could not load the file “{file}” of the dataset “{title}” into the "
              "datastore, so its table, preview and downloads stay as they were before.").format(
                file=file, title=title),
            _("The reason:") + "\n" + reason,
            _("Put the file right at its source, or upload a new one, and choose “Load again” "
              "on the dataset's publishing page: {link}").format(link=link),
        ])  # fmt: skip
        queue_mail(conn, email, subject, body)
    return len(editors)
