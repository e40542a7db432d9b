"""Build the Tasks-API pose model (`pose_landmarker_full.task`) from the tflite files in the mediapipe wheel.

A `.task` file is an uncompressed zip (members 4-byte aligned, so they can be
mmapped) holding `pose_detector.tflite` and `pose_landmarks_detector.tflite`.
The Tasks API reads each model's input normalisation from its TFLite metadata,
which the legacy `solutions.pose` models lack; this script writes it with the
metadata writer that ships in the mediapipe wheel:

- detector (224x224 RGB): pixels mapped to [-1, 1], i.e. mean 127.5, std 127.5
  (the legacy graph's `output_tensor_float_range {min: -1 max: 1}`);
- landmark model (256x256 RGB): pixels mapped to [0, 1], i.e. mean 0, std 255.

The output is deterministic (fixed member order and timestamps), so its SHA-256
is pinned in assets.sha256 like the npm files. Needs mediapipe==0.10.21 (the
wheel's model files are checked against their own pins first).

    .venv/bin/python scripts/build_pose_task.py OUT.task
"""

from __future__ import annotations

import hashlib
import io
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

TASK_NAME = "pose_landmarker_full.task"
ZIP_DATE = (2025, 1, 1, 0, 0, 0)
ALIGNMENT = 4
MODELS: dict[str, tuple[str, str, float, float]] = {
    # member name: (path in the mediapipe package, model name, norm mean, norm std)
    "pose_detector.tflite": ("modules/pose_detection/pose_detection.tflite", "pose_detector", 127.5, 127.5),
    "pose_landmarks_detector.tflite": (
        "modules/pose_landmark/pose_landmark_full.tflite",
        "pose_landmarks_detector",
        0.0,
        255.0,
    ),
}


def with_image_metadata(model: bytes, name: str, mean: float, std: float) -> bytes:
    """The tflite ``model`` with metadata describing one RGB image input normalised as (pixel - mean) / std."""
    from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer

    writer = metadata_writer.MetadataWriter.create(bytearray(model))
    writer.add_general_info(name, "MediaPipe Pose (full), from the mediapipe 0.10.21 wheel")
    writer.add_image_input(norm_mean=[mean], norm_std=[std])
    content, _ = writer.populate()
    return bytes(content)


def aligned_zip(members: dict[str, bytes]) -> bytes:
    """An uncompressed zip of ``members`` (in the given order, fixed timestamps), each member 4-byte aligned.

    Uses mediapipe's own ``AlignZipFile`` (what ``create_model_asset_bundle`` uses for official bundles),
    with fixed ``ZipInfo`` dates so the bytes do not depend on when the file is built.
    """
    from mediapipe.tasks.python.metadata.metadata_writers.model_asset_bundle_utils import AlignZipFile

    out = io.BytesIO()
    with AlignZipFile(out, mode="w", alignment=ALIGNMENT) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return out.getvalue()


def build() -> bytes:
    """The `.task` file's bytes."""
    from backfit.adapters.pose_model import verify_model

    package = verify_model()
    members = {
        member: with_image_metadata((package / rel).read_bytes(), name, mean, std)
        for member, (rel, name, mean, std) in MODELS.items()
    }
    return aligned_zip(members)


def check_alignment(data: bytes) -> None:
    """Raise when a member's data does not start on an :data:`ALIGNMENT` boundary."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            local_extra = int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")
            start = info.header_offset + 30 + len(info.filename.encode()) + local_extra
            if start % ALIGNMENT:
                raise SystemExit(f"{info.filename} is not {ALIGNMENT}-byte aligned in the .task file")


def main(argv: list[str]) -> None:
    if len(argv) != 1:
        sys.exit("usage: build_pose_task.py OUT.task")
    data = build()
    check_alignment(data)
    out = Path(argv[0])
    out.parent.mkdir(parents=True, exist_ok=True)
    if not out.exists() or out.read_bytes() != data:
        out.write_bytes(data)
    print(f"{hashlib.sha256(data).hexdigest()}  {out.name}")  # noqa: T201


if __name__ == "__main__":
    main(sys.argv[1:])
