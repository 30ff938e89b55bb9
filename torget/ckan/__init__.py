"""CKAN Action API compatibility: existing CKAN tools (ckanapi, harvesters, scripts) work
against Torget unchanged.

`mapping.py` declares how CKAN's package, resource, organization, group, tag and licence
dicts correspond to Torget's DCAT-AP-SE model, both ways (docs/ckan.md). The actions, split by
noun (`packages`, `resources`, `search`, `organizations`, `groups`, `tokens`, `site`,
`datastore`), call the catalogue's and the datastore's own domain functions, so the same
validation, permissions and publish guard apply; `actions.ACTIONS` names them and `errors.py`
gives CKAN's error shapes. The HTTP shell is `torget/web/api_ckan.py`.
"""

from __future__ import annotations

from torget.ckan.actions import ACTIONS
from torget.ckan.call import Action, BadRequest, Call, SearchQueryError, Upload
from torget.ckan.errors import error_response

__all__ = [
    "ACTIONS",
    "Action",
    "BadRequest",
    "Call",
    "SearchQueryError",
    "Upload",
    "error_response",
]
