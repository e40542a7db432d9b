"""The packaged catalog records the analyzer tests run on (the real thresholds, never look-alikes)."""

from __future__ import annotations

from backfit.catalog import load_catalog

_CATALOG = load_catalog()

BRIDGE = _CATALOG["hip-bridge"]
SINGLE_LEG_BRIDGE = _CATALOG["hip-bridge-single-leg"]
PRONE_DOUBLE = _CATALOG["prone-double-thigh-lift"]
PRONE_SINGLE = _CATALOG["prone-single-thigh-lift"]
TALL_KNEELING = _CATALOG["tall-kneeling-pelvic-drop"]
HALF_KNEELING = _CATALOG["half-kneeling-quad-stretch"]
BALL_CURL = _CATALOG["ball-hamstring-curl"]
BAND_PRONE_CURL = _CATALOG["band-prone-hamstring-curl"]
BAND_STANDING_CURL = _CATALOG["band-standing-hamstring-curl"]
