"""An organisation's maturity (its level, each criterion's value against the threshold, its
next steps) and the comparison of all the instance's organisations with the role model of
each criterion.

An organisation is measured with its units, as its quality score is (`quality.report`): a
municipality's maturity is that of all its departments and companies together. Every
organisation is computed from one read of the evidence (`evidence.gather`), so the comparison
costs what one organisation does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from torget.catalog.organisations import (
    Organisation,
    all_organisations,
    get_organisation,
    units_of,
)
from torget.clock import now
from torget.maturity.evidence import Evidence, gather
from torget.maturity.levels import CRITERIA, LEVELS, Assessment, Criterion, assess
from torget.maturity.measures import scope_of, values_of
from torget.maturity.steps import Step, next_steps
from torget.settings import Settings

__all__ = [
    "Maturity",
    "Comparison",
    "RoleModel",
    "maturity_of",
    "comparison",
    "organisation_maturity",
]


@dataclass(frozen=True)
class Maturity:
    organisation: Organisation
    assessment: Assessment
    steps: list[Step]

    @property
    def level(self) -> int:
        return self.assessment.level

    def as_json(self, gettext: Callable[[str], str], lang: str, base: str) -> dict[str, Any]:
        a = self.assessment
        return {
            "organisation": self.organisation.name,
            "level": a.level,
            "level_name": gettext(LEVELS[a.level]),
            "next_level": a.next_level,
            "criteria": [
                {
                    "key": v.criterion.key,
                    "dimension": v.criterion.dimension,
                    "label": gettext(v.criterion.label),
                    "unit": v.criterion.unit,
                    "value": v.value,
                    "threshold": v.threshold,
                    "at_most": v.criterion.at_most,
                    "holds": v.holds,
                    "fails_at": v.fails_at,
                }
                for v in a.verdicts
            ],
            "next_steps": [s.as_json(gettext, lang, base) for s in self.steps],
        }


def _maturity(evidence: Evidence, orgs: dict[str, Organisation], org: Organisation) -> Maturity:
    scope = scope_of(evidence, units_of(orgs, org.id))
    assessment = assess(values_of(scope))
    return Maturity(org, assessment, next_steps(assessment, scope, org.name))


def maturity_of(
    conn: sa.Connection, settings: Settings, organisation: Organisation,
    at: dt.datetime | None = None,
) -> Maturity:  # fmt: skip
    """One organisation's maturity (with its units) as of `at` (now)."""
    evidence = gather(conn, settings, at or now(), organisation)
    return _maturity(evidence, all_organisations(conn), organisation)


@dataclass(frozen=True)
class RoleModel:
    criterion: Criterion
    organisation: Organisation
    value: float


@dataclass(frozen=True)
class Comparison:
    organisations: list[Maturity]  # highest level first, then by name
    role_models: list[RoleModel]

    def as_json(self, gettext: Callable[[str], str], lang: str, base: str) -> dict[str, Any]:
        return {
            "organisations": [m.as_json(gettext, lang, base) for m in self.organisations],
            "role_models": [
                {"criterion": r.criterion.key, "label": gettext(r.criterion.label),
                 "organisation": r.organisation.name, "value": r.value}
                for r in self.role_models
            ],
        }  # fmt: skip


def _role_model(criterion: Criterion, found: list[Maturity]) -> RoleModel | None:
    """The organisation best at the criterion among those that publish; a tie goes to the
    first by name. None when no organisation has a value worth learning from (none at all,
    or nothing more than zero of what should grow)."""
    rated = [(m.assessment.verdict(criterion.key).value, m) for m in found if m.level > 0]
    known = [(v, m) for v, m in rated if v is not None and (criterion.at_most or v > 0)]
    if not known:
        return None
    sign = 1 if criterion.at_most else -1
    value, best = min(known, key=lambda vm: (sign * (vm[0] or 0), vm[1].organisation.name))
    return RoleModel(criterion, best.organisation, value or 0)


def comparison(
    conn: sa.Connection, settings: Settings, at: dt.datetime | None = None
) -> Comparison:
    """Every organisation's maturity side by side, and the role model of each criterion."""
    evidence = gather(conn, settings, at or now())
    orgs = all_organisations(conn)
    found = [_maturity(evidence, orgs, org) for org in orgs.values()]
    found.sort(key=lambda m: (-m.level, m.organisation.name))
    models = [r for c in CRITERIA if (r := _role_model(c, found)) is not None]
    return Comparison(found, models)


def organisation_maturity(
    conn: sa.Connection, settings: Settings, name_or_id: str, at: dt.datetime | None = None
) -> Maturity:
    """`maturity_of` by name or id (NotFound when there is none)."""
    return maturity_of(conn, settings, get_organisation(conn, name_or_id), at)
