"""One harvest run: fetch, parse, compare, then apply in one transaction per source.

I/O first and outside any transaction (`types.py`: the source type fetches and reads), then
the pure steps (`settle`, `plan.compare`), then one write transaction that applies the
difference through the catalogue's use case (`torget.publishing.changes.apply_harvest`), keeps
the new validators and finishes the run's row. A source that cannot be fetched or parsed fails
before anything is written; an error while applying rolls the whole source back; so each
source is either as the last run left it or as this run leaves it, never half, also when the
process is killed (the transaction is simply never committed). The run's row and its report
are written either way, and mailed to the source's contact when something failed or was
skipped.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa

from torget.accounts.permissions import SYSTEM
from torget.catalog.model import LangText, OrganisationIn
from torget.catalog.organisations import all_organisations
from torget.catalog.rules import normalise_org_number, slugify
from torget.collector import full_collections_held
from torget.db.engine import read as read_only
from torget.db.engine import write
from torget.db.schema import datasets, harvest_origins
from torget.errors import ValidationFailed
from torget.harvest import sources
from torget.harvest.fetch import Fetcher
from torget.harvest.origins import hold_datastore_loads
from torget.harvest.plan import Origin, Settled, compare
from torget.harvest.problems import Problem, SourceFailed
from torget.harvest.records import Publisher, SourceRead
from torget.harvest.report import mail_body, mail_subject
from torget.harvest.settle import Refused, content_hash, settle
from torget.harvest.sources import Run, Source
from torget.harvest.types import source_type
from torget.mail import queue_mail
from torget.publishing.changes import HARVESTER, apply_harvest, create_organisation
from torget.settings import Settings

__all__ = ["run_source", "run_due", "Progress"]

log = logging.getLogger(__name__)

Progress = Callable[[str], None]


def _quiet(_stage: str) -> None:
    pass


@dataclass
class _Settled:
    records: list[tuple[Settled, Publisher | None]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: int = 0
    unchanged: int = 0


def _settle_all(
    source: Source, read: SourceRead, known: dict[str, tuple[str, str, bool]]
) -> _Settled:
    """Each new or changed record through the rules; one whose hash is the last run's is
    only counted (an unchanged re-run costs the parse and a hash per dataset)."""
    out = _Settled()
    for record in read.records:
        digest = content_hash(record)
        last = known.get(record.iri)
        if last is not None and last[1] == digest and not last[2]:
            out.unchanged += 1
            continue
        try:
            data, problems = settle(record, source.id, source.organisation)
        except Refused as refused:
            out.problems.append(refused.problem)
            out.skipped += 1
            continue
        out.problems.extend(problems)
        if not data.distributions:
            out.problems.append(
                Problem(
                    "no_distribution",
                    record.iri,
                    "dcat:distribution",
                    "no distribution with an address and a format",
                )
            )
        notes = {"machine_translated": record.machine_translated}
        out.records.append((Settled(record.iri, data, digest, notes), record.publisher))
    return out


def run_source(
    engine: sa.Engine, settings: Settings, source_id: str, progress: Progress = _quiet
) -> Run:
    """Harvest one source now; the finished run (done or failed). The collector's full
    collections wait until it ends (`torget.collector`: a third of a large first run)."""
    with full_collections_held():
        return _run(engine, settings, source_id, progress)


def _run(engine: sa.Engine, settings: Settings, source_id: str, progress: Progress) -> Run:
    with write(engine) as conn:
        source = sources.get_source(conn, SYSTEM, source_id)
        run_id = sources.start_run(conn, source.id)
    fetcher = Fetcher(settings, source.page_hashes)
    try:
        read = source_type(source.type).read(
            fetcher, source.url, source.etag, source.last_modified, progress
        )
    except SourceFailed as failed:
        return _failed(engine, settings, source, run_id, failed.problem, [])
    except Exception as exc:  # a bug must not leave the run "running" for ever
        log.exception("harvest of %s failed", source.url)
        problem = Problem("fetch_failed", "", "", f"{type(exc).__name__}: {exc}", "error")
        return _failed(engine, settings, source, run_id, problem, [])
    progress(f"{len(read.records)} datasets read")
    with read_only(engine) as conn:
        known = sources.origins_of(conn, source.id)
    settled = _settle_all(source, read, known)
    try:
        with write(engine) as conn:
            skipped = _apply(conn, settings, source, run_id, read, settled, progress)
            # A run that skipped datasets is not taken as the reference of an unchanged source:
            # the next run reads it again and reports them again.
            pages = source.page_hashes if read.not_modified else fetcher.pages
            sources.set_validators(
                conn, source.id, read.etag, read.last_modified, [] if skipped else pages
            )
    except Exception as exc:  # rolled back: the source stays as the last run left it
        log.exception("applying the harvest of %s failed", source.url)
        problem = Problem("apply_failed", "", "", f"{type(exc).__name__}: {exc}", "error")
        return _failed(engine, settings, source, run_id, problem, read.problems + settled.problems)
    return _finished_run(engine, source.id, run_id)


def _apply(
    conn: sa.Connection,
    settings: Settings,
    source: Source,
    run_id: str,
    read: SourceRead,
    settled: _Settled,
    progress: Progress,
) -> int:
    """Apply the run and finish its row; how many datasets were skipped."""
    found = sources.origins_of(conn, source.id)
    origins = {iri: Origin(d, iri, h, w) for iri, (d, h, w) in found.items()}
    problems = read.problems + settled.problems
    if read.not_modified:
        sources.finish_run(
            conn,
            run_id,
            created=0,
            updated=0,
            unchanged=len(origins),
            removed=0,
            skipped=0,
            problems=problems,
        )
        return 0
    records, owned_problems = _owned(conn, source, settled)
    problems += owned_problems
    plan = compare(
        source.id, records, origins, read.seen, withdraw_vanished=source.on_vanish == "withdraw"
    )
    plan.unchanged += settled.unchanged
    progress(
        f"applying: {len(plan.create)} new, {len(plan.update)} changed, {len(plan.remove)} gone"
    )
    applied = apply_harvest(conn, plan)
    if not source.load_datastore:
        hold_datastore_loads(conn, source.id)
    problems += applied.problems
    # Read errors that dropped a dataset count as skipped; a dropped distribution does not.
    dropped = sum(
        1 for p in read.problems if p.severity == "error" and p.code != "distribution_dropped"
    )
    skipped = settled.skipped + applied.skipped + dropped
    counts = {
        "created": applied.created,
        "updated": applied.updated,
        "unchanged": plan.unchanged,
        "removed": applied.removed,
        "skipped": skipped,
    }
    sources.finish_run(conn, run_id, problems=problems, **counts)
    if skipped or any(p.severity == "error" for p in problems):
        _mail(conn, settings, source, run_id, counts, problems, None)
    return skipped


def _owned(
    conn: sa.Connection, source: Source, settled: _Settled
) -> tuple[list[Settled], list[Problem]]:
    """The settled records, each given the organisation that owns it (the source's, or one
    made from the record's publisher), and the problems of identifiers and owners."""
    owners = _Owners(conn, source)
    problems = _unique_identifiers(conn, source.id, settled.records)
    records = [
        s.__class__(
            s.iri, s.data.model_copy(update={"organisation": owners.of(p)}), s.content_hash, s.notes
        )
        for s, p in settled.records
    ]
    return records, problems + owners.problems


def _unique_identifiers(
    conn: sa.Connection, source_id: str, records: list[tuple[Settled, Publisher | None]]
) -> list[Problem]:
    """A UUID identifier given twice (in the source, or by a dataset harvested elsewhere or
    made here) is replaced, for the later ones, by one derived from the dataset's IRI: the
    catalogue's identifiers are unique, and Sveriges dataportal deduplicates on them."""
    wanted = [s.data.identifier for s, _ in records if s.data.identifier]
    taken: dict[str, tuple[str | None, str | None]] = {}
    for i in range(0, len(wanted), 500):
        rows = conn.execute(
            sa.select(
                datasets.c.identifier, harvest_origins.c.source_id, harvest_origins.c.original_iri
            )
            .outerjoin(harvest_origins, harvest_origins.c.dataset_id == datasets.c.id)
            .where(datasets.c.identifier.in_(wanted[i : i + 500]))
        )
        taken.update({r.identifier: (r.source_id, r.original_iri) for r in rows})
    problems, seen = [], set()
    for settled, _ in records:
        ident = settled.data.identifier
        owner = taken.get(ident or "")
        if ident in seen or (owner is not None and owner != (source_id, settled.iri)):
            fresh = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{source_id} {settled.iri}"))
            settled.data.identifier = fresh
            problems.append(
                Problem(
                    "duplicate_identifier",
                    settled.iri,
                    "dcterms:identifier",
                    f"{ident} is used by another dataset; {fresh} given",
                )
            )
            ident = fresh
        seen.add(ident)
    return problems


def _failed(
    engine: sa.Engine,
    settings: Settings,
    source: Source,
    run_id: str,
    problem: Problem,
    problems: list[Problem],
) -> Run:
    with write(engine) as conn:
        sources.fail_run(conn, run_id, problem.detail, [problem, *problems])
        counts = {"created": 0, "updated": 0, "unchanged": 0, "removed": 0, "skipped": 0}
        _mail(conn, settings, source, run_id, counts, [problem, *problems], problem.detail)
    return _finished_run(engine, source.id, run_id)


def _finished_run(engine: sa.Engine, source_id: str, run_id: str) -> Run:
    with write(engine) as conn:
        return next(r for r in sources.runs_of(conn, source_id, 50) if r.id == run_id)


def _mail(
    conn: sa.Connection,
    settings: Settings,
    source: Source,
    run_id: str,
    counts: dict[str, int],
    problems: list[Problem],
    error: str | None,
) -> None:
    if not source.contact_email:
        return
    base = settings.base_url or "http://127.0.0.1:8000"
    page = f"{base}/publish/harvest/{source.id}"
    body = mail_body(source.title, source.url, counts, problems, error, page)
    queue_mail(conn, source.contact_email, mail_subject(source.title, error is not None), body)


class _Owners:
    """The organisation of each harvested dataset: the source's, or (when the source says so)
    one per publisher the source names, made under the source's organisation the first time
    (each municipality of a regional aggregate its own)."""

    def __init__(self, conn: sa.Connection, source: Source) -> None:
        self.conn = conn
        self.source = source
        self.known: dict[str, str] = {}
        self.problems: list[Problem] = []
        self.orgs = {o.name: o for o in all_organisations(conn).values()}

    def of(self, publisher: Publisher | None) -> str:
        if not self.source.publisher_organisations or publisher is None:
            return self.source.organisation
        key = publisher.iri or publisher.name_sv
        if key not in self.known:
            self.known[key] = self._made(publisher)
        return self.known[key]

    def _made(self, publisher: Publisher) -> str:
        base = slugify(publisher.name_sv)[:80]
        for name in (base, f"{self.source.organisation}-{base}"[:100]):
            org = self.orgs.get(name)
            if org is None:
                return self._create(name, publisher)
            if org.id == self.source.organisation_id or self._parent_is_source(org.data.parent):
                return name
        return self.source.organisation

    def _parent_is_source(self, parent: str | None) -> bool:
        return parent is not None and parent in (
            self.source.organisation,
            self.source.organisation_id,
        )

    def _create(self, name: str, publisher: Publisher) -> str:
        number = normalise_org_number(publisher.org_number) if publisher.org_number else None
        data = OrganisationIn(
            name=name,
            title=LangText(sv=publisher.name_sv, en=publisher.name_en),
            parent=self.source.organisation,
            org_number=number,
            publisher_type=publisher.publisher_type,
            homepage=publisher.homepage,
        )
        try:
            create_organisation(self.conn, HARVESTER, data)
        except ValidationFailed as exc:
            for e in exc.errors:
                self.problems.append(
                    Problem(
                        "publisher_unresolved",
                        publisher.iri or "",
                        f"publisher.{e.field}",
                        e.message,
                    )
                )
            plain = data.model_copy(update={"publisher_type": None, "homepage": None})
            create_organisation(self.conn, HARVESTER, plain)
        self.orgs = {o.name: o for o in all_organisations(self.conn).values()}
        return name


def run_due(engine: sa.Engine, settings: Settings) -> list[Run]:
    """Run every source whose interval has passed (the worker's periodic task)."""
    with write(engine) as conn:
        due = sources.claim_due(conn)
    return [run_source(engine, settings, source_id) for source_id in due]
