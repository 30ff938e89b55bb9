"""search_datasets on every configured database: text, facets, sorting, paging, visibility."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.search.conftest import HVD_GEO, NASTY, SPEC
from torget.accounts.permissions import ANONYMOUS, SYSTEM, Actor, actor_for
from torget.accounts.users import create_user
from torget.catalog.organisations import set_member
from torget.db.engine import read, write
from torget.errors import ValidationFailed
from torget.search import SearchQuery, SearchResult, search_datasets

PUBLISHED = {"badplatser", "vattenkvalitet", "parkering", "forskolor", "angar", "zebra"}


def _search(engine: sa.Engine, actor: Actor = ANONYMOUS, **query: object) -> SearchResult:
    with read(engine) as conn:
        return search_datasets(conn, actor, SearchQuery(**query))  # type: ignore[arg-type]


def _names(result: SearchResult) -> list[str]:
    return [d.name for d in result.items]


def _counts(result: SearchResult, facet: str) -> dict[str, int]:
    return {v.value: v.count for v in result.facets[facet]}


@pytest.mark.usefixtures("catalogue")
def test_anonymous_sees_published_datasets_only(engine: sa.Engine) -> None:
    everything = _search(engine, page_size=50)
    assert everything.total == 6 and set(_names(everything)) == PUBLISHED
    assert all(d.state == "published" for d in everything.items)
    assert sum(_counts(everything, "organisation").values()) == 6


@pytest.mark.usefixtures("catalogue")
def test_members_also_see_their_organisations_drafts(engine: sa.Engine) -> None:
    with write(engine) as conn:
        user = create_user(conn, "greta", "greta@grannby.example", "secret-password")
        set_member(conn, SYSTEM, "grannby", "greta", "member")
        member = actor_for(conn, user)
    assert set(_names(_search(engine, member))) == (PUBLISHED | {"avfall"})
    assert _search(engine, SYSTEM).total == 8


@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("badplatser", {"badplatser", "vattenkvalitet"}),
        ("badplats", {"badplatser", "vattenkvalitet"}),  # the stem is a prefix of badplats
        ("BADPLATSENS", {"badplatser", "vattenkvalitet"}),
        ("Vattenkvaliteten", {"vattenkvalitet"}),
        ("bathing", {"badplatser", "vattenkvalitet"}),  # English title, stemmed
        ("beach", {"badplatser"}),  # English keyword
        ("strand", {"badplatser"}),  # Swedish keyword
        ("parkering", {"parkering"}),  # keyword, and a prefix of parkeringsplatser
        ("förskolorna", {"forskolor"}),
        ("water bathing", {"vattenkvalitet"}),  # every word must match
        ("the water", {"vattenkvalitet"}),  # stop words are left out
        ("beskrivning", PUBLISHED),  # in every Swedish description
        ("cykel", set()),
    ],
)
def test_free_text(engine: sa.Engine, text: str, expected: set[str]) -> None:
    found = _search(engine, text=text, page_size=50)
    assert set(_names(found)) == expected and found.total == len(expected)


@pytest.mark.usefixtures("catalogue")
def test_relevance_prefers_title_matches(engine: sa.Engine) -> None:
    assert _names(_search(engine, text="vattenkvalitet"))[0] == "vattenkvalitet"
    assert _names(_search(engine, text="bad"))[0] in {"badplatser", "vattenkvalitet"}


@pytest.mark.usefixtures("catalogue")
def test_facet_counts_ignore_their_own_selection(engine: sa.Engine) -> None:
    result = _search(engine, filters={"format": ["CSV"]})
    assert set(_names(result)) == {"badplatser", "vattenkvalitet", "forskolor", "zebra"}
    # Its own facet still counts every format; the others count only CSV datasets.
    assert _counts(result, "format") == {"CSV": 4, "JSON": 1, "GEOJSON": 1, "XLSX": 1}
    assert _counts(result, "theme") == {"ENVI": 2, "HEAL": 1, "EDUC": 1, "TRAN": 1}
    assert [v.value for v in result.facets["format"] if v.selected] == ["CSV"]


@pytest.mark.usefixtures("catalogue")
def test_filters_and_across_facets_or_within_one(engine: sa.Engine) -> None:
    either = _search(engine, filters={"theme": ["TRAN", "AGRI"]})
    assert set(_names(either)) == {"parkering", "zebra", "angar"}
    both = _search(engine, filters={"theme": ["TRAN", "AGRI"], "organisation": ["trafik"]})
    assert set(_names(both)) == {"parkering", "zebra"}
    assert _counts(both, "theme") == {"TRAN": 2, "AGRI": 0}  # within trafik; chosen ones stay
    assert _counts(both, "organisation") == {"trafik": 2, "sjostad": 1}  # within TRAN or AGRI
    with_text = _search(engine, text="zebra", filters={"theme": ["TRAN"], "format": ["CSV"]})
    assert _names(with_text) == ["zebra"]
    assert _counts(with_text, "format") == {"CSV": 1}
    assert _counts(with_text, "theme") == {"TRAN": 1}


@pytest.mark.usefixtures("catalogue")
def test_every_facet_has_values_and_labels(engine: sa.Engine) -> None:
    result = _search(engine)
    theme = {v.value: v for v in result.facets["theme"]}
    assert (theme["ENVI"].label_sv, theme["ENVI"].label_en) == ("Miljö", "Environment")
    assert _counts(result, "license") == {"CC0-1.0": 4, "CC-BY-4.0": 2}  # XLSX: the default
    assert _counts(result, "hvd") == {HVD_GEO: 1}
    assert _counts(result, "conforms_to") == {SPEC: 1}
    assert _counts(result, "keyword")["bad"] == 2
    organisation = {v.value: v for v in result.facets["organisation"]}
    assert organisation["sjostad"].label_en == "Sjöstad Municipality"
    english = _search(engine, lang="en")
    assert _counts(english, "keyword") == {
        "bathing": 1, "beach": 1, "bad": 1, "vattenkvalitet": 1, "parking": 1, "förskola": 1,
        "barn": 1, "street": 1,
    }  # fmt: skip


@pytest.mark.usefixtures("catalogue")
def test_filter_values_may_be_iris_or_aliases(engine: sa.Engine) -> None:
    iri = "http://publications.europa.eu/resource/authority/data-theme/TRAN"
    assert _search(engine, filters={"theme": [iri]}).total == 2
    assert _search(engine, filters={"format": ["text/csv"]}).total == 4
    assert _search(engine, filters={"license": ["cc-by"]}).total == 2
    assert _search(engine, filters={"keyword": ["BAD"]}).total == 0  # keywords: exact
    assert _search(engine, filters={"keyword": ["ba%"]}).total == 0
    unknown = _search(engine, filters={"theme": ["WEATHER"]})
    assert unknown.total == 0
    assert [(v.value, v.count, v.selected) for v in unknown.facets["theme"]][-1] == (
        "WEATHER",
        0,
        True,
    )


@pytest.mark.usefixtures("catalogue")
def test_sorting(engine: sa.Engine) -> None:
    by_title = _names(_search(engine, sort="title"))
    assert by_title == ["vattenkvalitet", "badplatser", "forskolor", "parkering", "zebra", "angar"]
    by_title_en = _names(_search(engine, sort="title", lang="en"))
    # English titles; "Ängar och åkrar" has none and sorts by its Swedish one, after Z.
    assert by_title_en == ["badplatser", "parkering", "forskolor", "vattenkvalitet", "zebra",
                           "angar"]  # fmt: skip
    by_modified = _names(_search(engine, sort="modified"))
    assert by_modified == ["badplatser", "parkering", "vattenkvalitet", "forskolor", "angar",
                           "zebra"]  # fmt: skip
    assert _names(_search(engine)) == by_modified  # relevance without text: newest first


@pytest.mark.usefixtures("catalogue")
def test_paging(engine: sa.Engine) -> None:
    pages = [_names(_search(engine, sort="title", page=n, page_size=4)) for n in (1, 2, 3)]
    assert [len(p) for p in pages] == [4, 2, 0]
    assert pages[0] + pages[1] == _names(_search(engine, sort="title"))
    assert _search(engine, page=3, page_size=4).total == 6


def test_bad_queries_are_refused_clearly(engine: sa.Engine) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _search(engine, filters={"colour": ["red"]}, page=0)
    fields = {e.field for e in refused.value.errors}
    assert fields == {"filters.colour", "page"}


@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize("text", NASTY, ids=range(len(NASTY)))
def test_any_text_is_plain_words_never_an_error(engine: sa.Engine, text: str) -> None:
    found = _search(engine, text=text, sort="relevance")
    assert found.total == len(found.items) <= 6
    assert set(_names(_search(engine, text=text + " badplatser"))) <= {
        "badplatser",
        "vattenkvalitet",
    }


@pytest.mark.usefixtures("catalogue")
def test_planner_settings_stay_inside_the_search(engine: sa.Engine) -> None:
    with read(engine) as conn:
        search_datasets(conn, ANONYMOUS, SearchQuery(text="badplatser"))
        if conn.dialect.name == "postgresql":
            assert conn.exec_driver_sql("SHOW enable_seqscan").scalar() == "on"
        assert conn.exec_driver_sql("SELECT count(*) FROM datasets").scalar() == 8
