"""The routine's exercises as validated data."""

from backfit.catalog.loader import Catalog, CatalogError, load_catalog, load_catalog_from
from backfit.catalog.schema import Equipment, Exercise, Family, Kind, Position, Quantity, View

__all__ = [
    "Catalog",
    "CatalogError",
    "Equipment",
    "Exercise",
    "Family",
    "Kind",
    "Position",
    "Quantity",
    "View",
    "load_catalog",
    "load_catalog_from",
]
