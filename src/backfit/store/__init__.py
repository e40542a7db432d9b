"""backfit.store (see DESIGN.md)."""
