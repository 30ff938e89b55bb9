"""The inventory (issue 13 A) through its domain functions, on a real database: candidates,
their priority and its reasons, links to suggestions, the public setting, the history, and a
candidate made a draft dataset in one step."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from torget.accounts.permissions import ANONYMOUS, SYSTEM, Actor, Channel, actor_for
from torget.accounts.users import create_user, get_user
from torget.catalog.datasets import get_dataset
from torget.catalog.model import OrganisationIn
from torget.catalog.organisations import create_organisation, set_member
from torget.catalog.vocabularies import HVD_LEGISLATION
from torget.db.engine import read, write
from torget.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from torget.participation.suggestions import SuggestionIn, create_suggestion
from torget.participation.votes import cast_vote
from torget.publishing.inventory import (
    candidate_history,
    candidates_of_suggestion,
    get_candidate,
    read_inventory,
)
from torget.publishing.inventory_changes import (
    create_candidate,
    delete_candidate,
    promote_candidate,
    set_public,
    update_candidate,
)
from torget.publishing.inventory_fields import CandidateIn
from torget.publishing.inventory_priority import priority

GEOSPATIAL = "http://data.europa.eu/bna/c_ac64a52d"


def _org(name: str, title: str, parent: str | None = None) -> OrganisationIn:
    extra = {"parent": parent} if parent else {"publisher_type": "LocalAuthority"}
    return OrganisationIn.model_validate({"name": name, "title": {"sv": title}, **extra})


@pytest.fixture
def people(engine: sa.Engine) -> dict[str, Actor]:
    with write(engine) as conn:
        create_organisation(conn, SYSTEM, _org("sjostad", "Sjöstads kommun"))
        create_organisation(conn, SYSTEM, _org("miljo", "Miljöförvaltningen", "sjostad"))
        create_organisation(conn, SYSTEM, _org("grannby", "Grannby kommun"))
        for name in ("anna", "erik", "mia", "voter", "outsider"):
            create_user(conn, name, f"{name}@example.se", "secret-password")
        set_member(conn, SYSTEM, "miljo", "anna", "editor")
        set_member(conn, SYSTEM, "sjostad", "erik", "admin")
        set_member(conn, SYSTEM, "miljo", "mia", "member")
        return {
            n: actor_for(conn, get_user(conn, n)).via(Channel.API)
            for n in ("anna", "erik", "mia", "voter", "outsider")
        }


def _suggest(engine: sa.Engine, who: Actor, org: str, title: str = "Träd i parker") -> str:
    with write(engine) as conn:
        made = create_suggestion(
            conn, who, SuggestionIn(title, "Alla träd.", "För skuggan.", org), address="10.0.0.1"
        )
    return made.id


def test_priority_explains_itself_with_literal_inputs() -> None:
    found = priority(
        hvd_category=GEOSPATIAL, suggestions=2, votes=3, benefits=["social"], effort="small"
    )
    assert found.score == 30 + (2 * 5 + 3 * 2) + 5 + 10
    assert [r.code for r in found.reasons] == ["high_value", "demand", "benefit", "effort"]
    assert found.explained() == (
        "high-value category Geospatial (+30); 2 suggestion(s) with 3 vote(s) (+16); "
        "benefit in 1 area(s) (+5); small effort (+10)"
    )
    assert (
        priority(hvd_category=None, suggestions=10, votes=500, benefits=[], effort="large").score
        == 40
    )
    assert priority(hvd_category=None, suggestions=0, votes=0, benefits=[], effort=None).score == 0


def test_candidates_rank_by_priority_with_demand_from_linked_votes(
    engine: sa.Engine, people: dict[str, Actor]
) -> None:
    wanted = _suggest(engine, people["voter"], "sjostad")
    with write(engine) as conn:
        cast_vote(conn, people["outsider"], wanted, address="10.0.0.2")
        low = create_candidate(
            conn, people["anna"], "miljo", CandidateIn("Bullerkartor", effort="large")
        )
        high = create_candidate(
            conn,
            people["anna"],
            "miljo",
            CandidateIn(
                "Träd",
                "Trees",
                "Park",
                "Varje träd.",
                ["miljö", "Social"],
                "liten",
                "Geospatial",
                "Anna Lind",
                "anna@sjostad.example",
                [wanted],
            ),
        )
    assert high.benefits == ("social", "environmental")
    assert high.effort == "small" and high.hvd_category == GEOSPATIAL
    assert high.votes == 1
    assert high.priority.score == 30 + (5 + 2) + 10 + 10
    with read(engine) as conn:
        inventory = read_inventory(conn, people["mia"], "miljo")
    assert [x.id for x in inventory.candidates] == [high.id, low.id]
    assert inventory.full and not inventory.public


def test_bad_values_are_refused_with_codes_and_nothing_is_written(
    engine: sa.Engine, people: dict[str, Actor]
) -> None:
    elsewhere = _suggest(engine, people["voter"], "grannby")
    bad = CandidateIn(
        " ",
        benefits=["tourism"],
        effort="huge",
        hvd_category="Weather",
        contact_email="not-an-address",
        suggestions=[elsewhere, "nope"],
    )
    with pytest.raises(ValidationFailed) as refused, write(engine) as conn:
        create_candidate(conn, people["anna"], "miljo", bad)
    assert {(e.field, e.code) for e in refused.value.errors} == {
        ("title_sv", "required"),
        ("benefits", "not_a_benefit_area"),
        ("effort", "not_an_effort"),
        ("hvd_category", "not_a_hvd_category"),
        ("contact_email", "not_an_email"),
        ("suggestions", "suggestion_elsewhere"),
        ("suggestions", "unknown_suggestion"),
    }
    with read(engine) as conn:
        assert read_inventory(conn, people["anna"], "miljo").candidates == []


def test_only_editors_change_and_only_members_or_the_public_read(
    engine: sa.Engine, people: dict[str, Actor]
) -> None:
    with write(engine) as conn:
        made = create_candidate(
            conn,
            people["erik"],
            "miljo",  # inherited from the municipality
            CandidateIn("Träd", contact_name="Anna"),
        )
        for who in ("mia", "outsider"):
            with pytest.raises(PermissionDenied):
                update_candidate(conn, people[who], made.id, CandidateIn("Annat"))
        with pytest.raises(PermissionDenied):  # the setting is the administrators'
            set_public(conn, people["anna"], "miljo", True)
    with read(engine) as conn:
        for who in (ANONYMOUS, people["outsider"]):
            with pytest.raises(NotFound) as hidden:
                read_inventory(conn, who, "miljo")
            assert hidden.value.code == "inventory_not_public"
    with write(engine) as conn:
        set_public(conn, people["erik"], "miljo", True)
    with read(engine) as conn:
        public = read_inventory(conn, ANONYMOUS, "miljo")
        assert public.public and not public.full
        assert "contact" not in public.as_json("http://x")["items"][0]
        assert get_candidate(conn, ANONYMOUS, made.id).title_sv == "Träd"


def test_a_candidate_becomes_a_draft_in_one_step_and_keeps_its_history(
    engine: sa.Engine, people: dict[str, Actor]
) -> None:
    anna = people["anna"]
    with write(engine) as conn:
        made = create_candidate(
            conn,
            anna,
            "miljo",
            CandidateIn(
                "Träd i parker",
                "Park trees",
                description="Varje träd.",
                hvd_category="c_ac64a52d",
                contact_name="Anna Lind",
                contact_email="anna@sjostad.example",
            ),
        )
        update_candidate(
            conn,
            anna,
            made.id,
            CandidateIn(
                "Träd i parker",
                "Park trees",
                description="Varje träd.",
                effort="medium",
                hvd_category="c_ac64a52d",
                contact_name="Anna Lind",
                contact_email="anna@sjostad.example",
            ),
        )
        dataset = promote_candidate(conn, anna, made.id)
    assert dataset.state == "draft" and dataset.name == "trad-i-parker"
    assert dataset.data.title.en == "Park trees" and dataset.data.description.sv == "Varje träd."
    assert dataset.data.hvd_categories == [GEOSPATIAL]
    assert dataset.data.applicable_legislation == [HVD_LEGISLATION]
    assert dataset.data.contact_point and dataset.data.contact_point.name == "Anna Lind"
    with read(engine) as conn:
        after = get_candidate(conn, anna, made.id)
        history = candidate_history(conn, anna, made.id)
        assert get_dataset(conn, anna, dataset.id).organisation_id == after.organisation_id
    assert after.dataset_id == dataset.id and after.promoted_at is not None
    assert [h.action for h in history] == ["created", "updated", "promoted"]
    assert history[1].changes == {"effort": [None, "medium"]}
    assert history[2].dataset_id == dataset.id and history[0].actor_name == "anna"
    with pytest.raises(Conflict) as again, write(engine) as conn:
        promote_candidate(conn, anna, made.id)
    assert again.value.code == "candidate_already_promoted"
    with write(engine) as conn:  # a second candidate of the same title gets a free name
        twin = create_candidate(conn, anna, "miljo", CandidateIn("Träd i parker"))
        assert promote_candidate(conn, anna, twin.id).name == "trad-i-parker-2"
        delete_candidate(conn, anna, twin.id)
    with read(engine) as conn:
        assert [h.action for h in candidate_history(conn, anna, twin.id)][-1] == "deleted"


def test_a_suggestion_shows_its_candidates_to_those_who_may_see_them(
    engine: sa.Engine, people: dict[str, Actor]
) -> None:
    wanted = _suggest(engine, people["voter"], "sjostad")
    with write(engine) as conn:
        made = create_candidate(
            conn,
            people["anna"],
            "miljo",
            CandidateIn("Träd", suggestions=[f"http://x/suggestions/{wanted}"]),
        )
    assert [s.id for s in made.suggestions] == [wanted]
    with read(engine) as conn:
        assert candidates_of_suggestion(conn, ANONYMOUS, wanted) == []
        assert [x.id for _, x in candidates_of_suggestion(conn, people["mia"], wanted)] == [made.id]
    with write(engine) as conn:
        set_public(conn, people["erik"], "miljo", True)
    with read(engine) as conn:
        assert [o.name for o, _ in candidates_of_suggestion(conn, ANONYMOUS, wanted)] == ["miljo"]
