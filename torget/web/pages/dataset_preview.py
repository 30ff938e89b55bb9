"""The data part of a dataset's page: each distribution's datastore load, and for the one the
reader chose, its table preview, column dictionary, map and chart.

One distribution is previewed at a time (the first loaded one unless `preview=<id>` picks
another), because a dataset's distributions are usually the same data in several formats;
the others are a link away. Each part that the reader's choices break (a filter value that
does not fit its column, a chart of a text column) says why in its own place, and the rest
of the page is still shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from babel.numbers import format_decimal

from torget.accounts.permissions import Actor
from torget.catalog.datasets import Distribution
from torget.datastore.access import dataset_tables
from torget.datastore.dictionary import DescribedColumn, describe_columns, descriptions
from torget.datastore.jobs import Job, latest_job
from torget.datastore.tables import Table
from torget.errors import FieldError, ValidationFailed
from torget.settings import Settings
from torget.web.i18n import translations
from torget.web.pages.preview import PreviewState, TablePreview, table_preview
from torget.web.pages.table_chart import ChartView, table_chart
from torget.web.pages.table_map import MapView, table_map

__all__ = ["DatastoreState", "DataPreview", "datastore_states", "data_preview"]

_LOCALES = {"sv": "sv_SE", "en": "en_GB"}


@dataclass(frozen=True)
class DatastoreState:
    """A distribution's place in the datastore: its last load and its current table."""

    job: Job | None
    table: Table | None


@dataclass
class DataPreview:
    distribution: Distribution
    table: Table
    columns: list[DescribedColumn]
    state: PreviewState
    path: str
    preview: TablePreview | None = None
    map: MapView | None = None
    chart: ChartView | None = None
    problems: list[FieldError] = field(default_factory=list)
    chart_problems: list[FieldError] = field(default_factory=list)


def datastore_states(
    conn: sa.Connection, actor: Actor, settings: Settings, distributions: list[Distribution]
) -> dict[str, DatastoreState]:
    found = dataset_tables(conn, actor, settings.datastore_path, [d.id for d in distributions])
    return {d.id: DatastoreState(latest_job(conn, d.id), found.get(d.id)) for d in distributions}


def _chosen(
    distributions: list[Distribution], states: dict[str, DatastoreState], wanted: str | None
) -> tuple[Distribution, Table] | None:
    loaded = [(d, states[d.id].table) for d in distributions if states[d.id].table is not None]
    for dist, table in loaded:
        if dist.id == wanted:
            assert table is not None
            return dist, table
    if not loaded:
        return None
    dist, table = loaded[0]
    assert table is not None
    return dist, table


def data_preview(
    conn: sa.Connection,
    settings: Settings,
    distributions: list[Distribution],
    states: dict[str, DatastoreState],
    state: PreviewState,
    path: str,
    lang: str,
) -> DataPreview | None:
    """The preview of the chosen loaded distribution, or None when none is loaded."""
    chosen = _chosen(distributions, states, state.distribution)
    if chosen is None:
        return None
    dist, table = chosen
    columns = describe_columns(table.columns, descriptions(conn, dist.id))
    if state.distribution != dist.id:
        state = PreviewState(distribution=dist.id, problems=state.problems)
    result = DataPreview(dist, table, columns, state, path)
    try:
        result.preview = table_preview(
            table, columns, state, path, settings.datastore_exact_count_limit
        )
    except ValidationFailed as exc:
        result.problems = exc.errors
    rows = result.preview.raw_rows if result.preview else []
    total = result.preview.total if result.preview else table.row_count
    result.map = table_map(table, state, rows, total, settings)
    if not result.problems:  # a chart of rows the filters could not select is no help
        empty = translations(lang).gettext("(empty)")
        try:
            result.chart = table_chart(table, state, empty, _number(lang))
        except ValidationFailed as exc:
            result.chart_problems = exc.errors
    return result


def _number(lang: str) -> Callable[[float], str]:
    locale = _LOCALES[lang]

    def number(value: float) -> str:
        return str(format_decimal(value, locale=locale))

    return number
