"""Validate a catalogue graph with every checker Torget has, as one sorted list of findings.

The layers of `shared/specs/dcat/NOTES.md` §9.1: the DCAT-AP-SE 3.0.1 profile (`profile.py`),
the Swedish harvesting rules (`harvest_rules.py`) and, optionally, the SEMIC DCAT-AP 3.0.0 SHACL
shapes (`shacl.py`). Violations come first, then by class, node and property, so that a report
reads node by node; identical findings are given once.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph

from torget.dcat.findings import Finding
from torget.dcat.harvest_rules import check_harvest_rules
from torget.dcat.profile import check_profile
from torget.dcat.shacl import check_shacl

__all__ = ["validate_graph", "summarise", "sort_findings"]

_SEVERITY_ORDER = {"violation": 0, "warning": 1}


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """De-duplicated, sorted by (severity, focus class, focus, path), then source and message."""
    return sorted(
        set(findings),
        key=lambda f: (
            _SEVERITY_ORDER[f.severity],
            f.focus_class,
            f.focus,
            f.path,
            f.source,
            f.message,
        ),
    )


def validate_graph(graph: Graph, *, shacl: bool = True) -> list[Finding]:
    """Profile and harvest-rule findings, plus SEMIC SHACL findings unless `shacl=False`."""
    findings = check_profile(graph) + check_harvest_rules(graph)
    if shacl:
        findings += check_shacl(graph)
    return sort_findings(findings)


def summarise(findings: Iterable[Finding]) -> str:
    """A one-line count, e.g. "2 violations, 1 warning" or "no problems found"."""
    items = list(findings)
    violations = sum(1 for f in items if f.severity == "violation")
    warnings = len(items) - violations
    if not items:
        return "no problems found"
    return f"{_plural(violations, 'violation')}, {_plural(warnings, 'warning')}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
