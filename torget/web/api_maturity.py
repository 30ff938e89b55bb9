"""JSON API of maturity (issue 14 item 4): an organisation's level, criteria and next steps,
and every organisation's side by side with the role models. Public, like the pages: maturity is
measured on published datasets only. Texts are in `lang` (Swedish by default); the computing is
`torget.maturity`."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query

from torget.db.engine import read
from torget.mail.language import translator
from torget.maturity.report import comparison, organisation_maturity
from torget.web.request_site import SiteDep

router = APIRouter(prefix="/api", tags=["maturity"])

_LANG = Query("sv", description="The language of the texts: sv or en.")


@router.get("/organisations/{organisation}/maturity", summary="An organisation's maturity")
def get_organisation_maturity(
    site: SiteDep, organisation: str, lang: Literal["sv", "en"] = _LANG
) -> dict[str, Any]:
    with read(site.engine) as conn:
        found = organisation_maturity(conn, site.settings, organisation)
    return found.as_json(translator(lang).gettext, lang, site.settings.public_base)


@router.get("/maturity", summary="Every organisation's maturity and the role models")
def get_maturity(site: SiteDep, lang: Literal["sv", "en"] = _LANG) -> dict[str, Any]:
    with read(site.engine) as conn:
        found = comparison(conn, site.settings)
    return found.as_json(translator(lang).gettext, lang, site.settings.public_base)
