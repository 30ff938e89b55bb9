"""Check a catalogue graph against the DCAT-AP-SE 3.0.1 property tables.

The rules are generated from `torget/specdata/dcat-ap-se-3.0.1-properties.csv` (one row per
RDForms template of DIGG's `bundle.json`, see `shared/specs/dcat/README.md`) and the fixed value
lists of `dcat-ap-se-3.0.1-controlled-values.csv`. The semantics follow NOTES.md §1 and §9.1
layer 2: `min ≥ 1` with level mandatory is an error, a missing recommended value a warning, `max`
an error; node kinds, datatypes, `pattern`s and closed ("strictmatch") lists are checked per value.
Rows for the same property are alternatives: a value is fine when one row accepts it.

Decisions taken from NOTES.md and for Torget:

* The Format group (§3, §9.4) needs exactly one `dcterms:format`; a literal IANA media type or an
  IRI of the EU file-type authority satisfies it (DIGG's harvester accepts the EU form since
  DCAT-AP-SE 3.0). On a DataService a missing format is only a warning (§10 item 6).
* The License group allows at most one licence: a listed CC IRI, an EU licence-NAL IRI, or an IRI
  typed `dcterms:LicenseDocument` in the graph; anything else is a warning (§4).
* `dcatap:hvdCategory` is conditional on the HVD legislation (§10 item 3).
* A contact point must be typed `vcard:Individual` or `vcard:Organization`; extra types are fine.
* `org:classification` is accepted in the https form of the templates and the real http form.
* Deprecated rows only ever give warnings; a value from a deprecated list (cld frequencies) is
  accepted with a deprecation warning.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources

from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from torget.dcat.findings import Finding, Severity, curie, node_label, term_text

__all__ = ["check_profile", "PropertyRule", "PropertySpec", "property_specs"]

SPEC = "DCAT-AP-SE 3.0.1"
HVD_LEGISLATION = URIRef("http://data.europa.eu/eli/reg_impl/2023/138/oj")
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_LICENCE = "http://publications.europa.eu/resource/authority/licence/"
ORG_HTTPS = "https://www.w3.org/ns/org#"
ORG_HTTP = "http://www.w3.org/ns/org#"

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
DCATAP = Namespace("http://data.europa.eu/r5r/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")

# CSV class label → the short label used in findings.
CLASS_LABELS = {
    "Catalog": "Catalog",
    "Dataset": "Dataset",
    "Distribution": "Distribution",
    "Data service": "DataService",
    "Dataset series": "DatasetSeries",
    "Agent": "Agent",
    "Contact point": "ContactPoint",
}
_TYPED = {
    "Catalog": DCAT.Catalog,
    "Dataset": DCAT.Dataset,
    "Distribution": DCAT.Distribution,
    "DataService": DCAT.DataService,
    "DatasetSeries": DCAT.DatasetSeries,
}
_TYPE = RDF.type  # looked up once: rdflib's namespace attributes cost microseconds each
_AGENT_TYPES = (FOAF.Agent, FOAF.Organization, FOAF.Person)
_LEVELS = ("optional", "recommended", "mandatory")
_KIND_TEXT = {
    "LANGUAGE_LITERAL": "language-tagged literal",
    "ONLY_LITERAL": "plain literal without language tag",
    "LITERAL": "literal",
    "DATATYPE_LITERAL": "typed literal",
    "URI": "IRI",
    "RESOURCE": "IRI or blank node",
}
_GROUP_NOTE = re.compile(r"alternative group '(\w+)' \((\w+) (\d+)\.\.(\d+|n) across")
_LIST_ID = re.compile(r'fixed values \(see controlled-values, list "([^"]+)"\)')
_GROUP_EXPECTS = {
    "Format": 'one literal IANA media type such as "text/csv" (listed, or matching the IANA '
    f"pattern), or an EU file-type IRI <{EU_FILE_TYPE}…>",
    "License": "a listed Creative Commons IRI, an EU licence IRI "
    f"<{EU_LICENCE}…> or an IRI typed dcterms:LicenseDocument",
}
# DIGG's DCAT-AP-SE-Processor relaxes these (NOTES.md §8, §10 item 6).
_RELAXED = {("DataService", "dcterms:format"): "DIGG's DCAT-AP-SE-Processor treats it as 0..1"}


@dataclass(frozen=True)
class PropertyRule:
    """One row of the property table: one RDForms template for a property of a class."""

    node_kind: str
    datatypes: frozenset[str]
    range_class: str | None
    pattern: re.Pattern[str] | None
    values: frozenset[str] | None
    list_id: str | None
    deprecated: bool


@dataclass(frozen=True, eq=False)
class PropertySpec:
    """All rows for one property of one class, checked together as alternatives. Made once
    (`property_specs`), so known by identity: a hash of the fields cost the guard's check
    of a harvest a few per cent."""

    focus_class: str
    path: str
    predicates: tuple[URIRef, ...]
    level: str
    min: int
    max: int | None
    group: str | None
    conditional: bool
    rules: tuple[PropertyRule, ...]

    @functools.cached_property  # asked for each node checked, some 70 times a dataset
    def deprecated(self) -> bool:
        return all(rule.deprecated for rule in self.rules)

    @functools.cached_property
    def quiet_when_absent(self) -> bool:
        """Whether a node without a value for it gets no finding (`_check_property`): most
        properties of a class, on most of its nodes."""
        if self.predicates[0] == _TYPE:
            return False
        return self.deprecated or (not self.conditional and self.level == "optional")

    def cardinality(self) -> str:
        return f"{self.min}..{'n' if self.max is None else self.max}"


def _spec_rows(name: str) -> list[dict[str, str]]:
    text = resources.files("torget").joinpath("specdata", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@functools.cache
def _value_lists() -> dict[str, frozenset[str]]:
    lists: dict[str, set[str]] = {}
    for row in _spec_rows("dcat-ap-se-3.0.1-controlled-values.csv"):
        lists.setdefault(row["list_id"], set()).add(row["value"])
    return {list_id: frozenset(values) for list_id, values in lists.items()}


def _rule(row: dict[str, str]) -> PropertyRule:
    match = _LIST_ID.search(row["vocabulary"])
    list_id = row["template_id"] if match and match.group(1) == row["template_id"] else None
    values = _value_lists().get(list_id) if list_id else None
    range_class = row["range_constraint"].removeprefix("rdf:type=") or None
    return PropertyRule(
        node_kind=row["node_kind"],
        datatypes=frozenset(d.strip() for d in row["datatype"].split("|") if d.strip()),
        range_class=range_class if range_class and "|" not in range_class else None,
        pattern=re.compile(row["pattern"]) if row["pattern"] else None,
        values=values,
        list_id=list_id if values is not None else None,
        deprecated="deprecated" in row["styles"].split(","),
    )


def _predicates(property_uri: str) -> tuple[URIRef, ...]:
    if property_uri.startswith(ORG_HTTPS):
        return (URIRef(property_uri), URIRef(ORG_HTTP + property_uri[len(ORG_HTTPS) :]))
    return (URIRef(property_uri),)


def _merge(focus_class: str, rows: list[dict[str, str]]) -> PropertySpec:
    rules = tuple(_rule(row) for row in rows)
    live = [row for row, rule in zip(rows, rules, strict=True) if not rule.deprecated] or rows
    group = _GROUP_NOTE.search(rows[0]["group_note"])
    if group:
        level, low, high = group.group(2), int(group.group(3)), group.group(4)
    else:
        level = max((row["level"] for row in live), key=_LEVELS.index)
        low = min(int(row["min"]) for row in live)
        maxima = [row["max"] for row in live]
        high = "n" if "n" in maxima else str(max(int(m) for m in maxima))
    return PropertySpec(
        focus_class=focus_class,
        path=curie(rows[0]["property_uri"]),
        predicates=_predicates(rows[0]["property_uri"]),
        level=level,
        min=low,
        max=None if high == "n" else int(high),
        group=group.group(1) if group else None,
        conditional=rows[0]["group_note"].startswith("CONDITIONAL"),
        rules=rules,
    )


@functools.cache
def property_specs() -> tuple[PropertySpec, ...]:
    """The top-level property rules of the classes Torget checks, generated from the CSV."""
    grouped: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in _spec_rows("dcat-ap-se-3.0.1-properties.csv"):
        focus_class = CLASS_LABELS.get(row["class_label"])
        if focus_class and " / " not in row["path"]:
            grouped.setdefault((focus_class, row["property_uri"]), []).append(row)
    return tuple(_merge(focus_class, rows) for (focus_class, _), rows in grouped.items())


def _nodes(graph: Graph, focus_class: str) -> set[Node]:
    if focus_class in _TYPED:
        found = set(graph.subjects(RDF.type, _TYPED[focus_class]))
    elif focus_class == "Agent":
        found = set(graph.objects(None, DCTERMS.publisher))
        found.update(s for t in _AGENT_TYPES for s in graph.subjects(RDF.type, t))
    else:
        found = set(graph.objects(None, DCAT.contactPoint))
    return {node for node in found if isinstance(node, URIRef | BNode)}


def _finding(severity: Severity, node: Node, spec: PropertySpec, message: str) -> Finding:
    return Finding(severity, node_label(node), spec.focus_class, spec.path, message, "dcat-ap-se")


# --- per-value checks ------------------------------------------------------------------------


def _kind_problem(value: Node, kind: str) -> str | None:
    if kind in ("LANGUAGE_LITERAL", "ONLY_LITERAL", "LITERAL", "DATATYPE_LITERAL"):
        if not isinstance(value, Literal):
            return f"{term_text(value)} must be a {_KIND_TEXT[kind]}, not a resource"
        if kind == "LANGUAGE_LITERAL" and not value.language:
            return f"{term_text(value)} has no language tag"
        if kind == "ONLY_LITERAL" and value.language:
            return f"{term_text(value)} must be a plain literal without a language tag"
    elif kind == "URI" and not isinstance(value, URIRef):
        return f"{term_text(value)} must be an IRI"
    elif kind == "RESOURCE" and isinstance(value, Literal):
        return f"{term_text(value)} must be an IRI (or blank node), not a literal"
    return None


def _datatype_problem(value: Node, rule: PropertyRule) -> str | None:
    if not rule.datatypes or not isinstance(value, Literal):
        return None
    allowed = ", ".join(sorted(curie(d) for d in rule.datatypes))
    if str(value.datatype) not in rule.datatypes:
        datatype = curie(str(value.datatype)) if value.datatype else "no datatype"
        return f"{term_text(value)} has {datatype}; allowed datatypes: {allowed}"
    if value.ill_typed:
        return f"{term_text(value)} is not a valid {curie(str(value.datatype))}"
    return None


def _list_problem(graph: Graph, value: Node, rule: PropertyRule, group: str | None) -> str | None:
    if rule.values is not None and str(value) not in rule.values:
        return f"{term_text(value)} is not in the list {rule.list_id}"
    if group and rule.range_class and (value, RDF.type, URIRef(rule.range_class)) not in graph:
        return f"{term_text(value)} is not typed {curie(rule.range_class)}"
    return None


def _pattern_problem(value: Node, rule: PropertyRule) -> str | None:
    if rule.pattern is None or isinstance(value, BNode) or rule.pattern.match(str(value)):
        return None
    return f"{term_text(value)} does not match the pattern {rule.pattern.pattern}"


def _rule_problem(graph: Graph, value: Node, rule: PropertyRule, spec: PropertySpec) -> str | None:
    return (
        _kind_problem(value, rule.node_kind)
        or _datatype_problem(value, rule)
        or _pattern_problem(value, rule)
        or _list_problem(graph, value, rule, spec.group)
    )


def _accepted_by_authority(spec: PropertySpec, value: Node) -> bool:
    if not isinstance(value, URIRef):
        return False
    if spec.group == "Format":
        return str(value).startswith(EU_FILE_TYPE)
    return spec.group == "License" and str(value).startswith(EU_LICENCE)


def _group_message(spec: PropertySpec, value: Node) -> str:
    what = "an allowed format" if spec.group == "Format" else "a listed licence"
    return f"{term_text(value)} is not {what}: use {_GROUP_EXPECTS[spec.group or '']}"


def _check_value(graph: Graph, node: Node, spec: PropertySpec, value: Node) -> Iterator[Finding]:
    if _accepted_by_authority(spec, value):
        return
    problems = [(rule, _rule_problem(graph, value, rule, spec)) for rule in spec.rules]
    accepting = [rule for rule, problem in problems if problem is None]
    if any(not rule.deprecated for rule in accepting):
        return
    if accepting:
        message = f"{term_text(value)} is from a value list deprecated in {SPEC}; use the EU list"
        yield _finding("warning", node, spec, message)
    elif spec.group and (spec.group == "Format" or isinstance(value, URIRef)):
        severity: Severity = "warning" if spec.group == "License" else "violation"
        yield _finding(severity, node, spec, _group_message(spec, value))
    else:
        first = next(p for rule, p in problems if p and not rule.deprecated)
        yield _finding("violation", node, spec, f"{first} ({SPEC}: {_expects(spec)})")


# --- per-property checks ---------------------------------------------------------------------


@functools.cache  # the specs are few and fixed; a check asks for each some 10 times a dataset
def _expects(spec: PropertySpec) -> str:
    """What the property takes, for messages: "language-tagged", "IRI, one of 3 values"…"""
    if spec.group in _GROUP_EXPECTS:
        return _GROUP_EXPECTS[spec.group]
    kinds: list[str] = []
    for rule in (r for r in spec.rules if not r.deprecated):
        if rule.node_kind == "DATATYPE_LITERAL":
            kind = "/".join(sorted(curie(d) for d in rule.datatypes))
        elif rule.node_kind:
            kind = _KIND_TEXT[rule.node_kind].replace("language-tagged literal", "language-tagged")
        else:
            kind = f"a {curie(rule.range_class)}" if rule.range_class else "any value"
        if rule.values is not None:
            count = len(rule.values)
            kind += f", one of {count} values" if count > 1 else ", the one listed value"
        if kind not in kinds:
            kinds.append(kind)
    if "IRI or blank node" in kinds and "IRI" in kinds:
        kinds.remove("IRI")
    return " or ".join(kinds)


@functools.cache  # the same words for every node without the value
def _missing(spec: PropertySpec) -> tuple[Severity, str] | None:
    if spec.conditional or spec.level == "optional":
        return None
    cardinality = f"{SPEC}: {spec.cardinality()}, {_expects(spec)}"
    relaxed = _RELAXED.get((spec.focus_class, spec.path))
    if spec.level == "mandatory" and spec.min >= 1 and not relaxed:
        return "violation", f"missing mandatory value ({cardinality})"
    if spec.level == "mandatory" and relaxed:
        return "warning", f"missing value ({cardinality}); mandatory in the templates but {relaxed}"
    if spec.level == "recommended":
        return "warning", f"missing recommended value ({cardinality})"
    return None


def _check_missing(node: Node, spec: PropertySpec) -> Iterator[Finding]:
    missing = _missing(spec)
    if missing is not None:
        yield _finding(missing[0], node, spec, missing[1])


def _check_max(node: Node, spec: PropertySpec, values: list[Node]) -> Iterator[Finding]:
    if spec.max is None:
        return
    per_language = all(rule.node_kind == "LANGUAGE_LITERAL" for rule in spec.rules)
    buckets: dict[str | None, int] = {}
    for value in values:
        key = value.language if per_language and isinstance(value, Literal) else None
        buckets[key] = buckets.get(key, 0) + 1
    for language, count in sorted(buckets.items(), key=lambda item: str(item[0])):
        if count > spec.max:
            where = f" in language {language}" if language else ""
            message = f"{count} values{where}, at most {spec.max} allowed ({SPEC}: "
            yield _finding("violation", node, spec, message + f"{spec.cardinality()})")


def _check_conditional(graph: Graph, node: Node, spec: PropertySpec, n: int) -> Iterator[Finding]:
    hvd = (node, DCATAP.applicableLegislation, HVD_LEGISLATION) in graph
    if hvd and n == 0:
        message = f"missing: required for high-value datasets ({SPEC}: 1..n, IRI)"
        yield _finding("violation", node, spec, message)
    elif n and not hvd:
        message = f"must not be used without the HVD legislation <{HVD_LEGISLATION}>"
        yield _finding("violation", node, spec, message + " in dcatap:applicableLegislation")


def _check_type_choice(node: Node, spec: PropertySpec, values: list[Node]) -> Iterator[Finding]:
    allowed = spec.rules[0].values or frozenset()
    chosen = [v for v in values if str(v) in allowed]
    if not chosen:
        message = "must be typed vcard:Individual or vcard:Organization (other types may be added)"
        yield _finding("violation", node, spec, message)
    elif len(chosen) > 1:
        message = "typed both vcard:Individual and vcard:Organization; choose one"
        yield _finding("violation", node, spec, message)


def _check_property(
    graph: Graph, node: Node, spec: PropertySpec, described: dict[Node, set[Node]]
) -> Iterator[Finding]:
    # Each predicate's values are a set already; only two predicates (org's http and https
    # spellings) need merging, and a set of literals costs their slow hashes once more.
    found = [described[p] for p in spec.predicates if p in described]
    values = sorted(found[0] if len(found) == 1 else {v for vs in found for v in vs}, key=str)
    if spec.predicates[0] == _TYPE:
        yield from _check_type_choice(node, spec, values)
        return
    if spec.deprecated:
        if values:
            yield _finding("warning", node, spec, f"{spec.path} is deprecated in {SPEC}")
        return
    if spec.conditional:
        yield from _check_conditional(graph, node, spec, len(values))
    if not values:
        yield from _check_missing(node, spec)
        return
    yield from _check_max(node, spec, values)
    for value in values:
        yield from _check_value(graph, node, spec, value)


def _check_class(graph: Graph, specs: Iterable[PropertySpec], cls: str) -> Iterator[Finding]:
    nodes = sorted(_nodes(graph, cls), key=str)
    described: dict[Node, dict[Node, set[Node]]] = {node: {} for node in nodes}
    for node, properties in described.items():  # one look-up a node, not one a property
        for p, o in graph.predicate_objects(node):
            properties.setdefault(p, set()).add(o)
    for spec in specs:
        quiet = spec.quiet_when_absent
        for node in nodes:
            properties = described[node]
            if quiet and not any(p in properties for p in spec.predicates):
                continue  # nothing to say (`_check_property`), without the generators
            yield from _check_property(graph, node, spec, properties)


def check_profile(graph: Graph) -> list[Finding]:
    """All DCAT-AP-SE 3.0.1 property-table findings for the graph, in class order."""
    findings: list[Finding] = []
    specs = property_specs()
    for focus_class in CLASS_LABELS.values():
        mine = [spec for spec in specs if spec.focus_class == focus_class]
        findings.extend(_check_class(graph, mine, focus_class))
    return findings
