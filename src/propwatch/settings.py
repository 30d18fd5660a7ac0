"""Every setting of propwatch, defined once: type, default and help.

Values come from keyword arguments, then ``PROPWATCH_*`` environment variables, then the defaults
below. The CLI maps its options onto these names and nothing else defines a default.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import platformdirs
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from propwatch import __version__


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("propwatch", appauthor=False))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PROPWATCH_", frozen=True, extra="forbid")

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
    detect_language: bool = Field(default=True, description="Identify each article's language offline.")

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

    @field_validator("analyzers", "api_cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        return _listed(value, ",")

    @field_validator("narrative_catalogues", mode="before")
    @classmethod
    def _path_separated(cls, value: Any) -> Any:
        return _listed(value, os.pathsep)

    @property
    def database_url(self) -> str:
        if self.db:
            return self.db
        return f"sqlite:///{self.data_dir / 'propwatch.db'}"


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
