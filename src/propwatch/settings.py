"""Every setting of propwatch, defined once: type, default and help.

Values come from keyword arguments, then ``PROPWATCH_*`` environment variables, then the defaults
below. The CLI maps its options onto these names and nothing else defines a default. An empty
variable counts as unset; a ``PROPWATCH_*`` variable that names no setting is an error (a misspelt
``PROPWATCH_DB_URL`` would otherwise write into the default store).
"""

from __future__ import annotations

import codecs
import difflib
import ipaddress
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import platformdirs
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from propwatch import __version__

# A Host header's name: a DNS name (a leading '*.' for every subdomain), an IPv4 or a bracketed IPv6.
_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
_HOST_NAME = re.compile(rf"(\*\.)?{_LABEL}(\.{_LABEL})*|\[[0-9A-Fa-f:.]+\]")


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("propwatch", appauthor=False))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PROPWATCH_", frozen=True, extra="forbid", env_ignore_empty=True
    )

    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Folder for the default database, imported catalogues and caches.",
    )
    db: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the database (sqlite:///path.db, postgresql://…); "
        "default: propwatch.db in data_dir.",
    )

    # reading input
    max_input_bytes: int = Field(
        default=10_000_000, gt=0, description="Largest file, page or record accepted, in bytes."
    )
    max_article_chars: int = Field(
        default=1_000_000,
        gt=0,
        description="Longest article text (characters) the analyzers are run on; a longer one fails with "
        "a message, the rest goes on (analysis takes about 300 s per million characters on 2 cores; a "
        "million-character text peaks at about 4.6 GB of memory). ingest stores it still.",
    )
    detect_language: bool = Field(default=True, description="Identify each article's language offline.")
    input_encoding: str | None = Field(
        default=None,
        description="Encoding of local text, HTML and CSV files and of stdin (e.g. cp1251) where it is "
        "not detected right; bytes that are valid UTF-8 are still read as UTF-8. Pages and feeds use "
        "their declared charset.",
    )

    # fetching URLs
    fetch_timeout: float = Field(default=20.0, gt=0, description="Seconds before a fetch gives up.")
    max_redirects: int = Field(default=5, ge=0, description="Redirects followed per fetch.")
    user_agent: str = Field(
        default=f"propwatch/{__version__} (+https://github.com/propwatch/propwatch; persuasion analysis)",
        description="User-Agent header sent with every request.",
    )
    respect_robots: bool = Field(default=True, description="Obey the site's robots.txt.")
    allow_private_addresses: bool = Field(
        default=False,
        description="Allow URLs that resolve to loopback, private, link-local or metadata addresses "
        "(off by default: server-side request forgery guard).",
    )

    # analysis
    analyzers: Annotated[tuple[str, ...] | None, NoDecode] = Field(
        default=None,
        description="Names of the analyzers to run; default: every installed analyzer (in the "
        "environment: separated by commas, or a JSON list).",
    )
    batch_size: int = Field(default=8, gt=0, description="Articles handed to an analyzer at once.")
    technique_model: Path | None = Field(
        default=None,
        description="Folder of a technique model (model.json + encoder.onnx) to use instead of the "
        "shipped one.",
    )
    inference_threads: int = Field(
        default=0,
        ge=0,
        description="CPU threads each model inference may use (onnxruntime intra-op); 0: one per core.",
    )

    # batch runs on Dask
    batch_partition_size: int = Field(
        default=200, gt=0, description="Articles per batch partition (the unit written and resumed)."
    )
    batch_workers: int = Field(
        default=0, ge=0, description="Worker processes of the local Dask cluster; 0: one per core."
    )
    batch_worker_memory: str = Field(
        default="auto",
        description="Memory limit of each local Dask worker ('2GiB', 'auto': the machine's share).",
    )

    # republication detection (MinHash + LSH)
    republication_threshold: float = Field(
        default=0.5,
        gt=0.0,
        le=1.0,
        description="Jaccard similarity of word shingles above which two texts count as one republished.",
    )
    republication_shingle_words: int = Field(
        default=5, gt=0, description="Words per shingle compared between texts."
    )
    republication_num_perm: int = Field(
        default=128, ge=16, description="MinHash permutations per text (more: finer, slower)."
    )

    # watching feeds
    watch_interval: float = Field(default=900.0, gt=0, description="Seconds between two polls of a feed.")
    watch_host_delay: float = Field(
        default=5.0, ge=0, description="Seconds to wait between two requests to the same host."
    )
    watch_retry_delay: float = Field(
        default=60.0, gt=0, description="First wait after a feed fails; doubled on each failure in a row."
    )
    watch_max_backoff: float = Field(
        default=6 * 3600.0, gt=0, description="Longest wait before retrying a failing feed, in seconds."
    )
    watch_items_per_turn: int = Field(
        default=20,
        gt=0,
        description="New items taken from one feed per turn; the rest wait for its next turns, so that "
        "a feed with many new items does not hold up the others.",
    )

    # known narratives
    narrative_catalogues: Annotated[tuple[Path, ...], NoDecode] = Field(
        default=(),
        description="Narrative catalogue files or folders of *.yaml files, used besides the shipped "
        "starter catalogue and every *.yaml in data_dir/narratives (in the environment: separated by "
        f"{os.pathsep!r}, or a JSON list).",
    )
    narrative_builtin: bool = Field(
        default=True, description="Use the starter catalogue of narratives shipped with propwatch."
    )
    narrative_threshold: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="Lowest similarity at which a sentence is taken to repeat a narrative; default: the "
        "calibrated value (docs/narratives.md).",
    )

    # check-worthy claims
    claims_model: Path | None = Field(
        default=None,
        description="Folder of a check-worthiness model (model.json + encoder.onnx) to use instead of "
        "the shipped one.",
    )
    claims_threshold: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="Lowest calibrated score at which a sentence counts as a check-worthy claim; "
        "default: the model's threshold for the article's language.",
    )

    # genre and frames
    genre_frames_model: Path | None = Field(
        default=None,
        description="Folder of a genre/frames model (model.json + weights.npz) to use instead of the "
        "shipped one.",
    )

    # serving the web app and the REST API
    serve_host: str = Field(default="127.0.0.1", description="Address `propwatch serve` listens on.")
    serve_port: int = Field(default=8000, ge=1, le=65535, description="Port `propwatch serve` listens on.")
    api_public_read: bool = Field(
        default=True,
        description="Let anyone who reaches the server read stored articles and statistics; "
        "False: reads need an API token (or a signed-in browser) too. Writes always need a token.",
    )
    api_max_request_bytes: int = Field(
        default=16_000_000, gt=0, description="Largest request body the server accepts (413 above it)."
    )
    api_body_timeout_s: float = Field(
        default=60.0,
        gt=0,
        description="Seconds a client has to send a request body (408 after): a client that sends a "
        "large body slowly would otherwise hold its memory for as long as it likes.",
    )
    api_max_article_chars: int = Field(
        default=100_000,
        gt=0,
        description="Longest article text (characters) a submission may have analysed (413 above it): the "
        "server analyses one article at a time, so one huge text would hold up every other submission. "
        "propwatch analyze has no such limit.",
    )
    api_cors_origins: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(),
        description="Origins that may call the API from a browser (CORS); empty: CORS off (in the "
        "environment: separated by commas, or a JSON list).",
    )
    api_export_limit: int = Field(
        default=10_000,
        gt=0,
        description="Most articles one API export of search results may hold; more is refused (413), "
        "not cut.",
    )
    serve_public_url: str | None = Field(
        default=None,
        description="The http(s)://host[:port] address browsers use when a reverse proxy (nginx, Caddy) "
        "serves propwatch: form posts from it are accepted, its host is answered, and an https address "
        "marks the session cookie Secure. Default: none (browsers reach the server directly).",
    )
    serve_forwarded_allow_ips: str | None = Field(
        default=None,
        description="Addresses of the reverse proxy whose X-Forwarded-Proto and X-Forwarded-For headers "
        "the server trusts (comma-separated IPs or networks, '*' for any; uvicorn's forwarded_allow_ips). "
        "Default: none trusted.",
    )
    serve_allowed_hosts: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(),
        description="Host names the server answers besides serve_host, localhost and serve_public_url's "
        "host ('*.example.org' for subdomains); other Host headers are refused (400) against DNS "
        "rebinding. With serve_host a wildcard (0.0.0.0, ::) and neither this nor serve_public_url set, "
        "every host is answered (in the environment: separated by commas, or a JSON list).",
    )
    serve_session_hours: int = Field(
        default=12, gt=0, description="Hours a browser stays signed in after giving an API token."
    )

    @model_validator(mode="before")
    @classmethod
    def _no_unknown_variables(cls, data: Any) -> Any:
        known = ENVIRONMENT_VARIABLES | _NOT_SETTINGS
        unknown = sorted(
            name
            for name, value in os.environ.items()
            if name.upper().startswith(ENV_PREFIX)
            and name.upper() not in known
            and value != ""  # empty is unset, as for the settings themselves
            and not _SERVICE_LINK.fullmatch(name.upper())
        )
        if unknown:
            problems = []
            for name in unknown:
                close = difflib.get_close_matches(
                    name.upper(), sorted(ENVIRONMENT_VARIABLES), n=1, cutoff=0.6
                )
                problems.append(f"{name} (did you mean {close[0]}?)" if close else name)
            listed = ", ".join(problems)
            raise ValueError(
                f"the environment names no propwatch setting in {listed}; `propwatch settings` lists them"
            )
        return data

    @field_validator("data_dir")
    @classmethod
    def _home_expanded(cls, value: Path) -> Path:
        return value.expanduser()  # '~/propwatch' from an env file, which no shell expanded

    @field_validator("api_cors_origins")
    @classmethod
    def _origins(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        """Origins as browsers send them: scheme://host[:port], lower case, no path or final '/'."""
        origins = []
        for origin in value:
            if origin == "*":
                origins.append(origin)
                continue
            parts = urlsplit(origin)
            if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
                raise ValueError(
                    f"{origin!r} is not an origin: give scheme://host[:port], such as https://example.org"
                )
            if parts.path not in ("", "/") or parts.query or parts.fragment or "@" in parts.netloc:
                raise ValueError(f"{origin!r}: an origin is scheme://host[:port] only, with no path")
            origins.append(f"{parts.scheme.lower()}://{parts.netloc.lower()}")
        return tuple(origins)

    @field_validator("serve_forwarded_allow_ips")
    @classmethod
    def _proxy_addresses(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        items = [item.strip() for item in value.split(",") if item.strip()]
        for item in items:
            if item == "*":
                continue
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(
                    f"{item!r} is not an IP address or network (such as 10.0.0.1, 10.0.0.0/8)"
                ) from None
        return ",".join(items)

    @field_validator("analyzers", "api_cors_origins", "serve_allowed_hosts", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        return _listed(value, ",")

    @field_validator("serve_public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        """An http(s) origin: scheme, host and perhaps a port, nothing after; kept without a final '/'."""
        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip())
        try:
            parts.port  # noqa: B018 (raises on a port that is not a number)
        except ValueError as exc:
            raise ValueError(f"{value!r} has an invalid port") from exc
        host = parts.hostname or ""
        if parts.scheme.lower() not in ("http", "https") or not _HOST_NAME.fullmatch(
            f"[{host}]" if ":" in host else host
        ):
            raise ValueError(
                f"{value!r} is not an http(s) URL with a host, such as https://propwatch.example"
            )
        if parts.path not in ("", "/") or parts.query or parts.fragment or "@" in parts.netloc:
            raise ValueError(f"{value!r}: give only the scheme, host and port (no path), as browsers see it")
        return f"{parts.scheme.lower()}://{parts.netloc.lower()}"

    @field_validator("serve_allowed_hosts")
    @classmethod
    def _host_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            if not _HOST_NAME.fullmatch(name):
                raise ValueError(f"{name!r} is not a host name ('example.org', '*.example.org', '[::1]')")
        return tuple(name.lower() for name in value)

    @field_validator("input_encoding")
    @classmethod
    def _known_encoding(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        try:
            return codecs.lookup(value.strip()).name
        except LookupError:
            raise ValueError(
                f"{value!r} is not an encoding Python knows (e.g. utf-8, cp1251, latin-1)"
            ) from None

    @field_validator("narrative_catalogues", mode="before")
    @classmethod
    def _path_separated(cls, value: Any) -> Any:
        return _listed(value, os.pathsep)

    @property
    def database_url(self) -> str:
        if self.db:
            return self.db
        return f"sqlite:///{self.data_dir / 'propwatch.db'}"


ENV_PREFIX = "PROPWATCH_"
#: The environment variable of each setting.
ENVIRONMENT_VARIABLES = frozenset(ENV_PREFIX + name.upper() for name in Settings.model_fields)
_NOT_SETTINGS = frozenset({"PROPWATCH_SCREENSHOTS"})  # where the browser tests save their screenshots
# What Kubernetes (a Service named "propwatch") and Docker links put in every container's environment.
_SERVICE_LINK = re.compile(
    r"PROPWATCH_(?:SERVICE_HOST|SERVICE_PORT(?:_\w+)?|PORT(?:_\d+_(?:TCP|UDP|SCTP)\w*)?|NAME|ENV_\w+)"
)


def environment_variable(name: str) -> str:
    """The environment variable that sets the setting ``name``."""
    return ENV_PREFIX + name.upper()


def _listed(value: Any, separator: str) -> Any:
    """A list given as one string (an environment variable): a JSON list, or items between separators."""
    if not isinstance(value, str):
        return value
    if value.lstrip().startswith("["):
        try:
            return json.loads(value)
        except ValueError as exc:
            raise ValueError(f"not a JSON list: {exc}") from exc
    return tuple(item.strip() for item in value.split(separator) if item.strip())


def effective_settings(settings: Settings, given: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Each setting's name, environment variable, value, where the value came from ('option' for a name
    in ``given``, 'environment' or 'default'), type, default and help; the database URL's password
    masked."""
    from propwatch.storage.engine import mask_url

    rows = []
    chosen = set(given)
    for name, field in Settings.model_fields.items():
        variable = environment_variable(name)
        value = getattr(settings, name)
        if name == "db" and value:
            value = mask_url(value)
        if name in chosen:
            source = "option"
        elif any(key.upper() == variable and os.environ[key] != "" for key in os.environ):
            source = "environment"
        else:
            source = "default"
        rows.append(
            {
                "name": name,
                "variable": variable,
                "value": _plain(value),
                "source": source,
                "type": _type_name(field.annotation),
                "default": None if field.default_factory is not None else _plain(field.default),
                "help": field.description or "",
            }
        )
    return rows


def settings_markdown() -> str:
    """The reference of every setting as Markdown: docs/settings.md is this text."""
    lines = [
        "# Settings",
        "",
        "Every setting of propwatch, from `src/propwatch/settings.py` (`propwatch settings -f markdown`",
        "writes this page). A setting is given as a keyword to `Settings(...)` in Python, by its",
        "environment variable, or by a command's option where one exists; that order wins. An empty",
        "variable counts as unset, and a `PROPWATCH_*` variable that names no setting is an error (but",
        "for those Kubernetes and Docker links set: `PROPWATCH_SERVICE_HOST`, `PROPWATCH_PORT…`).",
        "`propwatch settings` shows the values in effect and where each came from.",
        "",
        "| setting | environment variable | type | default | what it does |",
        "|---|---|---|---|---|",
    ]
    for row in effective_settings(Settings.model_construct()):
        default = "—" if row["default"] is None else f"`{json.dumps(row['default'], ensure_ascii=False)}`"
        if row["name"] == "data_dir":
            default = "the user data folder (`propwatch --help` shows it)"
        help_text = " ".join(row["help"].split()).replace("|", "\\|")
        kind = row["type"].replace("|", "\\|")
        lines.append(f"| `{row['name']}` | `{row['variable']}` | {kind} | {default} | {help_text} |")
    return "\n".join(lines) + "\n"


def _plain(value: Any) -> Any:
    """A setting's value as JSON has it: paths as text, tuples as lists."""
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


def _type_name(annotation: Any) -> str:
    text = str(annotation).replace("typing.", "").replace("pathlib.", "").replace("NoneType", "None")
    text = re.sub(r"Annotated\[(.*), NoDecode\]", r"\1", text)
    return re.sub(r"<class '(\w+)'>", r"\1", text)
