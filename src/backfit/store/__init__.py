"""Storage: SQLAlchemy models, Alembic migrations, repositories and units of work.

The only package that imports SQLAlchemy; everything else calls ``services``.
"""

from backfit.store.database import Database, open_database
from backfit.store.errors import (
    DatabaseUnavailable,
    DataDirReadOnly,
    ImportRejected,
    NotFound,
    SchemaTooNew,
    StoreError,
)

__all__ = [
    "DataDirReadOnly",
    "Database",
    "DatabaseUnavailable",
    "ImportRejected",
    "NotFound",
    "SchemaTooNew",
    "StoreError",
    "open_database",
]
