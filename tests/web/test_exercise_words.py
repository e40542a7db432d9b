"""The exercise page shows camera checks in the same words as `backfit show`, and a mistyped
exercise id gets a suggestion on the page and in the API."""

from __future__ import annotations

from html import unescape

from fastapi.testclient import TestClient

from backfit.catalog import load_catalog
from backfit.catalog.wording import check_in_words

CATALOG = load_catalog()


def test_the_exercise_page_shows_the_same_words(client: TestClient) -> None:
    page = client.get("/exercises/hip-bridge")
    assert page.status_code == 200
    html = " ".join(unescape(page.text).split())
    bridge = CATALOG["hip-bridge"]
    for cue in bridge.camera_cues:
        assert check_in_words(cue.camera, bridge) in html  # type: ignore[arg-type]


def test_a_mistyped_exercise_page_suggests_the_right_one(client: TestClient) -> None:
    page = client.get("/exercises/hip-brige")
    assert page.status_code == 404
    assert "Did you mean 'hip-bridge'?" in unescape(page.text)
    api = client.get("/api/exercises/hip-brige")
    assert api.status_code == 404
    assert "did you mean 'hip-bridge'?" in api.json()["detail"]
