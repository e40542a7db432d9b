"""The repository stands on its own: nothing in it reaches outside, and its docs and licence are there."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# A path that leaves the repository for the team's shared folder beside it: the relative path written
# out, or a path segment of that name joined in code. (This file spells the name in pieces, so
# that it does not match itself.)
OUTSIDE = re.compile(r"\.\./shared|[/\\] *[\"']shared[\"']|[\"']shared[\"'] *[/\\]")
# The one allowed kind of mention: a Markdown note saying where a document or data came from.
PROVENANCE = re.compile(r"where it comes from", re.IGNORECASE)


def tracked_files() -> list[Path]:
    """Every file git tracks (or every file under the root where this is not a git checkout)."""
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, text=True).stdout
        return [ROOT / name for name in out.split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        skip = {".git", ".venv", "node_modules", "vendor", "test-artifacts"}
        return [p for p in ROOT.rglob("*") if p.is_file() and not skip & set(p.parts)]


def references_outside(path: Path, root: Path = ROOT) -> list[str]:
    """The lines of ``path`` that reach outside the repository (provenance notes in Markdown allowed)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return []  # binary files (clips, photos) hold no paths
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if OUTSIDE.search(line) and not (path.suffix == ".md" and PROVENANCE.search(line)):
            found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    return found


def test_no_tracked_file_reaches_outside_the_repository() -> None:
    found = [line for path in tracked_files() if path.is_file() for line in references_outside(path)]
    assert not found, "these lines reach outside the repository:\n" + "\n".join(found)


UP = "/".join(["..", "shared"])
SEGMENT = '"' + "shared" + '"'


@pytest.mark.parametrize(
    ("name", "text", "reaches_out"),
    [
        pytest.param("a.py", f'CLIP = ROOT / ".." / {SEGMENT} / "data"\n', True, id="path-built-in-code"),
        pytest.param("a.py", f"see {UP}/ROUTINE.md\n", True, id="relative-path-in-code"),
        pytest.param("a.md", f"Read {UP}/DESIGN.md first.\n", True, id="markdown-link"),
        pytest.param("a.md", f"Where it comes from: {UP}/ROUTINE.md.\n", False, id="provenance-note"),
        pytest.param("a.py", f"# Where it comes from: {UP}/data\n", True, id="provenance-only-in-markdown"),
        pytest.param("a.py", 'shared_state = {"shared": 1}\n', False, id="the-word-alone"),
    ],
)
def test_the_scan_finds_what_it_should(tmp_path: Path, name: str, text: str, reaches_out: bool) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert bool(references_outside(path, root=tmp_path)) is reaches_out


@pytest.mark.parametrize("doc", ["docs/routine.md", "docs/architecture.md", "CONTRIBUTING.md", "tests/data/README.md"])
def test_the_docs_are_in_the_repository_and_linked_from_the_readme(doc: str) -> None:
    assert (ROOT / doc).is_file()
    if doc != "tests/data/README.md":
        assert f"({doc})" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_licence_is_the_one_the_package_declares() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "Apache-2.0"
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in licence
    assert "Version 2.0, January 2004" in licence
    assert "END OF TERMS AND CONDITIONS" in licence  # the whole text, not a summary
    notice = (ROOT / "NOTICE").read_text(encoding="utf-8")
    for material in sorted((ROOT / "tests" / "data").iterdir()):
        if material.is_dir():
            assert f"tests/data/{material.name}" in notice, f"NOTICE does not name tests/data/{material.name}"
