"""The store's own errors: each carries a message fit to show a person."""

from __future__ import annotations


class StoreError(Exception):
    """A storage problem that leaves existing data intact."""


class DatabaseUnavailable(StoreError):
    """The database URL cannot be reached or opened."""


class DatabaseBusy(DatabaseUnavailable):
    """Another program holds a lock on the database longer than backfit waits."""


class DataDirReadOnly(StoreError):
    """The data directory (or the database file in it) cannot be written."""


class SchemaTooNew(StoreError):
    """The database was written by a newer backfit than this one."""


class ImportRejected(StoreError):
    """An import file is corrupt, foreign, or does not fit this database."""


class DataPresent(ImportRejected):
    """The database already holds data and the import was not asked to replace it."""


class NotFound(StoreError):
    """A profile, programme or session that does not exist."""
