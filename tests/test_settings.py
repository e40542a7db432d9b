"""Settings: BACKFIT_* environment variables, a SQLite default, help text on every field."""

from __future__ import annotations

from pathlib import Path

import pytest

from backfit.settings import Settings, get_settings


def test_defaults_to_sqlite_in_the_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("BACKFIT_DATABASE_URL", raising=False)
    monkeypatch.setenv("BACKFIT_DATA_DIR", str(tmp_path))
    settings = get_settings()
    assert settings.database_url == f"sqlite:///{tmp_path / 'backfit.db'}"
    assert settings.is_sqlite


def test_database_url_selects_postgres(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKFIT_DATABASE_URL", "postgresql+psycopg://u@db/backfit")
    settings = get_settings()
    assert settings.database_url == "postgresql+psycopg://u@db/backfit"
    assert not settings.is_sqlite


def test_default_data_dir_is_the_user_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BACKFIT_DATA_DIR", raising=False)
    assert get_settings().data_dir.name == "backfit"


@pytest.mark.parametrize("name", list(Settings.model_fields))
def test_every_setting_has_help_text(name: str) -> None:
    description = Settings.model_fields[name].description
    assert description
    assert len(description) > 20
