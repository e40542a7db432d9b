"""The live coach's binary wire format: a batch of landmark frames in one WebSocket message.

A JSON frame is about 2.5 KB and costs the server a full parse and validation of 132 numbers;
the binary batch carries the same frames as packed floats that :func:`numpy.frombuffer` reads
without a copy. Layout, little-endian::

    offset  size        field
    0       2           magic b"BF"
    2       1           version (1)
    3       1           landmark type: 2 (float16) or 4 (float32)
    4       2           count n: frames in the batch, 1..MAX_BATCH_FRAMES
    6       2           reserved, 0
    8       8           seq of the first frame (uint64; the others follow it one by one)
    16      8 n         t of each frame (float64 seconds, strictly increasing)
    16+8n   132 n size  landmarks (n, 33, 4): x, y, z, visibility; a frame of all NaN: nobody seen

:func:`encode` writes it (tests, benchmark), :func:`decode` reads and validates it: every
malformed batch is a :class:`BadBatch` whose message says what is wrong, in words.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from backfit.pose import landmarks as lm

MAGIC = b"BF"
VERSION = 1
HEADER = struct.Struct("<2sBBHHQ")
"""magic, version, landmark type, count, reserved, first seq: 16 bytes."""
TYPES = {2: "<f2", 4: "<f4"}
"""Landmark type code: its numpy dtype (float16, float32, little-endian)."""
MAX_BATCH_FRAMES = 30
"""One second of frames at 30 frames/s; a float32 batch of 30 is 16,096 bytes."""
MAX_SEQ = 2**53
MAX_T = 1e7
POINTS = 33 * 4


class BadBatch(ValueError):
    """A binary message that is not a valid landmark batch (the text says why)."""


@dataclass(frozen=True)
class FrameBatch:
    """Frames ``first_seq, first_seq + 1, ...``: ``times`` ``(n,)`` s, ``landmarks`` ``(n, 33, 4)``
    float64 (a frame of NaN: nobody seen)."""

    first_seq: int
    times: lm.FloatArray
    landmarks: lm.FloatArray

    def __len__(self) -> int:
        return len(self.times)


def size_of(count: int, type_code: int) -> int:
    """Bytes of a batch of ``count`` frames with landmark type ``type_code`` (2 or 4)."""
    return HEADER.size + 8 * count + POINTS * type_code * count


def encode(first_seq: int, times: lm.FloatArray, landmarks: lm.FloatArray, type_code: int = 4) -> bytes:
    """The batch message for ``times`` ``(n,)`` and ``landmarks`` ``(n, 33, 4)`` (NaN frame: nobody seen)."""
    count = len(times)
    header = HEADER.pack(MAGIC, VERSION, type_code, count, 0, first_seq)
    marks = np.asarray(landmarks, dtype=TYPES[type_code]).reshape(count, POINTS)
    return header + np.asarray(times, dtype="<f8").tobytes() + marks.tobytes()


def decode(raw: bytes) -> FrameBatch:
    """The validated batch in ``raw``; :class:`BadBatch` says what is wrong with a malformed one."""
    if len(raw) < HEADER.size:
        raise BadBatch(f"a binary frame batch starts with a {HEADER.size}-byte header; got {len(raw)} bytes")
    magic, version, type_code, count, reserved, first_seq = HEADER.unpack_from(raw)
    if magic != MAGIC:
        raise BadBatch("a binary message must be a landmark frame batch starting with 'BF' (or send JSON text)")
    if version != VERSION:
        raise BadBatch(f"binary frame batch version {version} is not supported: send version {VERSION}")
    if type_code not in TYPES:
        raise BadBatch(f"landmark type {type_code} is unknown: send 2 (float16) or 4 (float32)")
    if not 1 <= count <= MAX_BATCH_FRAMES:
        raise BadBatch(f"a batch holds 1 to {MAX_BATCH_FRAMES} frames, not {count}")
    if reserved != 0:
        raise BadBatch("bytes 6-7 of a frame batch are reserved: send 0")
    expected = size_of(count, type_code)
    if len(raw) != expected:
        raise BadBatch(f"a batch of {count} frames with landmark type {type_code} is {expected} bytes, not {len(raw)}")
    if first_seq + count - 1 > MAX_SEQ:
        raise BadBatch(f"seq must be at most {MAX_SEQ}")
    times = np.frombuffer(raw, dtype="<f8", count=count, offset=HEADER.size)
    t = times.tolist()  # at most 30 plain floats: cheaper to check than numpy calls on a tiny array
    if not all(0 <= v <= MAX_T for v in t):  # NaN fails both comparisons, infinities one
        raise BadBatch(f"t must be finite seconds between 0 and {MAX_T:g}")
    if any(b <= a for a, b in pairwise(t)):
        raise BadBatch("t must increase from frame to frame within a batch")
    marks = np.frombuffer(raw, dtype=TYPES[type_code], offset=HEADER.size + 8 * count).reshape(count, 33, 4)
    finite = np.isfinite(marks).all(axis=(1, 2))
    if not finite.all():  # only then look for frames that are neither all finite nor all NaN
        partial = ~(finite | np.isnan(marks).all(axis=(1, 2)))
        if partial.any():
            where = int(np.argmax(partial))
            raise BadBatch(f"frame {where} of the batch: landmarks must be finite numbers (all NaN: nobody seen)")
    return FrameBatch(int(first_seq), times.astype(np.float64), marks.astype(np.float64))
