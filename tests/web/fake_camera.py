"""A video file as Chromium's fake camera: the clip converted to a padded y4m with PyAV.

Chromium loops the file, so the clip is padded with still frames: ``lead_s`` of
its first frame (the person lying down, while the page's pose model settles)
and ``tail_s`` of its last one (lying down again), so a set ended within
``lead_s + clip + tail_s`` seconds of the camera starting sees exactly the
clip's repetitions.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

SIZE = (640, 480)
FPS = 30


def write_y4m(clip: Path, out: Path, lead_s: float = 2.0, tail_s: float = 8.0) -> int:
    """Write ``clip`` as 640x480 30 fps 4:2:0 y4m with still padding; returns the number of frames."""
    import av

    frames: list[np.ndarray] = []
    with av.open(str(clip)) as container:
        for frame in container.decode(video=0):
            frames.append(frame.reformat(width=SIZE[0], height=SIZE[1], format="yuv420p").to_ndarray())
    padded = [frames[0]] * round(lead_s * FPS) + frames + [frames[-1]] * round(tail_s * FPS)
    with out.open("wb") as f:
        f.write(f"YUV4MPEG2 W{SIZE[0]} H{SIZE[1]} F{FPS}:1 Ip A1:1 C420jpeg\n".encode())
        for planes in padded:
            f.write(b"FRAME\n")
            f.write(np.ascontiguousarray(planes).tobytes())
    return len(padded)
