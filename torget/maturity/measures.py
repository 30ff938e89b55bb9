"""The value of each criterion (`levels.CRITERIA`) for one organisation with its units, from
the evidence read for the whole catalogue (`evidence.gather`). Pure."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from torget.maturity.evidence import Candidate, Entry, Evidence, Known, Suggestion

__all__ = ["Scope", "scope_of", "values_of"]


@dataclass(frozen=True)
class Scope:
    """What one organisation's maturity is measured over: its and its units' datasets,
    suggestions and inventory candidates."""

    entries: list[Entry]
    suggestions: list[Suggestion]
    candidates: list[Candidate]
    specifications: list[Known]

    @property
    def scheduled(self) -> list[Entry]:
        return [e for e in self.entries if e.due_at is not None]

    @property
    def high_value(self) -> list[Entry]:
        return [e for e in self.entries if e.high_value]

    @property
    def answered(self) -> list[Suggestion]:
        return [s for s in self.suggestions if s.answered_at is not None]


def scope_of(evidence: Evidence, organisation_ids: Iterable[str]) -> Scope:
    ids = sorted(organisation_ids)
    return Scope(
        [e for i in ids for e in evidence.entries.get(i, [])],
        [s for i in ids for s in evidence.suggestions.get(i, [])],
        [c for i in ids for c in evidence.candidates.get(i, [])],
        evidence.specifications,
    )


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _median_days(answered: list[Suggestion]) -> float | None:
    days = [(s.answered_at - s.created_at).total_seconds() / 86400 for s in answered
            if s.answered_at is not None]  # fmt: skip
    return round(statistics.median(days), 1) if days else None


def values_of(scope: Scope) -> dict[str, float | None]:
    """Each criterion's value; None where there is nothing to measure."""
    entries = scope.entries
    n = len(entries)
    scheduled, hvd = scope.scheduled, scope.high_value
    published = [c for c in scope.candidates if c.published]
    return {
        "datasets": n,
        "growth": sum(e.new for e in entries),
        "inventory": len(scope.candidates),
        "quality": round(sum(e.quality.score.points for e in entries) / n, 1) if n else None,
        "freshness": _share(sum(not e.overdue for e in scheduled), len(scheduled)),
        "answered": _share(len(scope.answered), len(scope.suggestions)),
        "hvd_api": _share(sum(e.api for e in hvd), len(hvd)),
        "api": _share(sum(e.api for e in entries), n) if n else 0.0,
        "specifications": sum(e.specification == "conforms" for e in entries),
        "answer_days": _median_days(scope.answered),
        "use": round(sum(e.uses for e in entries) / n, 1) if n else 0.0,  # fmt: skip
        "inventory_published": _share(len(published), len(scope.candidates)),
    }
