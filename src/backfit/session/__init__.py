"""backfit.session (see DESIGN.md)."""
