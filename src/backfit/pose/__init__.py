"""backfit.pose (see DESIGN.md)."""
