"""Webhooks against a real receiver on loopback: registration by organisation admins, signed
calls after the commit, the delivery log, retries with back-off by the worker's periodic task,
and the SSRF guard."""

from __future__ import annotations

import hashlib
import hmac
import time

import pytest
import sqlalchemy as sa
from huey import MemoryHuey

from tests.conftest import World, client_site, published_payload
from tests.participation.helpers import add_user, engaged_settings  # noqa: F401
from tests.participation.receiver import receiver
from torget.accounts.permissions import SYSTEM
from torget.catalog.organisations import set_member
from torget.db.engine import write
from torget.db.schema import suggestions
from torget.events import SuggestionStatusChanged, publish
from torget.participation.webhook_sender import TargetRefused, check_target, schedule_webhooks
from torget.settings import Settings

DATASET_EVENTS = ["dataset.published", "dataset.updated", "dataset.withdrawn"]


@pytest.fixture
def admin(world: World, engine: sa.Engine) -> str:
    add_user(engine, "orgadmin")
    with write(engine) as conn:
        set_member(conn, SYSTEM, "sjostad", "orgadmin", "admin")
    world.tokens["orgadmin"] = world.token("orgadmin")
    return "orgadmin"


def _register(world: World, user: str, url: str, events: list[str]) -> dict[str, object]:
    response = world.client.post(
        "/api/organisations/sjostad/webhooks", json={"url": url, "events": events},
        headers=world.auth(user),
    )  # fmt: skip
    assert response.status_code == 201, response.text
    return dict(response.json())


def _verify(secret: str, call_body: bytes, header: str) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), call_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


def test_published_dataset_calls_the_hook_signed(world: World, admin: str) -> None:
    with receiver() as hook:
        made = _register(world, admin, hook.url, DATASET_EVENTS)
        secret = str(made["secret"])
        listed = world.client.get("/api/organisations/sjostad/webhooks", headers=world.auth(admin))
        assert "secret" not in listed.json()["items"][0]  # shown once, at creation only
        created = world.client.post(
            "/api/datasets", json=published_payload(organisation="trafik"),
            headers=world.auth("editor"),
        )  # fmt: skip
        assert created.status_code == 201, created.text
        dataset = created.json()
        [call] = hook.wait_for(1)
        assert call.headers["x-torget-event"] == "dataset.published"
        assert _verify(secret, call.body, call.headers["x-torget-signature"])
        assert not _verify("another-secret", call.body, call.headers["x-torget-signature"])
        sent = call.json
        assert sent["event"] == "dataset.published" and sent["time"]
        assert sent["delivery"] == call.headers["x-torget-delivery"]
        assert sent["dataset"]["id"] == dataset["id"]
        assert sent["dataset"]["iri"] == dataset["iri"]
        assert sent["dataset"]["title"] == {"sv": "Badplatser", "en": "Bathing sites"}
        assert sent["dataset"]["url"] == f"http://testserver/dataset/{dataset['name']}"

        world.client.patch(f"/api/datasets/{dataset['id']}", json={"version": "2"},
                           headers=world.auth("editor"))  # fmt: skip
        world.client.delete(f"/api/datasets/{dataset['id']}", headers=world.auth("editor"))
        calls = hook.wait_for(3)
        assert [c.json["event"] for c in calls] == DATASET_EVENTS
        assert calls[2].json["dataset"]["id"] == dataset["id"]
        time.sleep(0.3)  # let the sender record the last answer
        log = world.client.get(f"/api/webhooks/{made['id']}/deliveries", headers=world.auth(admin))
        assert [(d["state"], d["attempts"], d["last_status"]) for d in log.json()["items"]] == [
            ("delivered", 1, 200)
        ] * 3
        assert (
            world.client.get(
                f"/api/webhooks/{made['id']}/deliveries", headers=world.auth("editor")
            ).status_code
            == 404
        )


def _due_now(engine: sa.Engine) -> None:
    time.sleep(1.1)  # the first back-off is webhook_retry_seconds = 1


def test_a_failed_call_is_retried_by_the_worker_until_it_succeeds(
    world: World, admin: str, engine: sa.Engine, settings: Settings
) -> None:
    task = schedule_webhooks(MemoryHuey(), engine, settings)
    with receiver([500]) as hook:
        made = _register(world, admin, hook.url, ["dataset.published"])
        world.client.post("/api/datasets", json=published_payload(),
                          headers=world.auth("editor"))  # fmt: skip
        hook.wait_for(1)
        log = _log(world, admin, str(made["id"]), lambda d: d["attempts"] == 1)
        assert (log["state"], log["last_status"]) == ("pending", 500)
        assert "500" in log["last_error"]
        _due_now(engine)
        task.call_local()
        calls = hook.wait_for(2)
        assert calls[0].body == calls[1].body  # the same call, resent
        assert calls[0].headers["x-torget-delivery"] == calls[1].headers["x-torget-delivery"]
        log = _log(world, admin, str(made["id"]), lambda d: d["state"] == "delivered")
        assert (log["attempts"], log["last_status"], log["last_error"]) == (2, 200, None)


def test_a_call_that_keeps_failing_is_given_up_after_max_attempts(
    world: World, admin: str, engine: sa.Engine, settings: Settings
) -> None:
    task = schedule_webhooks(MemoryHuey(), engine, settings)
    with receiver([503] * 10) as hook:
        made = _register(world, admin, hook.url, ["dataset.published"])
        world.client.post("/api/datasets", json=published_payload(),
                          headers=world.auth("editor"))  # fmt: skip
        hook.wait_for(1)
        _log(world, admin, str(made["id"]), lambda d: d["attempts"] == 1)
        _due_now(engine)
        task.call_local()  # attempt 2; attempt 3 waits 2 s
        time.sleep(2.1)
        task.call_local()
        task.call_local()  # nothing left to try
        assert hook.answered == [503, 503, 503]  # webhook_max_attempts = 3
        log = _log(world, admin, str(made["id"]), lambda d: d["state"] == "failed")
        assert log["attempts"] == 3 and log["next_attempt_at"] is None


def _log(world: World, admin: str, hook_id: str, ready: object) -> dict[str, object]:
    deadline = time.monotonic() + 10
    while True:
        [entry] = world.client.get(
            f"/api/webhooks/{hook_id}/deliveries", headers=world.auth(admin)
        ).json()["items"]
        if ready(entry) or time.monotonic() > deadline:  # type: ignore[operator]
            return dict(entry)
        time.sleep(0.05)


def test_suggestion_status_changes_are_sent(world: World, admin: str, engine: sa.Engine) -> None:
    with receiver() as hook:
        _register(world, admin, hook.url, ["suggestion.status_changed"])
        with write(engine) as conn:
            org_id = conn.execute(sa.text("SELECT id FROM organisations WHERE name = 'trafik'"))
            conn.execute(
                suggestions.insert().values(
                    id="5b1e3c1e-0000-4000-8000-000000000001", organisation_id=org_id.scalar_one(),
                    title="Cykelställ", description="Var finns de?", reason="För att cykla",
                    status="planned", vote_count=0, created_at=sa.func.now(),
                    updated_at=sa.func.now(),
                )
            )  # fmt: skip
        # The suggestions package publishes this with its change; here the event alone.
        with write(client_site(world.client).engine) as conn:
            publish(conn, SuggestionStatusChanged(
                "5b1e3c1e-0000-4000-8000-000000000001", "new", "planned"))  # fmt: skip
        [call] = hook.wait_for(1)
        assert call.headers["x-torget-event"] == "suggestion.status_changed"
        assert call.json["suggestion"]["status"] == "planned"
        assert call.json["suggestion"]["from_status"] == "new"


def test_registration_is_checked(world: World, admin: str) -> None:
    url = "/api/organisations/sjostad/webhooks"
    good = {"url": "https://hooks.example/x", "events": ["dataset.published"]}
    assert world.client.post(url, json=good, headers=world.auth("editor")).status_code == 403
    assert world.client.post(url, json=good).status_code == 401
    bad_url = world.client.post(url, json={**good, "url": "ftp://x.example/"},
                                headers=world.auth(admin))  # fmt: skip
    assert bad_url.status_code == 422 and bad_url.json()["errors"][0]["field"] == "url"
    bad_event = world.client.post(url, json={**good, "events": ["dataset.eaten"]},
                                  headers=world.auth(admin))  # fmt: skip
    assert bad_event.status_code == 422 and bad_event.json()["errors"][0]["field"] == "events.0"
    none = world.client.post(url, json={**good, "events": []}, headers=world.auth(admin))
    assert none.status_code == 422 and none.json()["errors"][0]["field"] == "events"


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8080/", "http://10.1.2.3/", "http://169.254.169.254/", "http://[::1]/"],
)
def test_private_targets_are_refused(url: str) -> None:
    with pytest.raises(TargetRefused, match="private address"):
        check_target(url, allow_private=False)
    check_target(url, allow_private=True)


def test_the_address_is_checked_again_when_sending(
    world: World, admin: str, engine: sa.Engine, settings: Settings
) -> None:
    """A receiver registered while allowed (or whose name later points inside) is refused at
    send time once private addresses are not allowed."""
    strict = Settings(**{**settings.__dict__, "allow_private_addresses": False})
    task = schedule_webhooks(MemoryHuey(), engine, strict)
    with receiver([500]) as hook:
        made = _register(world, admin, hook.url, ["dataset.published"])
        world.client.post("/api/datasets", json=published_payload(),
                          headers=world.auth("editor"))  # fmt: skip
        hook.wait_for(1)
        _log(world, admin, str(made["id"]), lambda d: d["attempts"] == 1)
        _due_now(engine)
        task.call_local()
        log = _log(world, admin, str(made["id"]), lambda d: d["attempts"] == 2)
        assert "private address" in str(log["last_error"]) and log["last_status"] is None
        assert len(hook.calls) == 1
