"""The levels of open-data maturity and the criteria of each (`docs/maturity.md` gives the
reasons and the sources).

Four levels after the four groups of the EU's Open Data Maturity report (beginners,
followers, fast-trackers, trendsetters), each asked of an organisation by criteria in the
report's four dimensions (policy, portal, quality, impact), measured on its own catalogue.
A criterion has a threshold per level from the level where it first applies; the level
reached is the highest whose criteria all hold (and all those of the levels below, since the
thresholds only tighten). A criterion with nothing to measure (no high-value dataset, no
suggestion, no promised update) holds: nothing was promised or asked, so nothing is late.

Pure: `assess` takes the measured values and gives the level and each criterion's verdict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "CRITERIA",
    "LEVELS",
    "TOP",
    "Assessment",
    "Criterion",
    "Verdict",
    "assess",
    "criterion",
]


def N_(message: str) -> str:  # noqa: N802 - the name scripts/translations extracts
    return message


LEVELS: dict[int, str] = {
    0: N_("Not started"),
    1: N_("Beginner"),
    2: N_("Follower"),
    3: N_("Fast-tracker"),
    4: N_("Trendsetter"),
}
"""The levels' names (msgids), after the ODM report's groups; 0 is an organisation with no
published dataset."""
TOP = max(LEVELS)

Dimension = Literal["policy", "portal", "quality", "impact"]
Unit = Literal["count", "share", "points", "days", "uses"]


@dataclass(frozen=True)
class Criterion:
    key: str
    dimension: Dimension
    label: str  # msgid
    unit: Unit
    at_most: bool  # True: the value must not exceed the threshold (days to answer)
    thresholds: Mapping[int, float]  # level -> threshold, from the level it first applies

    def threshold(self, level: int) -> float | None:
        """The threshold at `level`: that of the highest level at or below it, if any."""
        found = [t for lvl, t in self.thresholds.items() if lvl <= level]
        return found[-1] if found else None

    def holds(self, value: float | None, level: int) -> bool:
        wanted = self.threshold(level)
        if wanted is None or value is None:
            return True
        return value <= wanted if self.at_most else value >= wanted


CRITERIA: tuple[Criterion, ...] = (
    Criterion("datasets", "portal", N_("Published datasets"), "count", False,
              {1: 1, 2: 5, 3: 10, 4: 25}),
    Criterion("growth", "portal", N_("New datasets in the last 12 months"), "count", False,
              {2: 1, 3: 3, 4: 5}),
    Criterion("inventory", "policy", N_("Candidates in the inventory"), "count", False,
              {2: 1}),
    Criterion("quality", "quality", N_("Quality score (mean of 405 points)"), "points", False,
              {2: 121, 3: 221, 4: 351}),
    Criterion("freshness", "quality", N_("Datasets with a due date that are not overdue"),
              "share", False, {2: 0.5, 3: 0.8, 4: 0.95}),
    Criterion("answered", "portal", N_("Suggestions answered"), "share", False,
              {2: 0.5, 3: 0.8, 4: 0.95}),
    Criterion("hvd_api", "policy", N_("High-value datasets with an API"), "share", False,
              {3: 1.0}),
    Criterion("api", "portal", N_("Datasets with an API"), "share", False, {3: 0.25, 4: 0.5}),
    Criterion("specifications", "quality",
              N_("Datasets that follow a national specification"), "count", False,
              {3: 1, 4: 3}),
    Criterion("answer_days", "portal", N_("Median days to answer a suggestion"), "days", True,
              {3: 30, 4: 14}),
    Criterion("use", "impact", N_("Uses per dataset in the last 12 months"), "uses", False,
              {3: 12, 4: 52}),
    Criterion("inventory_published", "policy", N_("Inventory candidates published"), "share",
              False, {4: 0.5}),
)  # fmt: skip
"""In the order the next steps take at the same level: publishing first, then quality, then
access and impact."""

_BY_KEY = {c.key: c for c in CRITERIA}


def criterion(key: str) -> Criterion:
    return _BY_KEY[key]


@dataclass(frozen=True)
class Verdict:
    """One criterion for one organisation: its value, the threshold of the next level (or of
    the top level once reached), and the first level at which it fails (None: never)."""

    criterion: Criterion
    value: float | None
    threshold: float | None
    holds: bool
    fails_at: int | None


@dataclass(frozen=True)
class Assessment:
    level: int
    verdicts: tuple[Verdict, ...]

    @property
    def next_level(self) -> int | None:
        return self.level + 1 if self.level < TOP else None

    def verdict(self, key: str) -> Verdict:
        return next(v for v in self.verdicts if v.criterion.key == key)


def _fails_at(c: Criterion, value: float | None) -> int | None:
    return next((lvl for lvl in sorted(c.thresholds) if not c.holds(value, lvl)), None)


def assess(values: Mapping[str, float | None]) -> Assessment:
    """The level the values reach and each criterion's verdict against the next level."""
    fails = {c.key: _fails_at(c, values.get(c.key)) for c in CRITERIA}
    level = min([f - 1 for f in fails.values() if f is not None], default=TOP)
    aim = min(level + 1, TOP)
    verdicts = tuple(
        Verdict(c, values.get(c.key), c.threshold(aim), c.holds(values.get(c.key), aim),
                fails[c.key])
        for c in CRITERIA
    )  # fmt: skip
    return Assessment(level, verdicts)
