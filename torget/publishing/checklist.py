"""The checklist that gates publication (issue 13 B, Göteborg's step B "prepare").

One list of items, each with its state and who settled it, read the same way by the
publishing page, the JSON API, CKAN and `torget checklist`, and enforced by
`torget.publishing.changes` for every dataset an organisation publishes itself:

- classification: confidentiality, integrity and availability set, confidentiality 0;
- personal data: every own uploaded tabular file scanned, and every finding in the data
  Torget holds signed off by an organisation admin (`guard`);
- licence: CC0 1.0 or CC BY 4.0; another open licence with a justification; non-commercial
  and no-derivatives licences never (they are not open data: the Open Definition 2.1);
- access rights PUBLIC, since the dataset's files are downloadable by anyone;
- a distribution at all, and one that is machine-readable (a PDF alone is not);
- a declared specification: the tables checked against it must follow it (issue 16),
  unchecked when none was (an API's description, a specification Torget does not know);
- a high-value dataset's API, bulk download and licence (issue 14, `torget.quality.hvd`);
- the second person's approval, where the organisation asks for it (four eyes).

An item is "passed", "failed", "pending" (the guard's scan has not finished: the publication
waits for it), "unchecked" (recorded, not checked) or "not_required". A dataset published
before classification was required stays published and may be changed; its classification is
"not_yet_classified" (the dashboard lists it) until an editor classifies it, and once
withdrawn it is published again only classified.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from torget.accounts.permissions import Actor
from torget.catalog.datasets import Dataset, Distribution
from torget.datastore.failures import stored_failure
from torget.datastore.load import loadable_source
from torget.db.schema import datastore_jobs
from torget.errors import FieldError
from torget.files.urls import key_of_url
from torget.publishing import guard
from torget.publishing.approvals import changed_since, content_of
from torget.publishing.settlements import Settled, classification_of, four_eyes, gates_of
from torget.quality.hvd import check_high_value
from torget.site_lookup import settings_of
from torget.specifications.conformance import conformance_of

__all__ = ["Item", "Checklist", "checklist", "ITEMS", "OPEN_LICENCES", "PASSING"]

ITEMS = (
    "classification",
    "personal_data",
    "licence",
    "access_rights",
    "distribution",
    "machine_readable",
    "specification",
    "high_value",
    "approval",
)
PASSING = ("passed", "unchecked", "not_required", "not_yet_classified")

_CC = "http://creativecommons.org/"
OPEN_LICENCES = (f"{_CC}publicdomain/zero/1.0/", f"{_CC}licenses/by/4.0/")
_PUBLIC = "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
# EU file types that people read rather than programs: documents, pages and pictures.
_NOT_MACHINE_READABLE = {
    "PDF",
    "PDFA1A",
    "PDFA1B",
    "PDFA2A",
    "PDFA2B",
    "PDFA3",
    "PDFUA",
    "PDFX",
    "PDF1X",
    "DOC",
    "DOCX",
    "ODT",
    "RTF",
    "HTML",
    "HTML_SIMPL",
    "XHTML",
    "XHTML_SIMPL",
    "MHTML",
    "EPUB",
    "MOBI",
    "JPEG",
    "PNG",
    "GIF",
    "TIFF",
    "BMP",
    "WEBP",
    "SVG",
    "PPT",
    "PPTX",
    "ODP",
    "MP3",
    "MP4",
    "MPEG2",
    "AVI",
    "MOV",
    "WAV",
    "TXT",
}


@dataclass(frozen=True)
class Item:
    key: str
    state: str
    code: str | None = None  # why it failed or waits, as the refusal's code
    message: str = ""
    params: dict[str, str] = field(default_factory=dict)
    settled: Settled | None = None
    details: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "item": self.key,
            "state": self.state,
            "code": self.code,
            "message": self.message,
            "params": self.params,
            "settled_by": self.settled.by if self.settled else None,
            "settled_at": self.settled.at.isoformat() if self.settled else None,
            "details": self.details,
        }


@dataclass(frozen=True)
class Checklist:
    dataset_id: str
    items: list[Item]

    @property
    def ready(self) -> bool:
        return all(i.state in PASSING for i in self.items)

    @property
    def only_pending(self) -> bool:
        """Nothing failed, but a scan is still running."""
        return not self.ready and all(i.state in (*PASSING, "pending") for i in self.items)

    def errors(self) -> list[FieldError]:
        """The refusals of the items that keep the dataset from being published."""
        return [
            FieldError(f"checklist.{i.key}", i.message, code=i.code or "checklist", params=i.params)
            for i in self.items
            if i.state not in PASSING
        ]

    def item(self, key: str) -> Item:
        return next(i for i in self.items if i.key == key)

    def as_json(self) -> dict[str, Any]:
        return {
            "dataset_id": self.dataset_id,
            "ready": self.ready,
            "items": [i.as_json() for i in self.items],
        }


def _code(iri: str | None) -> str:
    return (iri or "").rstrip("/").rsplit("/", 1)[-1].upper()


# --- The items -------------------------------------------------------------------------------


def _classification(conn: sa.Connection, dataset: Dataset, published_before: bool) -> Item:
    found = classification_of(conn, dataset.id)
    if found is None and published_before:
        return Item(
            "classification",
            "not_yet_classified",
            "not_yet_classified",
            "published before classification was required: classify it",
        )
    if found is None:
        return Item(
            "classification",
            "failed",
            "not_classified",
            "classify the dataset first (confidentiality, integrity and availability, "
            "each 0, 1 or 2, with the reason)",
        )
    details = [found.as_json()]
    if found.confidentiality != 0:
        return Item(
            "classification",
            "failed",
            "confidential",
            f"confidentiality is {found.confidentiality}: only information at "
            "confidentiality 0 may be published as open data",
            {"level": str(found.confidentiality)},
            found.settled,
            details,
        )
    return Item("classification", "passed", settled=found.settled, details=details)


def _licences(dataset: Dataset) -> list[tuple[str, str | None]]:
    """(where, licence) of each distribution, the dataset's own as their default."""
    return [
        (f"distributions.{i}.license", d.data.license or dataset.data.license)
        for i, d in enumerate(dataset.distributions)
    ]


def _licence(conn: sa.Connection, dataset: Dataset) -> Item:
    licences = _licences(dataset)
    missing = [where for where, iri in licences if iri is None]
    if missing:
        return Item(
            "licence",
            "failed",
            "licence_missing",
            "every distribution needs a licence (CC0 1.0 or CC BY 4.0)",
            {"field": missing[0]},
        )
    closed = sorted({iri for _w, iri in licences if iri and ("-nc" in iri or "-nd" in iri)})
    if closed:
        return Item(
            "licence",
            "failed",
            "licence_not_open",
            f"{closed[0]} does not allow commercial use or changes: open data needs "
            "CC0 1.0 or CC BY 4.0",
            {"licence": closed[0]},
        )
    others = sorted({iri for _w, iri in licences if iri and iri not in OPEN_LICENCES})
    if not others:
        return Item("licence", "passed")
    gates = gates_of(conn, dataset.id)
    if gates.licence_justification:
        return Item(
            "licence",
            "passed",
            settled=gates.licence_justified,
            details=[{"justification": gates.licence_justification, "licences": others}],
        )
    return Item(
        "licence",
        "failed",
        "licence_needs_justification",
        f"{others[0]} is open, but not CC0 1.0 or CC BY 4.0: say why it is used",
        {"licence": others[0]},
    )


def _access_rights(dataset: Dataset) -> Item:
    if dataset.data.access_rights == _PUBLIC or not dataset.distributions:
        return Item("access_rights", "passed")
    return Item(
        "access_rights",
        "failed",
        "access_rights_not_public",
        "the dataset's files are downloadable by anyone, so its access rights must be PUBLIC",
        {"access_rights": _code(dataset.data.access_rights)},
    )


def _distribution(dataset: Dataset) -> Item:
    if dataset.distributions:
        return Item("distribution", "passed")
    return Item(
        "distribution",
        "failed",
        "published_without_distribution",
        "a published dataset needs at least one distribution: add one first, or "
        "withdraw the dataset",
    )


def _machine_readable(dataset: Dataset) -> Item:
    formats = [_code(d.data.format) for d in dataset.distributions]
    if not formats or any(f not in _NOT_MACHINE_READABLE for f in formats):
        return Item(
            "machine_readable",
            "passed" if formats else "failed",
            None if formats else "not_machine_readable",
            "" if formats else "add a distribution in a machine-readable format",
        )
    return Item(
        "machine_readable",
        "failed",
        "not_machine_readable",
        f"{', '.join(sorted(set(formats)))} is for people to read: add the data in a "
        "machine-readable format (CSV, JSON, XLSX, an API, …)",
        {"formats": ", ".join(sorted(set(formats)))},
    )


def _specification(conn: sa.Connection, dataset: Dataset) -> Item:
    declared = [r.url for r in dataset.data.conforms_to]
    declared += [r.url for d in dataset.distributions for r in d.data.conforms_to]
    if not declared:
        return Item("specification", "not_required")
    # issue 16: a distribution's table checked against the specification it declares
    checked = [c for d in dataset.distributions if (c := conformance_of(conn, d.id))]
    failing = [c for c in checked if not c.conforms]
    if failing:
        return Item(
            "specification",
            "failed",
            "specification_not_followed",
            f"the data does not follow the specification it declares ({failing[0].specification}"
            f": {failing[0].report.errors} errors): correct the file, or remove the declaration",
            {"specification": failing[0].specification, "errors": str(failing[0].report.errors)},
            details=[{"url": c.specification, "distribution": c.distribution_id,
                      "state": c.state, "errors": c.report.errors} for c in failing],
        )  # fmt: skip
    if checked:
        shown = [{"url": c.specification, "state": c.state} for c in checked]
        return Item("specification", "passed", details=shown)
    return Item(
        "specification",
        "unchecked",
        "specification_unchecked",
        "the declared specification is recorded; no table of this dataset has been checked "
        "against a specification Torget knows",
        details=[{"url": u} for u in declared],
    )


def _high_value(conn: sa.Connection, dataset: Dataset, published_before: bool) -> Item:
    """Regulation (EU) 2023/138 (issue 14, `torget.quality.hvd`): a high-value dataset needs
    an API, a bulk download and CC0 or CC BY 4.0. A gap blocks a first publication and is a
    warning ("unchecked") on a dataset published before."""
    found = check_high_value(conn, dataset)
    if found is None:
        return Item("high_value", "not_required")
    if not found.missing:
        return Item("high_value", "passed", details=[found.as_json()])
    missing = ", ".join(found.missing)
    return Item(
        "high_value",
        "unchecked" if published_before else "failed",
        "hvd_terms_missing",
        f"a high-value dataset needs an API, a bulk download and CC0 or CC BY 4.0; "
        f"missing: {missing}",
        {"missing": missing},
        details=[found.as_json()],
    )


def _approval(
    conn: sa.Connection, dataset: Dataset, actor: Actor | None, published_before: bool
) -> Item:
    """The second person's approval of the dataset as it stands. It gates publication: a
    dataset published already is not held by it, but a change since its approval is shown."""
    if not four_eyes(conn, dataset.organisation_id):
        return Item("approval", "not_required")
    gates = gates_of(conn, dataset.id)
    lapsed = (
        changed_since(gates.approved_content, content_of(conn, dataset))
        if gates.approved is not None and gates.approved_content is not None
        else []
    )
    if lapsed:
        changes = "; ".join(lapsed)
        return Item(
            "approval",
            "unchecked" if published_before else "failed",
            "approval_outdated",
            f"changed since it was approved ({changes}): a second person must approve it again",
            {"changes": changes},
            gates.approved,
            [{"changed": lapsed}],
        )
    if published_before:
        return Item(
            "approval", "passed" if gates.approved else "not_required", settled=gates.approved
        )
    if gates.approved is None:
        return Item(
            "approval",
            "failed",
            "approval_required",
            "the organisation asks a second person to approve each publication",
        )
    publisher = actor.user.id if actor is not None and actor.user is not None else None
    if publisher is not None and publisher == gates.approved_by_id:
        return Item(
            "approval",
            "failed",
            "approval_by_same_person",
            "you approved this dataset yourself: another editor must publish it, or approve it",
            settled=gates.approved,
        )
    return Item("approval", "passed", settled=gates.approved)


# --- Personal data ---------------------------------------------------------------------------


def _latest_job(conn: sa.Connection, distribution_id: str) -> sa.RowMapping | None:
    t = datastore_jobs
    row = conn.execute(
        sa.select(t.c.id, t.c.state, t.c.source, t.c.error)
        .where(t.c.distribution_id == distribution_id)
        .order_by(t.c.created_at.desc(), t.c.id.desc())
        .limit(1)
    ).first()
    return None if row is None else row._mapping


def _distribution_scan(conn: sa.Connection, dist: Distribution, own: bool) -> dict[str, Any]:
    """The guard's word on one distribution: state (clear, signed, findings, pending,
    unreadable, none), its findings and sign-offs."""
    job = _latest_job(conn, dist.id)
    scan = guard.scan_of(conn, dist.id)
    signoffs = guard.signoffs_of(conn, dist.id)
    out: dict[str, Any] = {
        "distribution_id": dist.id,
        "findings": [],
        "signoffs": [
            {
                "column": s.column,
                "kind": s.kind,
                "justification": s.justification,
                "signed_by": s.settled.by,
                "signed_at": s.settled.at.isoformat(),
            }
            for s in signoffs
        ],
    }
    if scan is not None:
        out["findings"] = [f.as_json() for f in scan.findings]
        out["scan"] = scan.state
    if scan is not None and scan.job_id == (job["id"] if job else None):
        open_findings = guard.unsigned(scan.findings, signoffs)
        if scan.state == "blocked":
            state = "clear"  # the table published before stays; the refused one is reported
        else:
            state = "findings" if open_findings else ("signed" if scan.findings else "clear")
    elif job is not None and job["state"] in ("queued", "running"):
        current = scan is not None and scan.state == "findings"  # what is served meanwhile
        held = current and scan is not None and guard.unsigned(scan.findings, signoffs)
        state = "pending" if own else ("findings" if held else "clear")
    elif job is not None and job["state"] == "failed" and own:
        state = "unreadable"
        failure = stored_failure(job["error"] or "")
        out["error"], out["failure"] = failure.message, failure.as_json()
    elif job is not None and job["state"] == "done" and own:
        state = "pending"  # loaded before the guard existed: `torget checklist --scan`
    else:
        state = "clear"
    out["state"] = state
    return out


def _personal_data(conn: sa.Connection, dataset: Dataset) -> Item:
    settings = settings_of(conn)
    results = []
    for dist in dataset.distributions:
        # The files the datastore loads (by format, else by the address's extension) are the
        # files the guard scans and holds: the same rule, or the item clears a held file.
        loaded = loadable_source(dist.data)
        own = loaded is not None and key_of_url(settings, loaded[0]) is not None
        results.append(_distribution_scan(conn, dist, own))
    states = {r["state"] for r in results}
    signed = [s for r in results for s in r["signoffs"]]
    settled = (
        Settled(signed[-1]["signed_by"], dt.datetime.fromisoformat(signed[-1]["signed_at"]))
        if signed
        else None
    )  # noqa: E501
    if "findings" in states:
        found = [f for r in results if r["state"] == "findings" for f in r["findings"]]
        columns = ", ".join(sorted({str(f["column"]) for f in found}))
        return Item(
            "personal_data",
            "failed",
            "personal_data_unsigned",
            f"the data holds personal data ({columns}): replace it, or have an "
            "organisation admin sign it off with a justification",
            {"columns": columns},
            settled,
            results,
        )
    if "unreadable" in states:
        reason = next(str(r.get("error")) for r in results if r["state"] == "unreadable")
        return Item(
            "personal_data",
            "failed",
            "personal_data_unreadable",
            f"an uploaded file could not be read, so it could not be scanned for "
            f"personal data: {reason}",
            {"reason": reason},
            None,
            results,
        )
    if "pending" in states:
        return Item(
            "personal_data",
            "pending",
            "personal_data_pending",
            "the uploaded data is still being scanned for personal data; the dataset "
            "is published when the scan passes",
            {},
            None,
            results,
        )
    return Item("personal_data", "passed", settled=settled, details=results)


def checklist(
    conn: sa.Connection,
    dataset: Dataset,
    actor: Actor | None = None,
    published_before: bool | None = None,
) -> Checklist:
    """The dataset's checklist as it stands; `actor` is who would publish it (four eyes),
    `published_before` whether it was published before the change being checked (by default,
    whether it is published now)."""
    before = dataset.state == "published" if published_before is None else published_before
    return Checklist(
        dataset.id,
        [
            _classification(conn, dataset, before),
            _personal_data(conn, dataset),
            _licence(conn, dataset),
            _access_rights(dataset),
            _distribution(dataset),
            _machine_readable(dataset),
            _specification(conn, dataset),
            _high_value(conn, dataset, before),
            _approval(conn, dataset, actor, before),
        ],
    )
