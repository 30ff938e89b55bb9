"""Sveriges dataportal's own checks, shown beside the EU's MQA score as a part of their own.

The EU method (`mqa.py`) does not see what makes dataportal.se's harvest fail or degrade; the
portal's rules do (`shared/specs/ckan-api-and-mqa.md` §3.1, recommendation "dataportal.se-
specific checks"; `shared/specs/dcat/NOTES.md` §5 and §6, from DIGG's harvesting.md,
recommendations.md and faq.md). Six rules, each passed or not by one dataset's description:

| Rule (`key`)         | What the dataset's description must do                       | NOTES |
|----------------------|--------------------------------------------------------------|-------|
| `no_blank_nodes`     | the dataset, its distributions, publisher and contact point  | §5    |
|                      | have IRIs (blank ones cannot be deduplicated; they churn)    |       |
| `absolute_iris`      | every IRI absolute, http(s)/ftp(s)/mailto/tel, RFC 3987      | §6    |
| `canonical_licences` | every licence an IRI, a Creative Commons one in canonical    | §5,   |
|                      | form (`http://creativecommons.org/licenses/by/4.0/`)         | §10.11|
| `publisher_iri`      | the publisher `http://dataportal.se/organisation/SE<orgnr>`  | §10.15|
|                      | (so the portal merges it with other sources' same publisher) |       |
| `uuid_identifier`    | a UUID `dcterms:identifier` (drives cross-catalogue dedup)   | §5    |
| `language_tags`      | every title, description, keyword and name language-tagged,  | §5    |
|                      | title and description in Swedish too                         |       |

The rules themselves are `torget.dcat.harvest_rules` (`iri_problem`, `canonical_licence`,
`PUBLISHER_IRI`, `UUID`), the ones the publish guard applies to a whole document; here they
are counted per dataset, read from the same description the MQA reads: a DCAT graph
(`facts_from_graph`) or a Torget record as the feed maps it (`facts_from_resources`, over
`torget.dcat.mapping`'s resources, so the facts are exactly what the portal will harvest).
An organisation or catalogue scores, per rule, the share of its datasets that pass.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from torget.dcat.findings import node_label
from torget.dcat.harvest_rules import PUBLISHER_IRI, UUID, canonical_licence, iri_problem
from torget.dcat.serialize import Blank, Lit, Ref, Resource, Value
from torget.quality.hints import Hint

__all__ = [
    "RULES",
    "PortalFacts",
    "PortalCheck",
    "PortalScore",
    "PortalTally",
    "check_portal",
    "aggregate_portal",
    "portal_hints",
    "facts_from_graph",
    "facts_from_resources",
]

RULES = (
    "no_blank_nodes",
    "absolute_iris",
    "canonical_licences",
    "publisher_iri",
    "uuid_identifier",
    "language_tags",
)

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
_FREE_TEXT = {"dcterms:title", "dcterms:description", "dcat:keyword", "foaf:name"}
_SWEDISH_NEEDED = ("dcterms:title", "dcterms:description")


@dataclass(frozen=True)
class PortalFacts:
    """What the six rules read from one dataset's description."""

    key: str
    blank: tuple[str, ...]  # roles described by a blank node: Dataset, Distribution, …
    iris: tuple[str, ...]  # every IRI in the dataset's, distributions', publisher's nodes
    licences: tuple[str, ...]  # dcterms:license values; a literal as `"text"`
    publisher: str | None  # the publisher's IRI, "" when it is a blank node
    identifiers: tuple[str, ...]
    texts: tuple[str, ...]  # free text without a language tag; a title without Swedish


@dataclass(frozen=True)
class PortalCheck:
    rule: str
    passed: bool
    details: tuple[str, ...]  # what breaks the rule: the IRIs, licences, roles or texts


@dataclass(frozen=True)
class PortalScore:
    key: str
    checks: tuple[PortalCheck, ...]

    @property
    def passed(self) -> int:
        return sum(c.passed for c in self.checks)

    @property
    def total(self) -> int:
        return len(self.checks)

    def check(self, rule: str) -> PortalCheck:
        return next(c for c in self.checks if c.rule == rule)


# --- The rules -------------------------------------------------------------------------------


def _licence_problem(licence: str) -> str | None:
    if licence.startswith('"'):
        return licence  # a literal: no IRI the portal can recognise
    canonical = canonical_licence(licence)
    return licence if canonical is not None and canonical != licence else None


def _who(facts: PortalFacts) -> str:
    if facts.publisher is None:
        return "none"
    return facts.publisher or "a blank node"


# Nearly every IRI in a catalogue is plain ASCII http(s) with a host: such an IRI is valid by
# RFC 3987 at a glance, so only the others go through `iri_problem`'s full grammar (a report
# of 10,000 datasets reads some 150,000 IRIs, most of them repeated vocabulary terms).
_CHARS = r"A-Za-z0-9\-._~!$&'()*+,;=:@/"
_PLAIN_IRI = re.compile(
    rf"(?:https?|ftps?)://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/[{_CHARS}]*)?(?:\?[{_CHARS}?]*)?"
    rf"(?:#[{_CHARS}?]*)?\Z"
)


@functools.lru_cache(maxsize=16384)
def _iri_broken(iri: str) -> bool:
    return _PLAIN_IRI.match(iri) is None and iri_problem(iri) is not None


_RULES: dict[str, Callable[[PortalFacts], list[str]]] = {
    "no_blank_nodes": lambda f: list(f.blank),
    "absolute_iris": lambda f: [iri for iri in f.iris if _iri_broken(iri)],
    "canonical_licences": lambda f: [p for v in f.licences if (p := _licence_problem(v))],
    "publisher_iri": lambda f: [] if PUBLISHER_IRI.match(f.publisher or "") else [_who(f)],
    "uuid_identifier": lambda f: (
        [] if any(UUID.match(i) for i in f.identifiers) else list(f.identifiers) or ["none"]
    ),
    "language_tags": lambda f: list(f.texts),
}


def check_portal(facts: PortalFacts) -> PortalScore:
    """Each rule passed or not, with what breaks it."""
    checks = []
    for rule in RULES:
        details = tuple(_RULES[rule](facts))
        checks.append(PortalCheck(rule, not details, details))
    return PortalScore(facts.key, tuple(checks))


@dataclass(frozen=True)
class PortalTally:
    """The rules over many datasets: per rule, how many pass; and how many pass them all."""

    datasets: int
    passed: dict[str, int]
    complete: int

    def share(self, rule: str) -> float:
        return self.passed[rule] / self.datasets if self.datasets else 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "datasets": self.datasets,
            "passing_every_rule": self.complete,
            "rules": [{"rule": r, "passed": self.passed[r]} for r in RULES],
        }


def aggregate_portal(scores: Iterable[PortalScore]) -> PortalTally:
    passed = dict.fromkeys(RULES, 0)
    datasets = complete = 0
    for score in scores:
        datasets += 1
        complete += score.passed == score.total
        for check in score.checks:
            passed[check.rule] += check.passed
    return PortalTally(datasets, passed, complete)


# --- Hints -----------------------------------------------------------------------------------

# rule -> (form field, Swedish, English). Torget's own records meet four rules by
# construction (IRIs minted under the site's address, licences chosen from the list, a UUID
# given to every dataset, tagged text), so those hints speak to other catalogues' documents.
HINTS: dict[str, tuple[str, str, str]] = {
    "no_blank_nodes": (
        "",
        "Ge datamängden, distributionerna, utgivaren och kontaktpunkten egna IRI:er i stället "
        "för tomma noder, så att Sveriges dataportal känner igen dem vid varje skörd.",
        "Give the dataset, its distributions, the publisher and the contact point IRIs of "
        "their own instead of blank nodes, so that Sveriges dataportal recognises them at "
        "every harvest.",
    ),
    "absolute_iris": (
        "",
        "Skriv varje webbadress fullständigt (med https:// och värdnamn) och koda mellanslag "
        "som %20; dataportalen avvisar relativa och ogiltiga adresser.",
        "Write every web address in full (with https:// and the host) and encode spaces as "
        "%20; the data portal refuses relative and invalid addresses.",
    ),
    "canonical_licences": (
        "license",
        "Välj licensen ur listan, så att den skrivs på den form dataportalen känner igen "
        "(till exempel http://creativecommons.org/licenses/by/4.0/).",
        "Choose the licence from the list, so that it is written in the form the data portal "
        "recognises (for example http://creativecommons.org/licenses/by/4.0/).",
    ),
    "publisher_iri": (
        "",
        "Ge organisationen (eller den den hör till) sitt organisationsnummer, i API:t "
        "(PUT /api/organisations/<namn>, fältet org_number), så blir utgivaren "
        "http://dataportal.se/organisation/SE<orgnr> och dataportalen slår ihop den med samma "
        "utgivare från andra källor.",
        "Give the organisation (or the one it belongs to) its organisation number, in the API "
        "(PUT /api/organisations/<name>, the org_number field): the publisher then becomes "
        "http://dataportal.se/organisation/SE<orgnr>, and the data portal merges it with the "
        "same publisher from other sources.",
    ),
    "uuid_identifier": (
        "",
        "Ge datamängden en UUID som dcterms:identifier; dataportalen känner igen samma "
        "datamängd i flera kataloger på den.",
        "Give the dataset a UUID as dcterms:identifier; the data portal recognises the same "
        "dataset in several catalogues by it.",
    ),
    "language_tags": (
        "title.sv",
        "Skriv titel och beskrivning på svenska och ange språket på all fritext (titlar, "
        "beskrivningar, nyckelord, namn), så visar dataportalen rätt text på varje språk.",
        "Write the title and description in Swedish and tag the language of all free text "
        "(titles, descriptions, keywords, names), so that the data portal shows the right "
        "text in each language.",
    ),
}


def portal_hints(score: PortalScore) -> list[Hint]:
    """One hint per broken rule, in the rules' order: `metric` names the rule, `reason` what
    breaks it, and it wins no points (the rules are not part of the MQA's)."""
    out = []
    for check in score.checks:
        if not check.passed:
            field, sv, en = HINTS[check.rule]
            out.append(Hint(check.rule, "; ".join(check.details), 0.0, field, None, sv, en))
    return out


# --- Facts --------------------------------------------------------------------------------


def _text(
    name: str, value: str, lang: str | None, role: str, texts: list[str], given: dict[str, bool]
) -> None:
    """Note a free-text value: untagged, or (a dataset's title or description) Swedish."""
    if not lang:
        texts.append(f'{name} "{value}" has no language tag')
    if role == "Dataset" and name in _SWEDISH_NEEDED:
        swedish = (lang or "").lower().split("-")[0] == "sv"
        given[name] = given.get(name, False) or swedish


def _texts(texts: list[str], given: dict[str, bool]) -> tuple[str, ...]:
    missing = [f"{name} has no Swedish (@sv) value" for name, sv in given.items() if not sv]
    return tuple(sorted(texts) + sorted(missing))


_ROLES = {
    "dcat:distribution": "Distribution",
    "dcat:contactPoint": "ContactPoint",
    "dcterms:publisher": "Agent",
}


# --- Facts from a DCAT graph -----------------------------------------------------------------


def _graph_nodes(graph: Graph, dataset: Node) -> Iterator[tuple[str, Node]]:
    yield "Dataset", dataset
    for role, predicate in (
        ("Distribution", DCAT.distribution),
        ("ContactPoint", DCAT.contactPoint),
    ):
        for node in graph.objects(dataset, predicate):
            yield role, node
    for node in graph.objects(dataset, DCT.publisher):
        yield "Agent", node


def _curie(predicate: Node) -> str:
    text = str(predicate)
    for prefix, namespace in (("dcterms:", DCT), ("dcat:", DCAT), ("foaf:", FOAF)):
        if text.startswith(str(namespace)):
            return prefix + text[len(str(namespace)) :]
    return text


def facts_from_graph(graph: Graph) -> list[PortalFacts]:
    """The facts of every dcat:Dataset of the graph, in IRI order."""
    out = []
    for ds in sorted(set(graph.subjects(RDF.type, DCAT.Dataset)), key=str):
        nodes = list(_graph_nodes(graph, ds))
        iris: set[str] = set()
        licences: list[str] = []
        texts: list[str] = []
        given: dict[str, bool] = {}  # title, description of the dataset: has an @sv value
        for role, node in nodes:
            for predicate, value in graph.predicate_objects(node):
                name = _curie(predicate)
                if isinstance(value, URIRef):
                    iris.add(str(value))
                if name == "dcterms:license" and role in ("Dataset", "Distribution"):
                    licences.append(str(value) if isinstance(value, URIRef) else f'"{value}"')
                if name in _FREE_TEXT and isinstance(value, Literal):
                    _text(name, str(value), value.language, role, texts, given)
            if isinstance(node, URIRef):
                iris.add(str(node))
        publisher = graph.value(ds, DCT.publisher)
        out.append(
            PortalFacts(
                key=node_label(ds),
                blank=tuple(sorted({role for role, node in nodes if isinstance(node, BNode)})),
                iris=tuple(sorted(iris)),
                licences=tuple(sorted(licences)),
                publisher=None if publisher is None else "" if isinstance(publisher, BNode)
                else str(publisher),
                identifiers=tuple(sorted(str(i) for i in graph.objects(ds, DCT.identifier))),
                texts=_texts(texts, given),
            )
        )  # fmt: skip
    return out


# --- Facts from a record, as the feed maps it ------------------------------------------------


def _walk(res: Resource | Blank, role: str, facts: dict[str, Any]) -> None:
    if isinstance(res, Resource):
        facts["iris"].add(res.iri)
    for predicate, value in res.props:
        _value(predicate, value, role, facts)


def _value(predicate: str, value: Value, role: str, facts: dict[str, Any]) -> None:
    if isinstance(value, Ref):
        facts["iris"].add(value.iri)
        if predicate == "dcterms:license":
            facts["licences"].append(value.iri)
    elif isinstance(value, Lit) and predicate in _FREE_TEXT:
        _text(predicate, value.value, value.lang, role, facts["texts"], facts["given"])
    elif isinstance(value, Resource):
        if predicate == "dcterms:license":
            facts["licences"].append(value.iri)
        _walk(value, _ROLES.get(predicate, "Other"), facts)
    elif isinstance(value, Blank):
        if predicate in _ROLES:
            facts["blank"].add(_ROLES[predicate])
        _walk(value, "Other", facts)


def facts_from_resources(dataset: Resource, publisher: Resource) -> PortalFacts:
    """The facts of a dataset as `torget.dcat.mapping` describes it, with its publisher."""
    facts: dict[str, Any] = {"iris": set(), "licences": [], "texts": [], "given": {},
                             "blank": set()}  # fmt: skip
    _walk(dataset, "Dataset", facts)
    _walk(publisher, "Agent", facts)
    named = [v for p, v in dataset.props if p == "dcterms:publisher"]
    publisher_iri = named[0].iri if named and isinstance(named[0], Ref | Resource) else None
    identifiers = [
        v.value for p, v in dataset.props if p == "dcterms:identifier" and isinstance(v, Lit)
    ]
    return PortalFacts(
        key=dataset.iri,
        blank=tuple(sorted(facts["blank"])),
        iris=tuple(sorted(facts["iris"])),
        licences=tuple(sorted(facts["licences"])),
        publisher=publisher_iri,
        identifiers=tuple(identifiers),
        texts=_texts(facts["texts"], facts["given"]),
    )
