"""Pose benchmarks: the analysis layer alone on synthetic landmarks, and end to end on the real clip.

Run: ``.venv/bin/python -m benchmarks pose`` or ``.venv/bin/python benchmarks/bench_pose.py`` (prints
figures, asserts nothing). ``--analysis`` runs the analysis-layer figure only.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from backfit.catalog import load_catalog  # noqa: E402
from backfit.catalog.schema import Exercise  # noqa: E402
from backfit.pose import Analyzer, analyze_sequence  # noqa: E402
from backfit.pose import synthetic as sy  # noqa: E402

CLIP = ROOT / "tests" / "data" / "clips" / "bridge_side_1rep_hold.mp4"


def bench_analysis(repeats: int = 3) -> None:
    """Batch analysis of 400 noisy synthetic bridges (60,045 frames); best of ``repeats``."""
    ex = load_catalog().get_or_raise("hip-bridge")
    seq = sy.degrade(sy.bridge(reps=400, hold_s=2.0), noise=0.003, seed=0)
    analyze_sequence(ex, seq.times[:1000], seq.frames[:1000], aspect=sy.ASPECT)
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        report = analyze_sequence(ex, seq.times, seq.frames, aspect=sy.ASPECT)
        best = min(best, time.perf_counter() - t0)
    n = len(seq.times)
    print(
        f"analysis layer, batch: {n} frames in {best:.3f} s = {n / best:,.0f} frames/s ({len(report.repetitions)} reps)"
    )
    bench_streaming(ex, seq)


def bench_streaming(ex: Exercise, seq: sy.Sequence, k: int = 6000, warmup: int = 300) -> None:
    """``Analyzer.update`` one frame a call, as the live coach does: median and p99 of each call's time."""
    analyzer = Analyzer(ex, aspect=sy.ASPECT)
    times, frames = seq.times[: k + warmup].tolist(), list(seq.frames[: k + warmup])
    for t, frame in zip(times[:warmup], frames[:warmup], strict=True):
        analyzer.update(t, frame)
    calls = np.empty(k)
    clock = time.perf_counter
    for i, (t, frame) in enumerate(zip(times[warmup:], frames[warmup:], strict=True)):
        t0 = clock()
        analyzer.update(t, frame)
        calls[i] = clock() - t0
    median, p99 = np.percentile(calls, [50, 99]) * 1e6
    print(
        f"analysis layer, streaming one frame a call ({k} calls of Analyzer.update): "
        f"median {median:.0f} us, p99 {p99:.0f} us, mean {1e6 * calls.mean():.0f} us ({k / calls.sum():,.0f} frames/s)"
    )


def bench_clip() -> None:
    if not CLIP.is_file():
        print("real clip absent; skipped")
        return
    from backfit.adapters.pose_model import PoseModel
    from backfit.adapters.video import iter_frames
    from backfit.services.analysis import analyze_video

    images = [img for _, img in iter_frames(CLIP)]
    with PoseModel() as model:
        t0 = time.perf_counter()
        for img in images:
            model.landmarks(img)
        bare = time.perf_counter() - t0
    t0 = time.perf_counter()
    analyze_video(CLIP, load_catalog().get_or_raise("hip-bridge"))
    full = time.perf_counter() - t0
    print(f"bare model: {len(images)} frames in {bare:.2f} s ({len(images) / bare:.1f} frames/s)")
    print(
        f"analyze end to end (probe + checksum + decode + model start-up + model + analysis): {full:.2f} s, "
        f"overhead {100 * (full - bare) / bare:.0f}%"
    )


def main() -> None:
    bench_analysis()
    if "--analysis" not in sys.argv:
        bench_clip()


if __name__ == "__main__":
    main()
