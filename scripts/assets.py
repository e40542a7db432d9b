"""Install backfit's front-end assets from the npm registry and check them.

`npm ci` installs the exact versions of package-lock.json (whose integrity
hashes npm verifies); this script then copies the files backfit serves into
src/backfit/web/static/vendor/ and checks each against the SHA-256 pinned in
assets.sha256. It also builds the browser's pose model, vendor/pose_landmarker_full.task,
from the model files in the mediapipe wheel (scripts/build_pose_task.py, run with
the project's .venv Python, which has mediapipe) and checks it against its pin
the same way. Nothing is fetched at run time: the web app serves these copies.
Files only the tests use (axe-core) go to tests/web/vendor/, which the app does not serve.

    python scripts/assets.py          # install, copy, verify
    python scripts/assets.py --pin    # rewrite assets.sha256 after a deliberate upgrade
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "src" / "backfit" / "web" / "static" / "vendor"
TEST_VENDOR = ROOT / "tests" / "web" / "vendor"
PINS = ROOT / "assets.sha256"
TASKS = "node_modules/@mediapipe/tasks-vision"
POSE_TASK = "pose_landmarker_full.task"
FILES = {
    "htmx.min.js": "node_modules/htmx.org/dist/htmx.min.js",
    "tasks-vision/vision_bundle.mjs": f"{TASKS}/vision_bundle.mjs",
    "tasks-vision/wasm/vision_wasm_internal.js": f"{TASKS}/wasm/vision_wasm_internal.js",
    "tasks-vision/wasm/vision_wasm_internal.wasm": f"{TASKS}/wasm/vision_wasm_internal.wasm",
    "swagger-ui/swagger-ui-bundle.js": "node_modules/swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui/swagger-ui.css": "node_modules/swagger-ui-dist/swagger-ui.css",
}
# Files the browser tests inject into pages (named "test/<file>" in assets.sha256).
TEST_FILES = {
    "test/axe.min.js": "node_modules/axe-core/axe.min.js",
}


def destination(name: str) -> Path:
    """Where the file pinned as ``name`` goes: tests/web/vendor/ for test files, else the served vendor/."""
    return TEST_VENDOR / name.removeprefix("test/") if name.startswith("test/") else VENDOR / name


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def npm_ci() -> None:
    # node_modules/ is installed from this very lock file (by content: a pulled lock may be older than node_modules)
    stamp = ROOT / "node_modules" / ".backfit-lock.sha256"
    lock = sha256(ROOT / "package-lock.json")
    if stamp.exists() and stamp.read_text().strip() == lock:
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("backfit needs npm (Node.js 18+) to install its front-end assets")
    subprocess.run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=ROOT, check=True)
    stamp.write_text(lock + "\n")


def venv_python() -> str:
    """The Python that has mediapipe: the project's venv when there is one, else this interpreter."""
    candidate = ROOT / ".venv" / "bin" / "python"
    return str(candidate) if candidate.exists() else sys.executable


def build_pose_task() -> None:
    script = ROOT / "scripts" / "build_pose_task.py"
    subprocess.run(
        [venv_python(), str(script), str(VENDOR / POSE_TASK)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL
    )


def pinned() -> dict[str, str]:
    pins = {}
    for line in PINS.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            digest, name = line.split(maxsplit=1)
            pins[name] = digest
    return pins


def main(argv: list[str]) -> None:
    npm_ci()
    digests = {}
    for name, source in {**FILES, **TEST_FILES}.items():
        src, dst = ROOT / source, destination(name)
        dst.parent.mkdir(parents=True, exist_ok=True)
        if not dst.exists() or sha256(dst) != sha256(src):
            shutil.copyfile(src, dst)
        digests[name] = sha256(dst)
    build_pose_task()
    digests[POSE_TASK] = sha256(VENDOR / POSE_TASK)
    if "--pin" in argv:
        lines = ["# SHA-256 of the front-end files backfit serves (scripts/assets.py checks them)"]
        lines += [f"{digest}  {name}" for name, digest in sorted(digests.items())]
        PINS.write_text("\n".join(lines) + "\n")
        return
    pins = pinned()
    bad = [name for name, digest in digests.items() if pins.get(name) != digest]
    if bad:
        for name in bad:
            destination(name).unlink(missing_ok=True)
        sys.exit(f"checksum mismatch for {', '.join(bad)}: refusing to serve them (see assets.sha256)")


if __name__ == "__main__":
    main(sys.argv[1:])
