"""backfit.adapters (see DESIGN.md)."""
