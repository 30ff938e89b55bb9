"""Why this candidate first: a priority score out of 100 that shows its reasons.

Göteborg's routine (step A, identify and prioritise) ranks what to open by what it is worth and
what it costs; the score makes that ranking visible and the same for everyone, so a reader sees
why one candidate comes before another instead of trusting a number. Four rules, each worth at
most the points given, added up:

- **High value (30).** A candidate in one of the EU's high-value categories (Implementing
  Regulation (EU) 2023/138) is data the municipality must open in any case, so it leads.
- **Demand (up to 40).** 5 points per public suggestion linked to it and 2 per vote on those
  suggestions, capped at 40: what people ask for counts, but one viral suggestion cannot
  outweigh everything else.
- **Societal benefit (up to 20).** 5 points per benefit area (the four impact areas of
  data.europa.eu's Open Data Maturity assessment: governmental, social, environmental,
  economic; `inventory_fields.BENEFITS`).
- **Effort (up to 10).** 10 for small, 5 for medium, 0 for large or unknown: quick wins
  first, as the routine advises.

Ties go to the title's alphabetical order. The rules are pure functions of the candidate's
fields, so a test states each with literal inputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from torget.catalog.vocabularies import vocabulary

__all__ = [
    "HIGH_VALUE_POINTS",
    "DEMAND_CAP",
    "SUGGESTION_POINTS",
    "VOTE_POINTS",
    "BENEFIT_POINTS",
    "EFFORT_POINTS",
    "Reason",
    "Priority",
    "priority",
]

HIGH_VALUE_POINTS = 30
SUGGESTION_POINTS = 5
VOTE_POINTS = 2
DEMAND_CAP = 40
BENEFIT_POINTS = 5
EFFORT_POINTS = {"small": 10, "medium": 5, "large": 0}


@dataclass(frozen=True)
class Reason:
    """One rule's part of the score: `code` names the rule for a translation (`high_value`,
    `demand`, `benefit`, `effort`), `params` the figures it names."""

    code: str
    points: int
    params: dict[str, str] = field(default_factory=dict, hash=False)

    def as_json(self) -> dict[str, object]:
        return {"code": self.code, "points": self.points, "params": self.params}


@dataclass(frozen=True)
class Priority:
    score: int
    reasons: tuple[Reason, ...]

    def as_json(self) -> dict[str, object]:
        return {"score": self.score, "reasons": [r.as_json() for r in self.reasons]}

    def explained(self) -> str:
        """The reasons in one line of English, for the command line and the spreadsheet."""
        return "; ".join(f"{_english(r)} (+{r.points})" for r in self.reasons)


def _english(reason: Reason) -> str:
    params = dict(reason.params)
    if reason.code == "high_value":
        concept = vocabulary("hvd_category").lookup(params["category"])
        params["category"] = concept.label_en if concept else params["category"]
    return _ENGLISH[reason.code].format(**params)


_ENGLISH = {
    "high_value": "high-value category {category}",
    "demand": "{suggestions} suggestion(s) with {votes} vote(s)",
    "benefit": "benefit in {areas} area(s)",
    "effort": "{effort} effort",
}


def priority(
    *,
    hvd_category: str | None,
    suggestions: int,
    votes: int,
    benefits: Sequence[str],
    effort: str | None,
) -> Priority:
    """The score of a candidate and the reasons that make it up (a rule that gives nothing is
    left out, except a known effort, which says why it gave nothing)."""
    reasons = []
    if hvd_category:
        reasons.append(Reason("high_value", HIGH_VALUE_POINTS, {"category": hvd_category}))
    if suggestions:
        points = min(DEMAND_CAP, SUGGESTION_POINTS * suggestions + VOTE_POINTS * votes)
        reasons.append(
            Reason("demand", points, {"suggestions": str(suggestions), "votes": str(votes)})
        )
    if benefits:
        reasons.append(
            Reason("benefit", BENEFIT_POINTS * len(benefits), {"areas": str(len(benefits))})
        )
    if effort:
        reasons.append(Reason("effort", EFFORT_POINTS[effort], {"effort": effort}))
    return Priority(sum(r.points for r in reasons), tuple(reasons))
