"""National specifications (issue 16): the registry, conformance of loaded tables, templates
and the "check my file" service. See docs/specifications.md."""

from torget.specifications.registry import (
    Specification,
    add_specification,
    all_specifications,
    by_iri,
    fetch_schema,
    get_specification,
    iri_of,
)
from torget.specifications.report import Problem, Report

__all__ = [
    "Problem",
    "Report",
    "Specification",
    "add_specification",
    "all_specifications",
    "by_iri",
    "fetch_schema",
    "get_specification",
    "iri_of",
]
