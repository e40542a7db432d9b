"""backfit's settings: one pydantic-settings class, read from ``BACKFIT_*``
environment variables, built on demand by :func:`get_settings` (never at import)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import platformdirs
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

APP_NAME = "backfit"


def default_data_dir() -> Path:
    """The per-user data directory (e.g. ``~/.local/share/backfit`` on Linux)."""
    return Path(platformdirs.user_data_dir(APP_NAME))


class Settings(BaseSettings):
    """Where backfit keeps its data. Every field can be set with ``BACKFIT_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="BACKFIT_", extra="ignore")

    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Directory for backfit's own files: the SQLite database (by default) and exports.",
    )
    database_url: str = Field(
        default="",
        description=(
            "SQLAlchemy URL of the database. Empty: the SQLite file backfit.db in data_dir. "
            "A clinic sets a PostgreSQL URL, e.g. postgresql+psycopg://user:password@host/backfit."
        ),
    )
    catalog_dir: Path | None = Field(
        default=None,
        description="Directory of exercise TOML files to use instead of the packaged catalog (custom catalogs, tests).",
    )
    programme_rules: Path | None = Field(
        default=None,
        description="A programme.toml to use instead of the packaged programme template (custom templates, tests).",
    )

    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description=(
            "More host names the web app answers to, comma-separated (e.g. backfit.local), besides the "
            "loopback names 127.0.0.1, localhost and [::1], which are always allowed (any port). "
            "Requests with any other Host header are refused (DNS rebinding)."
        ),
    )

    clinic: bool = Field(
        default=False,
        description=(
            "Clinic mode: every page, API call and WebSocket requires sign-in with an account "
            "(`backfit web --clinic`; also on whenever the server listens beyond this computer or "
            "the database holds accounts). Off: one person on their own computer, no password."
        ),
    )
    job_worker_in_web: bool = Field(
        default=True,
        description=(
            "On PostgreSQL: the web app also runs a background-job worker (handout PDFs, uploaded videos); "
            "false leaves the jobs to `backfit worker` processes. On SQLite jobs always run in the web app."
        ),
    )

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return [name.strip().lower() for name in value.split(",") if name.strip()]
        return value

    @model_validator(mode="after")
    def _default_database(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'backfit.db'}"
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def get_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit ``overrides`` on top."""
    return Settings(**overrides)  # type: ignore[arg-type]
