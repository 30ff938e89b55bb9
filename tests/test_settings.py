"""Settings: precedence, validation, and every setting documented."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from torget.settings import Settings, SettingsError, load_settings


def test_environment_beats_file_beats_default(tmp_path: Path) -> None:
    config = tmp_path / "torget.toml"
    config.write_text('base_url = "https://data.sjostad.se"\nmax_page_size = 50\n')
    from_file = load_settings(environ={}, config_file=config)
    assert from_file.base_url == "https://data.sjostad.se" and from_file.max_page_size == 50
    env = {"TORGET_BASE_URL": "https://open.sjostad.se/", "TORGET_DATA_DIR": str(tmp_path)}
    both = load_settings(environ=env, config_file=config)
    assert both.public_base == "https://open.sjostad.se"
    assert both.resolved_database_url == f"sqlite:///{(tmp_path / 'torget.db').resolve()}"


def test_bad_values_are_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="absolute"):
        load_settings(environ={"TORGET_BASE_URL": "data.sjostad.se"})
    with pytest.raises(SettingsError, match="whole number"):
        load_settings(environ={"TORGET_MAX_PAGE_SIZE": "many"})
    config = tmp_path / "torget.toml"
    config.write_text('bas_url = "x"\n')
    with pytest.raises(SettingsError, match="unknown settings"):
        load_settings(environ={}, config_file=config)


def test_postgres_urls_use_psycopg_and_passwords_are_masked() -> None:
    s = load_settings(environ={"TORGET_DATABASE_URL": "postgresql://u:secret@db/torget"})
    assert s.resolved_database_url == "postgresql+psycopg://u:secret@db/torget"
    assert "secret" not in str(list(s.describe().values()))


def test_every_setting_is_documented() -> None:
    doc = (Path(__file__).parent.parent / "docs" / "settings.md").read_text()
    documented = set(re.findall(r"^\| `(\w+)` \|", doc, re.MULTILINE))
    fields = {f.name for f in dataclasses.fields(Settings)}
    assert documented == fields
    assert all(f.metadata.get("help") for f in dataclasses.fields(Settings))
