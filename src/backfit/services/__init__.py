"""backfit.services (see DESIGN.md)."""
