"""What every use case needs from the settings: the database, the catalog, the rules."""

from __future__ import annotations

from datetime import UTC, datetime

from backfit.catalog.loader import Catalog, load_catalog, load_catalog_from
from backfit.plan.rules import (
    ProgrammeRules,
    check_against_catalog,
    check_caps_against_catalog,
    default_dose_caps,
    default_programme_rules,
    load_programme_rules,
)
from backfit.settings import Settings
from backfit.store.database import Database, open_database


def utc_now() -> datetime:
    return datetime.now(UTC)


def open_store(settings: Settings) -> Database:
    """Open (and migrate) the configured database; raises a ``StoreError`` subclass."""
    return open_database(settings.database_url)


def catalog_for(settings: Settings) -> Catalog:
    return load_catalog_from(settings.catalog_dir) if settings.catalog_dir else load_catalog()


def programme_rules_for(settings: Settings, catalog: Catalog) -> ProgrammeRules:
    rules = load_programme_rules(settings.programme_rules) if settings.programme_rules else default_programme_rules()
    check_against_catalog(rules, catalog)
    check_caps_against_catalog(default_dose_caps(), catalog)
    return rules
