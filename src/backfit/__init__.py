"""backfit: a local-first coach for a hamstrings-and-low-back routine.

It supports, it does not diagnose: not medical advice.
"""

__version__ = "0.1.0"
