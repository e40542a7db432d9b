"""`backfit export --format pdf`: the printed handout, read back as a person would see it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader
from typer.testing import CliRunner

from backfit.catalog import load_catalog
from backfit.cli import app
from backfit.cli.app import ExitCode
from backfit.plan.intake import RED_FLAG_QUESTIONS
from tests.plan.strategies import NO_FLAGS

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "handout"
runner = CliRunner()


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("BACKFIT_DATABASE_URL", "BACKFIT_CATALOG_DIR", "BACKFIT_PROGRAMME_RULES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BACKFIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "80")
    return tmp_path / "data"


def invoke(*args: str) -> Any:
    result = runner.invoke(app, list(args))
    return result


def intake(tmp_path: Path, **changes: Any) -> None:
    answers = {
        "red_flags": dict(NO_FLAGS),
        "experience": "returning",
        "equipment": ["ball", "band"],
        "sessions_per_week": 3,
        "minutes_per_session": 25,
        "pain_now": 2,
        **changes,
    }
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers))
    assert invoke("intake", "--answers", str(path)).exit_code in (0, ExitCode.blocked)


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def handout(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    intake(tmp_path)
    assert invoke("settings", "--weekdays", "tue,thu,sat", "--time", "07:30").exit_code == 0
    out = tmp_path / "handout.pdf"
    result = invoke("export", "--format", "pdf", "--out", str(out))
    assert result.exit_code == 0, result.output
    plan = json.loads(invoke("plan", "--json").stdout)
    return out, plan


def test_the_handout_has_the_week_the_safety_rules_and_every_exercise(handout: tuple[Path, dict[str, Any]]) -> None:
    path, plan = handout
    reader = PdfReader(path)
    pages = [words(page.extract_text()) for page in reader.pages]
    text = " ".join(pages)
    assert pages[0].startswith("Your backfit programme")
    assert "Tuesday, Thursday and Saturday at 07:30" in pages[0]
    safety = text.split("The exercises")[0]  # the first pages, before the exercises
    assert "does not diagnose" in safety
    assert "below the knee" in safety
    signs = ("bladder or bowel", "saddle", "legs is getting worse", "cancer", "weight", "fever", "fall", "at night")
    assert len(signs) == len(RED_FLAG_QUESTIONS)
    for sign in signs:
        assert sign in safety, sign
    catalog = load_catalog()
    exercise_ids = {item["exercise_id"] for day in plan["days"] for item in day["items"]}
    assert text.count("Dose: ") == len(exercise_ids)
    for exercise_id in exercise_ids:
        exercise = catalog[exercise_id]
        assert exercise.name in text
        for step in exercise.steps:
            assert words(step) in text, step
        for cue in exercise.cues:
            assert words(cue.text) in text
    first = plan["days"][0]["items"][0]
    assert words(first["dose_words"]) in text  # the dose in the programme's own words
    assert not re.search(r"\d+ x \d+", text), "a dose in code ('2 x 10'), not in words"
    assert all(page.endswith(f"Page {n} of {len(pages)}") for n, page in enumerate(pages, 1))


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) not installed")
def test_the_handout_pages_render_with_a_figure_for_each_exercise(handout: tuple[Path, dict[str, Any]]) -> None:
    path, _plan = handout
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("page-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(path), str(ARTIFACTS / "page")], check=True)
    rendered = sorted(ARTIFACTS.glob("page-*.png"))
    assert len(rendered) == len(PdfReader(path).pages)
    reader = PdfReader(path)
    first_exercise = next(i for i, page in enumerate(reader.pages) if "The exercises" in page.extract_text())
    second = Image.open(rendered[first_exercise]).convert("L")
    width, height = second.size
    # The first exercise's figure sits left, under its name: dark strokes in that box.
    box = second.crop((int(width * 0.08), int(height * 0.12), int(width * 0.45), int(height * 0.32)))
    dark = sum(box.histogram()[:100])
    assert dark > 200, "no figure drawn"


def test_pdf_to_a_terminal_is_refused_and_without_a_programme_it_says_so(tmp_path: Path) -> None:
    result = invoke("export", "--format", "pdf", "--out", str(tmp_path / "x.pdf"))
    assert result.exit_code == ExitCode.not_found
    assert "intake" in result.output
    intake(tmp_path, red_flags={**NO_FLAGS, "fever_unwell": True})
    result = invoke("export", "--format", "pdf", "--out", str(tmp_path / "x.pdf"))
    assert result.exit_code == ExitCode.blocked
    assert "clinician" in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_the_handout_is_of_the_person_named(tmp_path: Path) -> None:
    intake(tmp_path)  # the default person: ball and band, Tuesday, Thursday and Saturday
    assert invoke("settings", "--weekdays", "tue,thu,sat", "--time", "07:30").exit_code == 0
    answers = {"red_flags": dict(NO_FLAGS), "experience": "new", "equipment": [], "sessions_per_week": 2,
               "minutes_per_session": 15, "pain_now": 3}  # fmt: skip
    (tmp_path / "alice.json").write_text(json.dumps(answers))
    assert invoke("intake", "--profile", "alice", "--answers", str(tmp_path / "alice.json")).exit_code == 0
    out = tmp_path / "alice.pdf"
    result = invoke("export", "--format", "pdf", "--profile", "alice", "--out", str(out))
    assert result.exit_code == 0, result.output
    text = words(" ".join(page.extract_text() for page in PdfReader(out).pages))
    assert "For alice." in text
    assert "07:30" not in text, "not the default person's schedule"
    plan = json.loads(invoke("plan", "--json", "--profile", "alice").stdout)
    first = plan["days"][0]["items"][0]
    assert words(first["dose_words"]) in text
    assert len(plan["days"]) == 2
    assert invoke("export", "--format", "pdf", "--profile", "nobody", "--out", str(out)).exit_code == ExitCode.not_found
