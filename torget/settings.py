"""One typed `Settings`, built once at start-up and passed down.

Precedence: environment variables (`TORGET_<NAME>`) over a `torget.toml` file (the path in
`TORGET_CONFIG`, or `./torget.toml`) over the defaults below. Every field carries its help
text in `metadata["help"]`; `docs/settings.md` lists them all and a test keeps the two equal.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

__all__ = ["Settings", "load_settings", "SettingsError", "DEFAULT_BASE_URL"]

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


class SettingsError(ValueError):
    """A setting has a value Torget cannot use."""


def _help(text: str) -> dict[str, str]:
    return {"help": text}


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(
        default=Path("torget-data"),
        metadata=_help("Folder for the embedded database, uploaded files and other state."),
    )
    database_url: str = field(
        default="",
        metadata=_help(
            "SQLAlchemy URL of the catalogue database. Empty means SQLite in "
            "`<data_dir>/torget.db`; `postgresql://user:pass@host/db` selects PostgreSQL."
        ),
    )
    database_write_wait_ms: int = field(
        default=30_000,
        metadata=_help(
            "Longest a write waits for other writers to finish, in milliseconds (SQLite: "
            "the database's write lock; PostgreSQL: a row lock). Past it the request is "
            "answered 503 with Retry-After instead of waiting on."
        ),
    )
    server_workers: int = field(
        default=0,
        metadata=_help(
            "Server processes `torget serve` starts (`--workers` overrides it). 0 means one "
            "per core of the machine."
        ),
    )
    server_threads: int = field(
        default=16,
        metadata=_help(
            "Requests one server process works on at once (its thread pool); its database "
            "pool keeps as many connections, and lends as many again for a request that "
            "holds two. On PostgreSQL, keep workers × 2 × this below max_connections."
        ),
    )
    server_queue: int = field(
        default=256,
        metadata=_help(
            "Requests one server process lets wait for a thread; past it a request is "
            "answered 503 with Retry-After at once instead of waiting."
        ),
    )
    server_keep_alive: int = field(
        default=65,
        metadata=_help(
            "Seconds a server process keeps an idle keep-alive connection open. A proxy "
            "in front must close its idle connections to Torget sooner than this."
        ),
    )
    server_access_log: bool = field(
        default=True,
        metadata=_help(
            "Whether each server process logs a line per request (uvicorn's access log). "
            "Behind a proxy that logs them, false saves 3-11 % of a request's CPU."
        ),
    )
    http_cache_max_age: int = field(
        default=0,
        metadata=_help(
            "Seconds a browser, proxy or CDN may reuse a public answer (the DCAT feed, "
            "records, search, pages seen without logging in) before asking again: "
            "`Cache-Control: public, max-age=<this>`. 0 means ask every time; the answer "
            "carries an ETag, so the question costs a 304."
        ),
    )
    usage_counting: bool = field(
        default=True,
        metadata=_help(
            "Count the use of published datasets (page views, downloads, API calls, datastore "
            "queries; bots apart) for the use statistics and the popularity order. Counts "
            "are kept in memory and written in batches; no address or person is stored."
        ),
    )
    usage_flush_seconds: int = field(
        default=10,
        metadata=_help(
            "Seconds a server process keeps its counts in memory before writing them in one "
            "batch (also written when the process stops)."
        ),
    )
    usage_flush_events: int = field(
        default=1000,
        metadata=_help("Counted requests after which a batch is written at once."),
    )
    usage_daily_days: int = field(
        default=400,
        metadata=_help(
            "Days the use statistics are kept by the day. The worker sums older days into "
            "one row per month, kept for good; 0 keeps every day."
        ),
    )
    base_url: str = field(
        default="",
        metadata=_help(
            "Public absolute URL of this Torget. Every IRI in the DCAT feed is minted under it, "
            "so set it to the address Sveriges dataportal harvests (e.g. https://data.kommun.se). "
            "Empty means the address `torget serve` listens on (http://127.0.0.1:8000)."
        ),
    )
    hsts_max_age: int = field(
        default=31_536_000,
        metadata=_help(
            "Seconds a browser keeps to HTTPS for this site and its subdomains after a visit: "
            "every answer carries `Strict-Transport-Security: max-age=<this>; "
            "includeSubDomains` when base_url is https (one year by default). 0 tells "
            "browsers to forget it; nothing is sent when base_url is http."
        ),
    )
    catalog_publisher: str = field(
        default="",
        metadata=_help(
            "Short name of the organisation that publishes the catalogue. Empty means the "
            "first top-level organisation."
        ),
    )
    catalog_title_sv: str = field(
        default="Öppna data",
        metadata=_help("Swedish title of the DCAT catalogue."),
    )
    catalog_title_en: str = field(
        default="Open data",
        metadata=_help("English title of the DCAT catalogue."),
    )
    catalog_description_sv: str = field(
        default="Datamängder som organisationen publicerar som öppna data.",
        metadata=_help("Swedish description of the DCAT catalogue."),
    )
    catalog_description_en: str = field(
        default="Datasets that the organisation publishes as open data.",
        metadata=_help("English description of the DCAT catalogue."),
    )
    files_url: str = field(
        default="",
        metadata=_help(
            "Where files are stored. Empty means the folder `<data_dir>/files`; "
            "`file:///path` another folder; `s3://bucket/prefix?endpoint_url=URL&region=R` "
            "S3-compatible object storage, with credentials from AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY; `memory:` memory (lost on exit, for tests)."
        ),
    )
    files_base_url: str = field(
        default="",
        metadata=_help(
            "A separate origin for uploaded files, e.g. https://files.kommun.se (better a "
            "domain of its own, such as https://kommun-filer.se), pointed at this same "
            "Torget with the Host header kept. File links stay under base_url; `/files/…` "
            "there checks who may read the file and sends the browser on to this origin "
            "(signed, for files that are not public), so no upload ever runs as the site. "
            "Empty: files are served from base_url itself, as downloads with a sandboxing CSP."
        ),
    )
    max_page_size: int = field(
        default=1000,
        metadata=_help("Largest page a list endpoint of the JSON API returns."),
    )
    datastore_dir: str = field(
        default="",
        metadata=_help(
            "Folder of the datastore's DuckDB files (one file per loaded table version). "
            "Empty means `<data_dir>/datastore`."
        ),
    )
    queue_url: str = field(
        default="",
        metadata=_help(
            "Job queue for datastore loads. Empty means SQLite in `<data_dir>/queue.db`; "
            "`redis://host:6379/0` selects Redis."
        ),
    )
    datastore_max_columns: int = field(
        default=1000, metadata=_help("Most columns a loaded table may have.")
    )
    datastore_max_download_bytes: int = field(
        default=2 * 1024**3, metadata=_help("Largest file the datastore downloads, in bytes.")
    )
    datastore_max_unpacked_bytes: int = field(
        default=1024**3,
        metadata=_help("Largest uncompressed size of an XLSX/ODS file's contents, in bytes."),
    )
    datastore_download_timeout: int = field(
        default=30, metadata=_help("Seconds to wait for a download to answer or continue.")
    )
    datastore_memory_limit: str = field(
        default="1GB",
        metadata=_help("DuckDB memory limit for a load; beyond it DuckDB spills to disk."),
    )
    datastore_max_attempts: int = field(
        default=3, metadata=_help("Attempts at a load whose worker died before it is failed.")
    )
    datastore_stale_seconds: int = field(
        default=120,
        metadata=_help("A running load without a heartbeat for this long counts as dead."),
    )
    datastore_exact_count_limit: int = field(
        default=50_000_000,
        metadata=_help(
            "Tables with more rows than this get estimated totals for filtered queries "
            "(marked `total_estimated`)."
        ),
    )
    datastore_sort_key_min_rows: int = field(
        default=50_000,
        metadata=_help(
            "Tables with at least this many rows get sort-key copies of their number and date "
            "columns and a row copy in SQLite when loaded, so that deep pages in those "
            "columns' order are fast; they cost load time and disk. A very large number "
            "switches them off."
        ),
    )
    datastore_sql_timeout_ms: int = field(
        default=5000, metadata=_help("Time limit of one query of the SQL endpoint, in ms.")
    )
    datastore_sql_max_rows: int = field(
        default=10_000, metadata=_help("Most rows the SQL endpoint returns.")
    )
    datastore_sql_max_bytes: int = field(
        default=10_000_000,
        metadata=_help("Most bytes of rows (as JSON) one answer of the SQL endpoint carries."),
    )
    datastore_sql_memory_mb: int = field(
        default=1024,
        metadata=_help(
            "Memory cap of one SQL endpoint query, in MB: the private memory (heap) of the "
            "process it runs in. A query that needs more is stopped with a clear error."
        ),
    )
    datastore_sql_processes: int = field(
        default=2,
        metadata=_help(
            "Sandbox processes per server process that run SQL endpoint queries; at most this "
            "many queries run at once, so the endpoint's memory stays within this times "
            "datastore_sql_memory_mb."
        ),
    )
    datastore_sql_anonymous_queries: int = field(
        default=1,
        metadata=_help(
            "SQL endpoint queries that callers without an account may run at once per server "
            "process; more are answered 429 with Retry-After."
        ),
    )
    map_tile_url: str = field(
        default="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        metadata=_help(
            "Tile address ({z}/{x}/{y}, optionally {s}) of the background of the maps on "
            "dataset pages; visitors' browsers fetch the tiles from it, so the page's "
            "Content-Security-Policy allows that origin. The default is OpenStreetMap's "
            "standard tiles (mind their usage policy for a busy site); empty means no "
            "background, the features on a blank map, and no request to a third party."
        ),
    )
    map_tile_attribution: str = field(
        default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
        " contributors",
        metadata=_help(
            "Attribution shown on the maps for the tiles of `map_tile_url` (HTML, as the "
            "tile provider asks for it)."
        ),
    )
    allow_private_addresses: bool = field(
        default=False,
        metadata=_help(
            "Let the datastore download from, and webhooks call, private, loopback and "
            "link-local addresses. Off in production (SSRF); tests switch it on."
        ),
    )
    harvest_allow_private: bool = field(
        default=False,
        metadata=_help(
            "Let harvest sources be fetched from private, loopback and link-local addresses "
            "(`TORGET_HARVEST_ALLOW_PRIVATE=1`). Off in production (SSRF); tests switch it on."
        ),
    )
    harvest_timeout_seconds: int = field(
        default=60,
        metadata=_help("Longest wait for one harvest request (connect and each read), in s."),
    )
    harvest_max_bytes: int = field(
        default=200 * 1024 * 1024,
        metadata=_help(
            "Largest document a harvest source may answer with (each page), in bytes; a larger "
            "one fails the run and leaves the previous harvest in place."
        ),
    )
    harvest_max_redirects: int = field(
        default=5, metadata=_help("Redirects a harvest request follows, each hop checked.")
    )
    harvest_max_pages: int = field(
        default=1000,
        metadata=_help(
            "Pages a harvest follows (Hydra `next` links, CKAN `package_search` pages) before "
            "it stops with an error, so that a feed that pages in a circle still ends."
        ),
    )
    reminder_days_ahead: int = field(
        default=7,
        metadata=_help(
            "Days before a published dataset's due date (from its update frequency) that its "
            "contact point and its organisation's editors are reminded, in their daily digest; "
            "0 means only once it is due."
        ),
    )
    link_check_interval_hours: int = field(
        default=24,
        metadata=_help(
            "How often the worker checks each external distribution link (access and download "
            "URLs outside Torget's own store); 0 means by hand only (`torget links check`)."
        ),
    )
    link_check_concurrency: int = field(
        default=8,
        metadata=_help("Link checks at a time, never more than one per host."),
    )
    link_check_host_delay_ms: int = field(
        default=1000,
        metadata=_help("Pause between two link checks on the same host, in milliseconds."),
    )
    link_check_timeout_seconds: int = field(
        default=20,
        metadata=_help("Longest wait for one link check (connect and each read), in seconds."),
    )
    harvest_interval_hours: int = field(
        default=24,
        metadata=_help(
            "How often the worker runs a new harvest source unless it is given its own "
            "interval (`torget harvest add --every`); 0 means by hand only."
        ),
    )

    secret_key: str = field(
        default="",
        metadata=_help(
            "Key that signs the web pages' session cookies (log-ins and form tokens). Empty "
            "means a random key generated on first start into `<data_dir>/secret_key` and "
            "reused after; set it when several servers share one site. Never shown."
        ),
    )
    mail_url: str = field(
        default="",
        metadata=_help(
            "Where e-mail goes. Empty means `.eml` files in the folder `<data_dir>/outbox` "
            "(development and tests); `file:///path` another folder; "
            "`smtp://user:password@host:587` an SMTP server (STARTTLS when offered) or "
            "`smtps://user:password@host:465` (TLS). Password never shown."
        ),
    )
    mail_from: str = field(
        default="Torget <noreply@torget.invalid>",
        metadata=_help(
            "Sender (From) of the e-mails Torget sends, e.g. `Öppna data <noreply@kommun.se>`."
        ),
    )
    registration_limit_per_hour: int = field(
        default=5,
        metadata=_help(
            "Self-registrations allowed per client address, and per e-mail address, in an hour; "
            "more are refused with 429 and Retry-After."
        ),
    )
    verification_resend_limit_per_hour: int = field(
        default=3,
        metadata=_help(
            "Verification e-mails an account may ask to be sent again in an hour (counted per "
            "account and per client address)."
        ),
    )
    password_reset_limit_per_hour: int = field(
        default=3,
        metadata=_help(
            "Password-reset requests per e-mail address and per client address in an hour."
        ),
    )
    login_failures_per_account_per_hour: int = field(
        default=10,
        metadata=_help(
            "Failed log-ins (log-in form and HTTP Basic) one account may have in an hour; "
            "beyond it, log-ins to that account are refused with 429 and Retry-After, except "
            "from a browser that has logged in to it before (it has as many of its own)."
        ),
    )
    login_failures_per_address_per_hour: int = field(
        default=30,
        metadata=_help(
            "Failed log-ins one client address may have in an hour, over all accounts; and, "
            "counted apart, unknown or revoked API tokens. Beyond it, 429 with Retry-After."
        ),
    )
    verification_link_hours: int = field(
        default=48,
        metadata=_help("Hours an e-mail verification link stays valid."),
    )
    password_reset_link_minutes: int = field(
        default=60,
        metadata=_help("Minutes a password-reset link stays valid."),
    )
    comments_per_hour: int = field(
        default=20,
        metadata=_help(
            "Comments and questions one account may post per hour, and the same again for one "
            "address; beyond it the answer is 429 with Retry-After."
        ),
    )
    suggestions_per_day: int = field(
        default=10,
        metadata=_help(
            "Dataset suggestions one account, and one address, may make per day (429 beyond)."
        ),
    )
    votes_per_hour: int = field(
        default=200,
        metadata=_help(
            "Votes and vote withdrawals one account, and one address, may send per hour "
            "(429 beyond)."
        ),
    )
    showcases_per_day: int = field(
        default=10,
        metadata=_help("Showcases one account, and one address, may submit per day (429 beyond)."),
    )
    showcase_image_max_bytes: int = field(
        default=2_000_000,
        metadata=_help("Largest showcase image (PNG, JPEG or WebP) in bytes (default 2 MB)."),
    )
    webhook_max_attempts: int = field(
        default=8,
        metadata=_help(
            "Attempts at delivering one webhook call before it is marked failed; the waits "
            "between attempts double from `webhook_retry_seconds`."
        ),
    )
    webhook_retry_seconds: int = field(
        default=30,
        metadata=_help("Wait before the second attempt at a failed webhook call, in seconds."),
    )
    webhook_timeout: int = field(
        default=10, metadata=_help("Seconds a webhook receiver has to answer one call.")
    )
    upload_max_bytes: int = field(
        default=100_000_000,
        metadata=_help(
            "Largest file, in bytes, a publisher may upload as a distribution, in the web "
            "pages and through the CKAN API (default 100 MB); larger uploads are refused with "
            "413 and this limit in the message, before anything is stored. No request body "
            "may be larger than this plus 1 MiB for the rest of a form."
        ),
    )

    @property
    def datastore_path(self) -> Path:
        return Path(self.datastore_dir) if self.datastore_dir else self.data_dir / "datastore"

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return normalise_database_url(self.database_url)
        return f"sqlite:///{(self.data_dir / 'torget.db').resolve()}"

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def public_base(self) -> str:
        """`base_url` without a trailing slash, the prefix of every minted IRI."""
        return (self.base_url or DEFAULT_BASE_URL).rstrip("/")

    def describe(self) -> dict[str, str]:
        """Settings for display, with the password in a database URL masked."""
        shown: dict[str, str] = {}
        for f in dataclasses.fields(self):
            value = str(getattr(self, f.name))
            if f.name == "secret_key" and value:
                value = "***"
            if f.name in ("database_url", "mail_url") and "@" in value:
                scheme, rest = value.split("://", 1)
                value = f"{scheme}://***@{rest.split('@', 1)[1]}"
            shown[f.name] = value
        return shown


def normalise_database_url(url: str) -> str:
    """Accept the libpq-style `postgresql://` and `postgres://` URLs people copy from
    hosting panels, and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _coerce(name: str, kind: Any, raw: Any) -> Any:
    if kind in (Path, "Path"):
        return Path(str(raw))
    if kind in (bool, "bool"):
        if isinstance(raw, bool):
            return raw
        if str(raw).lower() in ("1", "true", "yes", "on"):
            return True
        if str(raw).lower() in ("0", "false", "no", "off", ""):
            return False
        raise SettingsError(f"setting {name}: {raw!r} is not true or false")
    if kind in (int, "int"):
        try:
            return int(raw)
        except (TypeError, ValueError) as exc:
            raise SettingsError(f"setting {name}: {raw!r} is not a whole number") from exc
    return str(raw)


def load_settings(
    environ: dict[str, str] | None = None, config_file: Path | None = None, **overrides: Any
) -> Settings:
    """Build the settings from the environment, a TOML file and explicit overrides."""
    env = dict(os.environ if environ is None else environ)
    path = config_file or Path(env.get("TORGET_CONFIG", "torget.toml"))
    from_file: dict[str, Any] = {}
    if path.is_file():
        with path.open("rb") as handle:
            from_file = tomllib.load(handle)
    values: dict[str, Any] = {}
    known = {f.name: f for f in dataclasses.fields(Settings)}
    unknown = set(from_file) - set(known)
    if unknown:
        raise SettingsError(f"{path}: unknown settings {sorted(unknown)}; known: {sorted(known)}")
    for name, f in known.items():
        env_name = f"TORGET_{name.upper()}"
        if name in overrides and overrides[name] is not None:
            values[name] = _coerce(name, f.type, overrides[name])
        elif env_name in env:
            values[name] = _coerce(name, f.type, env[env_name])
        elif name in from_file:
            values[name] = _coerce(name, f.type, from_file[name])
    settings = Settings(**values)
    if not settings.public_base.startswith(("http://", "https://")):
        raise SettingsError(f"base_url must be an absolute http(s) URL, got {settings.base_url!r}")
    if settings.usage_flush_seconds <= 0 or settings.usage_flush_events < 1:
        raise SettingsError("usage_flush_seconds and usage_flush_events must be above 0")
    if settings.usage_daily_days < 0:
        raise SettingsError(f"usage_daily_days must be 0 or more, got {settings.usage_daily_days}")
    for name in (
        "server_workers",
        "server_threads",
        "server_queue",
        "server_keep_alive",
        "http_cache_max_age",
    ):
        if getattr(settings, name) < (1 if name == "server_threads" else 0):
            raise SettingsError(f"{name} must not be {getattr(settings, name)}")
    if settings.hsts_max_age < 0:
        raise SettingsError(f"hsts_max_age must be 0 or more seconds, got {settings.hsts_max_age}")
    _check_files_origin(settings)
    return settings


def _check_files_origin(settings: Settings) -> None:
    files = urlsplit(settings.files_base_url)
    if not settings.files_base_url:
        return
    if files.scheme not in ("http", "https") or not files.netloc or files.path.strip("/"):
        raise SettingsError(
            f"files_base_url must be an http(s) origin such as https://files.kommun.se, "
            f"got {settings.files_base_url!r}"
        )
    if files.netloc.lower() == urlsplit(settings.public_base).netloc.lower():
        raise SettingsError("files_base_url must be another host than base_url")
