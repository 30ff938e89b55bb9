"""The `torget` command as scripts use it, against a real database and a live server."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from tests.command_line import Ran, run_torget


def _torget(env: dict[str, str], *args: str, check: bool = True) -> Ran:
    return run_torget(env, *args, check=check)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def bare_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a command that opens no database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TORGET_")}
    env.update(
        TORGET_DATA_DIR=str(tmp_path / "data"),
        TORGET_CONFIG=str(tmp_path / "none.toml"),
        TORGET_BASE_URL=f"http://127.0.0.1:{_free_port()}",
    )
    return env


@pytest.fixture
def cli_env(bare_env: dict[str, str], database_url: str) -> dict[str, str]:
    return {**bare_env, "TORGET_DATABASE_URL": database_url}


def test_users_tokens_and_organisations(cli_env: dict[str, str]) -> None:
    _torget(cli_env, "init")
    created = _torget(
        cli_env,
        "user",
        "create",
        "anna",
        "--email",
        "anna@sjostad.se",
        "--password",
        "ett-langt-losenord",
    )
    assert "anna" in created.stdout
    duplicate = _torget(
        cli_env,
        "user",
        "create",
        "anna",
        "--email",
        "a2@sjostad.se",
        "--password",
        "ett-langt-losenord",
        check=False,
    )
    assert duplicate.returncode == 1 and "already exists" in duplicate.stderr
    short = _torget(
        cli_env,
        "user",
        "create",
        "bo",
        "--email",
        "bo@sjostad.se",
        "--password",
        "kort",
        check=False,
    )
    assert short.returncode == 1 and "at least 10" in short.stderr

    token = (
        _torget(cli_env, "token", "create", "anna", "--name", "import")
        .stdout.strip()
        .splitlines()[-1]
    )
    assert token.startswith("tg_") and " " not in token
    listing = _torget(cli_env, "token", "list", "anna").stdout
    assert "import" in listing and token not in listing
    token_id = listing.split()[0]
    _torget(cli_env, "token", "revoke", "anna", token_id)
    assert "revoked" in _torget(cli_env, "token", "list", "anna").stdout

    _torget(
        cli_env,
        "org",
        "create",
        "sjostad",
        "--title",
        "Sjöstads kommun",
        "--org-number",
        "212000-0142",
        "--type",
        "LocalAuthority",
    )
    _torget(cli_env, "org", "member", "sjostad", "anna", "--role", "editor")
    assert "Sjöstads kommun" in _torget(cli_env, "org", "list").stdout
    bad = _torget(cli_env, "org", "create", "x1", "--title", "X", "--type", "Kommun", check=False)
    assert bad.returncode == 1 and "publisher_type" in bad.stderr


def test_validate_file_reports_findings(bare_env: dict[str, str], tmp_path: Path) -> None:
    example = Path(__file__).parent / "dcat" / "data" / "rekommenderat.ttl"
    result = _torget(bare_env, "validate", str(example), "--no-shacl", check=False)
    assert result.returncode == 1
    assert "violation" in result.stdout and "dcatap:availability" in result.stdout
    missing = _torget(bare_env, "validate", str(tmp_path / "nothing.rdf"), check=False)
    assert missing.returncode == 1
    assert missing.stderr == f"error: {tmp_path / 'nothing.rdf'}: file not found\n"


def test_search_reindex(cli_env: dict[str, str]) -> None:
    import sqlalchemy as sa

    from tests.search.conftest import build_catalogue
    from torget.db.schema import search_documents
    from torget.settings import load_settings
    from torget.site import Site

    _torget(cli_env, "init")
    site = Site.open(load_settings(environ=cli_env), queue=False)
    engine = site.engine
    try:
        build_catalogue(engine)
        with engine.begin() as conn:
            conn.execute(search_documents.delete())
        assert "search index rebuilt: 8 datasets" in _torget(cli_env, "search", "reindex").stdout
        with engine.connect() as conn:
            count = conn.execute(sa.select(sa.func.count()).select_from(search_documents))
            assert count.scalar_one() == 8
    finally:
        site.close()
