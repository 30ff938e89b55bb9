"""The `torget` command: a thin shell over the library, one command per domain action.

Scripts call these commands, so their output is stable: `torget token create` prints the new
token alone on its last line, and every command exits non-zero with a one-line reason on error.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa

from torget.accounts.permissions import COMMAND_LINE, SYSTEM
from torget.accounts.tokens import create_token, list_tokens, revoke_token
from torget.accounts.users import create_user, get_user
from torget.catalog.model import LangText, OrganisationIn
from torget.catalog.organisations import list_organisations
from torget.checklist_cli import COMMANDS as CHECKLIST_COMMANDS
from torget.datastore_cli import datastore_commands
from torget.db.engine import read, write
from torget.errors import TorgetError, ValidationFailed
from torget.harvest_cli import harvest_commands
from torget.inventory_cli import inventory_group
from torget.links_cli import upkeep_commands
from torget.maturity_cli import maturity_command
from torget.publishing.changes import create_organisation, set_member
from torget.publishing.demo import demo_is_loaded, load_demo
from torget.quality_cli import quality_command
from torget.search import reindex
from torget.settings import Settings, SettingsError, load_settings
from torget.site import Site

__all__ = ["main"]


class _State:
    """The settings and the site of one command, each made once, when first needed."""

    def __init__(self) -> None:
        self._settings: Settings | None = None
        self._site: Site | None = None
        self.creates = False  # `init` and `serve` may make a new data folder; others may not

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings()
        return self._settings

    def use_settings(self, settings: Settings) -> None:
        """Run under `settings` (as `serve` does with the address it listens on)."""
        assert self._site is None, "the site is already open"
        self._settings = settings

    def site(self) -> Site:
        """The site, its database migrated."""
        if self._site is None:
            _check_data_dir(self.settings, creates=self.creates)
            if self.creates:  # also when database_url names a SQLite file inside it
                self.settings.data_dir.mkdir(parents=True, exist_ok=True)
            self._site = Site.open(self.settings)
            # closed when the command ends: a command run in-process (tests, scripts calling
            # the group) leaves no database connections open behind it
            click.get_current_context().call_on_close(self._site.close)
        return self._site

    def engine(self) -> sa.Engine:
        return self.site().engine


pass_state = click.make_pass_decorator(_State, ensure=True)
_DEFAULT_DATA_DIR = {f.name: f.default for f in dataclasses.fields(Settings)}["data_dir"]


def _check_data_dir(settings: Settings, *, creates: bool) -> None:
    """Refuse to start a new, empty catalogue in the current folder by accident.

    Without `TORGET_DATA_DIR` the data folder is `./torget-data`, relative to where the
    command runs: run from another folder, a command would quietly make an empty catalogue
    there. Only `init` and `serve` make one, and they say where.
    """
    if settings.database_url or settings.data_dir != _DEFAULT_DATA_DIR:
        return  # the data's place was chosen on purpose
    folder = settings.data_dir.resolve()
    if (folder / "torget.db").is_file():
        return
    if creates:
        click.echo(f"new data folder: {folder}", err=True)
        return
    raise SettingsError(
        f"no Torget data in {folder}: run the command in the folder where Torget was started "
        "(the one with torget-data/), or set TORGET_DATA_DIR to the data folder, e.g. "
        "TORGET_DATA_DIR=/path/to/torget/torget-data; `torget init` makes a new one here"
    )


@contextmanager
def _reported() -> Iterator[None]:
    """Domain errors become one clear line on stderr and exit status 1."""
    try:
        yield
    except (TorgetError, SettingsError) as exc:
        click.echo(f"error: {_with_codes(exc)}", err=True)
        sys.exit(1)


def _with_codes(exc: Exception) -> str:
    """The message with each refusal's stable code in brackets, for scripts to match on."""
    if isinstance(exc, ValidationFailed):
        return "; ".join(f"{e.field}: {e.message} [{e.code}]" for e in exc.errors)
    if isinstance(exc, TorgetError):
        return f"{exc} [{exc.code}]"
    return str(exc)


@click.group()
@click.version_option(package_name="torget")
def cli() -> None:
    """Torget: publish and find open data (DCAT-AP-SE 3.0.1)."""


@cli.command()
@click.option("--demo", is_flag=True, help="Load the demo catalogue (Sjöstads kommun).")
@pass_state
def init(state: _State, demo: bool) -> None:
    """Create the data folder and database; optionally load the demo catalogue."""
    state.creates = True
    with _reported():
        engine = state.engine()
        click.echo(f"database ready: {state.settings.describe()['database_url'] or engine.url}")
        if not demo:
            return
        with write(engine) as conn:
            if demo_is_loaded(conn):
                click.echo("demo: the catalogue already has data; nothing loaded")
                return
            summary = load_demo(conn, state.settings, state.site().files)
        _load_now(state)  # issue 13 B: scanned for personal data, the demo is published
        click.echo(
            f"demo loaded: {summary.organisations} organisations, {summary.users} users, "
            f"{summary.datasets} datasets, {summary.distributions} distributions, "
            f"{summary.dataservices} data services"
        )


def _load_now(state: _State) -> None:
    """Run the waiting datastore loads here: the demo's own files are published once the
    personal-data guard has scanned them (`torget.publishing.guard`)."""
    from torget.datastore.load import run_job
    from torget.datastore.queue import sweep_now

    for job_id in sweep_now(state.settings, state.engine()):
        run_job(state.settings, state.engine(), job_id, state.site().files)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Server processes [default: the server_workers setting; 0 there: one per core].",
)
@click.option("--no-worker", is_flag=True, help="Do not start a datastore worker beside it.")
@pass_state
def serve(state: _State, host: str, port: int, workers: int | None, no_worker: bool) -> None:
    """Start the web server (migrating the database first) and a datastore worker."""
    import uvicorn

    from torget.web.sessions import session_secret

    state.creates = True
    with _reported():
        settings = state.settings
        if not settings.base_url:
            # Nobody said where Torget is published: mint IRIs for where it listens.
            shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
            settings = dataclasses.replace(settings, base_url=f"http://{shown}:{port}")
        state.use_settings(settings)
        state.site().close()  # migrated once, before any server process opens its own site
        session_secret(settings)  # made once, so that every process signs with the same key
        count = workers or settings.server_workers or os.cpu_count() or 1
    # Every server process and the worker run under these settings: the address the server
    # chose is how they recognise Torget's own files and mint the same IRIs.
    os.environ["TORGET_BASE_URL"] = settings.public_base
    click.echo(
        f"Torget on http://{host}:{port} with {count} server process(es)  "
        f"(catalogue: {settings.public_base}/datasets/dcat)"
    )
    worker = None if no_worker else _Supervised(_worker_command())
    try:
        uvicorn.run(
            "torget.web.server:application",
            factory=True,
            workers=count,
            host=host,
            port=port,
            log_level="info",
            access_log=settings.server_access_log,
            # uvicorn's 5 s is shorter than the idle time of the proxies in front of it
            # (nginx's upstream keepalive_timeout 60 s, a cloud load balancer's 60 s), and of a
            # client under load between two requests: the server then closes a connection
            # just as a request arrives on it, and that request is lost with no answer.
            timeout_keep_alive=settings.server_keep_alive,
            proxy_headers=True,
            # A server process that does not answer uvicorn's health check for this long is
            # replaced; 5 s (the default) is less than starting one takes on a busy machine.
            timeout_worker_healthcheck=60,
        )
    finally:
        if worker is not None:
            worker.stop()


def _worker_command() -> list[str]:
    # The worker ends with this server, also when the server is killed outright.
    return [sys.executable, "-m", "torget.cli", "worker", "--exit-with", str(os.getpid())]


class _Supervised:
    """One process beside the server (the datastore worker), started again when it dies,
    after a pause that grows while it keeps dying (1 s, 2 s, … at most 60 s)."""

    def __init__(self, command: list[str]) -> None:
        self._command = command
        self._stopping = threading.Event()
        self._lock = threading.Lock()  # no start after stop()
        self._process = subprocess.Popen(command)
        threading.Thread(target=self._watch, name="worker-supervisor", daemon=True).start()

    def _watch(self) -> None:
        pause = 1.0
        while True:
            started = time.monotonic()
            code = self._process.wait()
            if self._stopping.is_set():
                return
            pause = 1.0 if time.monotonic() - started > 60 else min(pause * 2, 60.0)
            click.echo(f"datastore worker ended ({code}); starting it again in {pause:.0f} s")
            if self._stopping.wait(pause):
                return
            with self._lock:
                if self._stopping.is_set():
                    return
                self._process = subprocess.Popen(self._command)

    def stop(self) -> None:
        self._stopping.set()
        with self._lock:
            self._process.terminate()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()


def _exit_with(parent: int) -> None:
    """End this process when `parent` is gone, even if it died without cleaning up."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(2)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


@cli.command()
@click.option("--threads", default=1, show_default=True, type=int, help="Loads at a time.")
@click.option("--exit-with", type=int, default=None, hidden=True, help="Parent process id.")
@pass_state
def worker(state: _State, threads: int, exit_with: int | None) -> None:
    """Run a datastore worker: loads queued tables; several may run at once."""
    from huey.consumer import Consumer

    from torget.datastore.queue import sweep_now
    from torget.datastore.refresh import schedule_refresh
    from torget.harvest.schedule import schedule_harvests
    from torget.mail import schedule_retries
    from torget.participation.webhook_sender import schedule_webhooks
    from torget.publishing.upkeep import schedule_upkeep
    from torget.usage.retention import schedule_roll_up
    from torget.web.sessions import session_secret

    if exit_with is not None:
        _exit_with(exit_with)
    with _reported():
        site = state.site()
        queue = site.queue
        assert queue is not None
        schedule_retries(queue.huey, site.mailer)
        schedule_webhooks(queue.huey, site.engine, site.settings)
        schedule_harvests(queue.huey, site.engine, site.settings)
        schedule_roll_up(queue.huey, site.engine, site.settings)  # old days into months
        schedule_upkeep(queue.huey, site.engine, site.settings, session_secret(site.settings))
        schedule_refresh(queue.huey, site.engine, site.settings)  # and versions past retention
        for job_id in sweep_now(site.settings, site.engine):
            queue.enqueue(job_id)
    click.echo(f"datastore worker: {threads} thread(s), data in {state.settings.datastore_path}")
    Consumer(queue.huey, workers=threads, worker_type="thread", periodic=True).run()


@cli.group()
def datastore() -> None:
    """The datastore: tables loaded from distributions' files."""


@datastore.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--distribution", "distribution_id", required=True, help="Distribution id.")
@click.option("--format", "fmt", default=None, help="csv, tsv, xlsx, ods, json, geojson.")
@pass_state
def datastore_load(state: _State, file: Path, distribution_id: str, fmt: str | None) -> None:
    """Load FILE as the table of a distribution, now, and print the load report."""
    import json

    from torget.catalog.datasets import get_distribution
    from torget.datastore.load import load_local

    fmt = (fmt or file.suffix.lstrip(".")).lower()
    with _reported():
        engine = state.engine()
        with read(engine) as conn:
            get_distribution(conn, SYSTEM, distribution_id)
        with click.progressbar(length=100, label=f"loading {file.name}") as bar:

            def progress(_stage: str, percent: float) -> None:
                bar.update(int(percent) - bar.pos)

            report = load_local(state.settings, engine, distribution_id, file, fmt, progress)
    click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))


@cli.group()
def user() -> None:
    """User accounts."""


@user.command("create")
@click.argument("name")
@click.option("--email", required=True)
@click.option("--password", required=True, help="At least 10 characters.")
@click.option("--fullname", default=None)
@click.option("--sysadmin", is_flag=True, help="May do everything.")
@pass_state
def user_create(
    state: _State, name: str, email: str, password: str, fullname: str | None, sysadmin: bool
) -> None:
    """Create a user."""
    with _reported(), write(state.engine()) as conn:
        created = create_user(conn, name, email, password, fullname=fullname, sysadmin=sysadmin)
    click.echo(f"user {created.name} created" + (" (sysadmin)" if sysadmin else ""))


@cli.group()
def token() -> None:
    """API tokens."""


@token.command("create")
@click.argument("user_name", metavar="USER")
@click.option("--name", "label", default="cli", show_default=True, help="What the token is for.")
@pass_state
def token_create(state: _State, user_name: str, label: str) -> None:
    """Create an API token for USER; the token alone is printed on the last line."""
    with _reported(), write(state.engine()) as conn:
        info, secret = create_token(conn, get_user(conn, user_name).id, label)
    click.echo(f"token {info.id} ({info.name}) for {user_name}; it is shown only now:")
    click.echo(secret)


@token.command("list")
@click.argument("user_name", metavar="USER")
@pass_state
def token_list(state: _State, user_name: str) -> None:
    """List USER's tokens (never the secrets)."""
    with _reported(), read(state.engine()) as conn:
        for info in list_tokens(conn, get_user(conn, user_name).id):
            status = f"revoked {info.revoked_at:%Y-%m-%d}" if info.revoked_at else "active"
            click.echo(f"{info.id}  {info.prefix}…  {info.name}  {status}")


@token.command("revoke")
@click.argument("user_name", metavar="USER")
@click.argument("token_id")
@pass_state
def token_revoke(state: _State, user_name: str, token_id: str) -> None:
    """Revoke one of USER's tokens."""
    with _reported(), write(state.engine()) as conn:
        revoke_token(conn, get_user(conn, user_name).id, token_id)
    click.echo(f"token {token_id} revoked")


@cli.group()
def org() -> None:
    """Organisations."""


@org.command("create")
@click.argument("name")
@click.option("--title", required=True, help="Swedish name, e.g. 'Sjöstads kommun'.")
@click.option("--title-en", default=None, help="English name.")
@click.option("--org-number", default=None, help="Organisationsnummer, e.g. 212000-1234.")
@click.option("--type", "publisher_type", default=None, help="LocalAuthority, Company, …")
@click.option("--parent", default=None, help="Short name of the parent organisation.")
@pass_state
def org_create(state: _State, /, name: str, title: str, title_en: str | None, **rest: Any) -> None:
    """Create an organisation (as the system)."""
    data = OrganisationIn(name=name, title=LangText(sv=title, en=title_en), **rest)
    with _reported(), write(state.engine()) as conn:
        created = create_organisation(conn, COMMAND_LINE, data)
    click.echo(f"organisation {created.name} created")


@org.command("list")
@pass_state
def org_list(state: _State) -> None:
    """List organisations."""
    with _reported(), read(state.engine()) as conn:
        _, found = list_organisations(conn, limit=10_000)
    for o in found:
        click.echo(f"{o.name}\t{o.data.title.sv}\t{o.data.org_number or '-'}")


@org.command("member")
@click.argument("organisation")
@click.argument("user_name", metavar="USER")
@click.option("--role", type=click.Choice(["admin", "editor", "member"]), required=True)
@pass_state
def org_member(state: _State, organisation: str, user_name: str, role: str) -> None:
    """Give USER a role in ORGANISATION."""
    with _reported(), write(state.engine()) as conn:
        set_member(conn, COMMAND_LINE, organisation, user_name, role)
    click.echo(f"{user_name} is {role} in {organisation}")


@cli.command()
@click.argument("source", required=False)
@click.option("--no-shacl", is_flag=True, help="Skip the SEMIC SHACL shapes (faster).")
@click.option("--warnings/--no-warnings", default=True, show_default=True)
@pass_state
def validate(state: _State, source: str | None, no_shacl: bool, warnings: bool) -> None:
    """Check a catalogue against DCAT-AP-SE 3.0.1 and the SEMIC DCAT-AP shapes.

    SOURCE is a URL or a file; by default, the running Torget's /datasets/dcat.
    Exits with status 1 when there is any violation.
    """
    from torget.dcat.validate_command import run_validation

    with _reported():
        code = run_validation(
            state.settings, source, shacl=not no_shacl, warnings=warnings, engine=state.engine
        )
    sys.exit(code)


@cli.group()
def search() -> None:
    """The search index."""


@search.command("reindex")
@pass_state
def search_reindex(state: _State) -> None:
    """Rebuild the search index from the catalogue (after an upgrade or a bulk load)."""
    with _reported(), write(state.engine()) as conn:
        count = reindex(conn)
    click.echo(f"search index rebuilt: {count} datasets")


@cli.command()
@pass_state
def settings(state: _State) -> None:
    """Show the settings in force (passwords masked)."""
    with _reported():
        for name, value in state.settings.describe().items():
            click.echo(f"{name} = {value}")


cli.add_command(inventory_group)
cli.add_command(quality_command)
cli.add_command(maturity_command)
for _command in CHECKLIST_COMMANDS:
    cli.add_command(_command)


cli.add_command(harvest_commands(pass_state, _reported))
for _group in upkeep_commands(pass_state, _reported):  # issue 20: links, reminders
    cli.add_command(_group)
for _command in datastore_commands(pass_state, _reported):
    datastore.add_command(_command)


def main() -> None:
    cli(prog_name="torget")


if __name__ == "__main__":
    main()
