"""The personal-data guard: what each distribution's data holds, and who signed it off.

Every load of a distribution's table is scanned (`personal_data.scan_file`) before it becomes
the current version, and the datastore asks `admit_table` whether it may: a draft's table is
admitted and its findings recorded (the checklist then holds the dataset back until an
organisation admin signs them off, or the data is replaced); a published dataset's new table
with a finding nobody signed off is refused, so the previous version stays, and the editors are
told by e-mail. A sign-off is kept per column and kind, so a new load with the same columns
passes, while a new column or kind of personal data needs its own.

A clean scan of a dataset whose publication was asked for while the scan ran publishes it now,
as the person who asked (`changes.publish_requested`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlalchemy as sa

from torget.accounts.permissions import Acting
from torget.catalog import datasets as dataset_store
from torget.catalog.stored_files import release_files
from torget.clock import now
from torget.datastore import jobs
from torget.datastore.notes import Note
from torget.db.engine import after_commit
from torget.db.schema import (
    datasets,
    distributions,
    memberships,
    personal_data_scans,
    personal_data_signoffs,
    users,
)
from torget.errors import FieldError, NotFound, ValidationFailed
from torget.events import DatasetSaved, publish
from torget.mail.language import mail_language, translator
from torget.mail.outbox import queue_mail
from torget.publishing import audit, audit_versions, held_files
from torget.publishing.personal_data import Finding
from torget.publishing.settlements import Settled, organisation_chain, who
from torget.site_lookup import settings_of, site_of
from torget.text import checked_text

__all__ = [
    "Scan",
    "Signoff",
    "scan_of",
    "signoffs_of",
    "unsigned",
    "admit_table",
    "refused_write",
    "record_rescan",
    "sign_off",
]


@dataclass(frozen=True)
class Scan:
    distribution_id: str
    job_id: str
    source: str
    state: str  # clear, findings, blocked (a published distribution's load that was refused)
    findings: list[Finding]
    scanned_at: object


@dataclass(frozen=True)
class Signoff:
    column: str
    kind: str
    justification: str
    settled: Settled


def scan_of(conn: sa.Connection, distribution_id: str) -> Scan | None:
    t = personal_data_scans
    row = conn.execute(sa.select(t).where(t.c.distribution_id == distribution_id)).first()
    if row is None:
        return None
    m = row._mapping
    found = [Finding.of(f) for f in json.loads(m["findings"])]
    return Scan(m["distribution_id"], m["job_id"], m["source"], m["state"], found, m["scanned_at"])


def signoffs_of(conn: sa.Connection, distribution_id: str) -> list[Signoff]:
    t = personal_data_signoffs
    rows = conn.execute(
        sa.select(t).where(t.c.distribution_id == distribution_id).order_by(t.c.column_name)
    )
    out = []
    for row in rows:
        m = row._mapping
        settled = Settled(who(conn, m["signed_by"]), m["signed_at"])
        out.append(Signoff(m["column_name"], m["kind"], m["justification"], settled))
    return out


def unsigned(findings: list[Finding], signoffs: list[Signoff]) -> list[Finding]:
    signed = {(s.column, s.kind) for s in signoffs}
    return [f for f in findings if (f.column, f.kind) not in signed]


def _record(
    conn: sa.Connection,
    distribution_id: str,
    job_id: str,
    source: str,
    state: str,
    findings: list[Finding],
) -> None:
    t = personal_data_scans
    values = {
        "job_id": job_id,
        "source": source,
        "state": state,
        "findings": json.dumps([f.as_json() for f in findings], ensure_ascii=False),
        "scanned_at": now(),
    }
    where = t.c.distribution_id == distribution_id
    if not conn.execute(t.update().where(where).values(**values)).rowcount:
        conn.execute(t.insert().values(distribution_id=distribution_id, **values))


def _dataset_of(conn: sa.Connection, distribution_id: str) -> sa.RowMapping | None:
    row = conn.execute(
        sa.select(
            datasets.c.id,
            datasets.c.name,
            datasets.c.state,
            datasets.c.title_sv,
            datasets.c.organisation_id,
        )
        .join(distributions, distributions.c.dataset_id == datasets.c.id)
        .where(distributions.c.id == distribution_id)
    ).first()
    return None if row is None else row._mapping


def admit_table(
    conn: sa.Connection, distribution_id: str, job_id: str, source: str, findings: list[Finding]
) -> Note | None:
    """Record the scan of a new table version; None when it may become current, else the
    reason it may not (a published dataset's data with personal data nobody signed off), as
    the load's failure (`datastore.failures`).
    Runs in the transaction that would swap the table in."""
    dataset = _dataset_of(conn, distribution_id)
    open_findings = unsigned(findings, signoffs_of(conn, distribution_id))
    if dataset is None:
        return None
    m = dataset
    if m["state"] == "published" and open_findings:
        _record(conn, distribution_id, job_id, source, "blocked", findings)
        _tell_editors(conn, m, open_findings)
        kinds = ", ".join(sorted({f"{f.kind} in {f.column!r}" for f in open_findings}))
        columns = sorted({f.column for f in open_findings})
        return Note("personal_data_refused", {"file": source, "columns": columns},
                    f"personal data found ({kinds}) that no organisation admin has signed off: "
                    "the published table stays as it was")  # fmt: skip
    if m["state"] == "published":
        _release_previous(conn, distribution_id, str(m["id"]))
    _record(conn, distribution_id, job_id, source, "findings" if findings else "clear", findings)
    if not open_findings:
        _publish_requested(conn, str(m["id"]))
    return None


def record_rescan(
    conn: sa.Connection, distribution_id: str, job_id: str, source: str, findings: list[Finding]
) -> str:
    """Record a new scan of the distribution's current table (`rescan`): `findings` when some
    are not signed off, `signed` when all are, else `clear`."""
    _record(conn, distribution_id, job_id, source, "findings" if findings else "clear", findings)
    if findings and unsigned(findings, signoffs_of(conn, distribution_id)):
        return "findings"
    dataset = _dataset_of(conn, distribution_id)
    if dataset is not None:  # as after a load: a publication waiting for the scan goes ahead
        _publish_requested(conn, str(dataset["id"]))
    return "signed" if findings else "clear"


def _publish_requested(conn: sa.Connection, dataset_id: str) -> None:
    from torget.publishing.changes import publish_requested  # the use case owns publishing

    publish_requested(conn, dataset_id)


def _release_previous(conn: sa.Connection, distribution_id: str, dataset_id: str) -> None:
    """The file a published distribution served while its new one was held goes from the
    store after the commit, unless something else links to it (`held_files`); the public's
    links move to the new file, so the dataset counts as saved (the feed, the pages' caches
    and the search index follow)."""
    site = site_of(conn, "releasing the file a cleared upload replaces")
    previous = held_files.previous_file(conn, site.settings, distribution_id)
    if previous is not None:
        release_files(conn, site.settings, site.files, [previous])
        publish(conn, DatasetSaved(dataset_id))


def _load_again(conn: sa.Connection, distribution_id: str) -> None:
    """After a sign-off, load the file whose load was refused again: it now passes, so its
    table becomes current and the file is no longer held."""
    job = jobs.latest_job(conn, distribution_id)
    if job is None or job.state != "failed" or job.format == "records":
        return
    job_id = jobs.create_job(conn, distribution_id, job.source, job.format)
    queue = site_of(conn, "loading a signed-off file again").queue
    if queue is not None:
        after_commit(conn, lambda: queue.enqueue(job_id))


def refused_write(
    conn: sa.Connection, distribution_id: str, findings: list[Finding]
) -> ValidationFailed:
    """A DataStore write (CKAN's `datastore_create`, `datastore_upsert`) that `admit_table`
    refused: one error per finding nobody signed off, with its count and masked examples."""
    refused = unsigned(findings, signoffs_of(conn, distribution_id)) or findings
    return ValidationFailed(
        [
            FieldError(
                "records",
                f"{f.column!r} holds {f.kind} ({f.count} values, e.g. {', '.join(f.examples)}) "
                "that no organisation admin has signed off: the published table stays as it was",
                code="personal_data_unsigned",
                params={"column": f.column, "kind": f.kind, "count": str(f.count),
                        "columns": f.column},
            )
            for f in refused
        ]
    )  # fmt: skip


def _editors(conn: sa.Connection, organisation_id: str) -> list[tuple[str, str | None]]:
    """E-mail address and language of the editors and admins of the organisation and those
    above it (whose roles hold in it too)."""
    chain = organisation_chain(conn, organisation_id)
    rows = conn.execute(
        sa.select(users.c.email, users.c.language)
        .join(memberships, memberships.c.user_id == users.c.id)
        .where(
            memberships.c.organisation_id.in_(chain), memberships.c.role.in_(("editor", "admin"))
        )
        .distinct()
        .order_by(users.c.email)
    )
    return [(str(e), lang) for e, lang in rows]


def _tell_editors(conn: sa.Connection, dataset: sa.RowMapping, found: list[Finding]) -> None:
    base = settings_of(conn).public_base
    link = f"{base}/publish/dataset/{dataset['id']}/checklist"
    for email, stored in _editors(conn, str(dataset["organisation_id"])):
        _ = translator(mail_language(stored)).gettext
        lines = [f"- {f.column}: {f.kind} ({f.count})" for f in found]
        subject = _("New data for “{title}” held personal data and was not published").format(
            title=dataset["title_sv"]
        )
        body = "\n\n".join(
            [
                _(
                    "A new load of a distribution of the published dataset “{title}” was "
                    "scanned for personal data before it replaced the data people see. It held "
                    "personal data that no organisation admin has signed off, so the data "
                    "published before stays as it was."
                ).format(title=dataset["title_sv"]),
                "\n".join(lines),
                _(
                    "Replace the file, or have an organisation admin sign the findings off: {link}"
                ).format(link=link),
            ]
        )
        queue_mail(conn, email, subject, body)


def sign_off(
    conn: sa.Connection, actor: Acting, distribution_id: str, justification: str | None
) -> list[Signoff]:
    """An organisation admin signs off every finding of the distribution's last scan (the
    current table's, or a refused replacement's), with the justification."""
    dist = dataset_store.get_distribution(conn, actor, distribution_id)
    dataset = dataset_store.get_dataset(conn, actor, dist.dataset_id)
    actor.require(dataset.organisation_id, "admin", "sign off personal data")
    errors: list[FieldError] = []
    if not (justification or "").strip():
        errors.append(
            FieldError(
                "justification",
                "say why this data may be published",
                code="signoff_justification_required",
            )
        )
    text = checked_text(errors, "justification", justification or "", 4000, lines=True)
    if errors:
        raise ValidationFailed(errors)
    scan = scan_of(conn, dist.id)
    if scan is None or not scan.findings:
        raise NotFound(
            "this distribution's data has no findings to sign off", code="nothing_to_sign_off"
        )
    by = None if actor.user is None or actor.user.id == "system" else actor.user.id
    t = personal_data_signoffs
    signed: audit.Changes = {}
    for finding in unsigned(scan.findings, signoffs_of(conn, dist.id)):
        signed[f"distributions.{dist.id}.signoffs.{finding.column}.{finding.kind}"] = [None, text]
        conn.execute(
            t.insert().values(
                distribution_id=dist.id,
                column_name=finding.column[:300],
                kind=finding.kind,
                justification=text,
                signed_by=by,
                signed_at=now(),
            )
        )
    audit_versions.dataset_settled(conn, actor, dataset, audit.Action.SIGNED_OFF, signed)
    if scan.state == "blocked":
        _load_again(conn, dist.id)
    return signoffs_of(conn, dist.id)
