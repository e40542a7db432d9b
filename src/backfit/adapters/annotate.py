"""Draw the skeleton, the repetition counter and cue text on video frames (OpenCV)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from backfit.services.analysis import VideoAnalysis

BONES = (
    (11, 12),
    (11, 13),
    (13, 15),
    (12, 14),
    (14, 16),
    (11, 23),
    (12, 24),
    (23, 24),
    (23, 25),
    (25, 27),
    (24, 26),
    (26, 28),
    (27, 31),
    (28, 32),
    (27, 29),
    (28, 30),
)


def annotate_frames(result: VideoAnalysis) -> Iterator[NDArray[Any]]:
    """RGB frames with the skeleton, reps so far, hold state and the latest fault or advice text."""
    report = result.report
    messages = sorted([(f.time, f.text) for f in report.faults] + [(a.time, a.text) for a in report.advice])
    for i, img in enumerate(result.images):
        t = float(result.times[i])
        frame = img.copy()
        h, w = frame.shape[:2]
        marks = result.landmarks[i]
        if np.isfinite(marks[:, :2]).all():
            pts = [(int(x * w), int(y * h)) for x, y in marks[:, :2]]
            for a, b in BONES:
                cv2.line(frame, pts[a], pts[b], (0, 255, 0), 2)
            for j in range(11, 33):
                cv2.circle(frame, pts[j], 3, (255, 0, 0), -1)
        reps = sum(1 for r in report.repetitions if r.end <= t)
        holding = any(hd.start <= t <= hd.end for hd in report.holds)
        cv2.putText(
            frame,
            f"reps {reps}" + ("  HOLD" if holding else ""),
            (10, 30),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.9,
            (255, 255, 0),
            2,
        )
        recent = [text for mt, text in messages if mt <= t <= mt + 3.0]
        if recent:
            cv2.putText(frame, recent[-1][:80], (10, h - 15), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (255, 80, 80), 1)
        yield frame
