"""Every setting of propwatch, defined once: type, default and help.

Values come from keyword arguments, then ``PROPWATCH_*`` environment variables, then the defaults
below. The CLI maps its options onto these names and nothing else defines a default.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from propwatch import __version__


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("propwatch", appauthor=False))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PROPWATCH_", frozen=True, extra="forbid")

    data_dir: Path = Field(
        default_factory=_default_data_dir,
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
    analyzers: tuple[str, ...] | None = Field(
        default=None, description="Names of the analyzers to run; default: every installed analyzer."
    )
    batch_size: int = Field(default=8, gt=0, description="Articles handed to an analyzer at once.")

    @property
    def database_url(self) -> str:
        if self.db:
            return self.db
        return f"sqlite:///{self.data_dir / 'propwatch.db'}"
