"""A hostile page on another local origin, in real Chromium, tries every attack of issue 10
on a person who has backfit open: cross-origin form posts (the intake, a red flag "cleared
by a clinician", check-ins, a session start, PSFS, the settings import with replace, a
text/plain JSON body to the import API), no-cors and CORS fetches, reading the export, and
the live WebSocket. Each fails, and the export before and after is byte-identical."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from backfit.settings import Settings
from tests.web.conftest import CSRF_META, LiveServer, answers, free_port

pytestmark = pytest.mark.slow
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

ATTACK = """<!doctype html><meta charset="utf-8"><title>win a prize</title>
<iframe name="sink" style="width:10px;height:10px"></iframe>
<script>
const B = %(backfit)s;
const EMPTY = %(empty)s;
const results = {};
window.results = results;
function post(name, action, fields, enctype) {
  return new Promise((resolve) => {
    const frame = document.createElement("iframe");
    frame.name = "f_" + name;
    document.body.append(frame);
    const form = document.createElement("form");
    form.method = "POST"; form.action = B + action; form.target = frame.name;
    if (enctype) form.enctype = enctype;
    for (const [k, v] of Object.entries(fields)) {
      const input = document.createElement("input");
      input.name = k; input.value = v; form.append(input);
    }
    document.body.append(form);
    const done = () => { results[name] = "sent"; resolve(); };
    frame.addEventListener("load", done, { once: true });
    setTimeout(done, 4000);
    form.submit();
  });
}
async function attempt(name, fn) {
  try { results[name] = await fn(); } catch (e) { results[name] = "failed: " + e.name; }
}
(async () => {
  await post("intake", "/intake", { experience: "regular", sessions_per_week: "6", minutes_per_session: "90",
    pain_now: "0", psfs_activity_0: "attacked", psfs_rating_0: "10",
    flag_bladder_bowel: "no", flag_saddle_numbness: "no" });
  await post("clearance", "/intake/clearance", { confirm: "I have been cleared" });
  await post("checkin", "/checkins", { moment: "now", pain: "9" });
  await post("session", "/sessions", { pain_start: "9" });
  await post("psfs", "/psfs", { rating_0: "0" });
  await post("settings-import", "/settings/import", { replace: "yes" }, "multipart/form-data");
  const text = JSON.stringify(EMPTY);
  await post("text-plain-import", "/api/import?replace=true", { [text.slice(0, -1) + ',"x":"']: '"}' }, "text/plain");
  await attempt("no-cors-import", () => fetch(B + "/api/import?replace=true", { method: "POST", mode: "no-cors",
    headers: { "Content-Type": "text/plain" }, body: text }).then((r) => r.type));
  await attempt("no-cors-checkin", () => fetch(B + "/api/checkins", { method: "POST", mode: "no-cors",
    credentials: "include", headers: { "Content-Type": "text/plain" },
    body: '{"moment": "now", "pain": 9}' }).then((r) => r.type));
  await attempt("cors-json-checkin", () => fetch(B + "/api/checkins", { method: "POST", credentials: "include",
    headers: { "Content-Type": "application/json" }, body: '{"moment": "now", "pain": 9}' }).then((r) => r.status));
  await attempt("read-export", () => fetch(B + "/api/export", { credentials: "include" }).then((r) => r.text()));
  await attempt("read-page-token", () => fetch(B + "/settings", { credentials: "include" }).then((r) => r.text()));
  await attempt("websocket", () => new Promise((resolve) => {
    const ws = new WebSocket(B.replace("http", "ws") + "/ws/live/%(session)s?item=%(item)s&stream=evil");
    ws.onopen = () => resolve("opened");
    ws.onmessage = (m) => resolve("message: " + m.data);
    ws.onclose = (e) => resolve("closed " + e.code);
    setTimeout(() => resolve("timeout"), 4000);
  }));
  window.done = true;
})();
</script>"""


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def hostile(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Path, str]]:
    """A tiny server on another origin: (its folder, its origin)."""
    host = request.param
    folder = tmp_path / "hostile"
    folder.mkdir()
    port = free_port()
    server = ThreadingHTTPServer((host, port), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield folder, f"http://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def backfit(tmp_path: Path) -> Iterator[LiveServer]:
    settings = Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'data' / 'backfit.db'}")
    with LiveServer(settings, clock=lambda: NOW) as server:
        yield server


def export(server: LiveServer) -> bytes:
    response = httpx.get(f"{server.url}/api/export")
    assert response.status_code == 200
    return response.content


@pytest.mark.parametrize(
    "hostile",
    [pytest.param("127.0.0.1", id="same-host-other-port"), pytest.param("127.0.0.2", id="other-loopback-host")],
    indirect=True,
)
def test_every_attack_from_another_origin_fails(browser: Any, backfit: LiveServer, hostile: tuple[Path, str]) -> None:
    with httpx.Client(base_url=backfit.url) as person:
        token = CSRF_META.search(person.get("/exercises").text)
        assert token
        person.headers.update({"Origin": backfit.url, "X-CSRFToken": token.group(1)})
        assert person.post("/api/intake", json=answers()).status_code == 200
        session = person.post("/api/sessions", json={"pain_start": 1}).json()
        item = next(i["index"] for i in session["items"] if i["camera"])
        flagged = answers(red_flags={**answers()["red_flags"], "night_or_rest_pain": True})
        assert person.post("/api/intake", json=flagged).json()["blocked"]
    before = export(backfit)
    empty = json.loads(before)
    empty["tables"] = {name: [] for name in empty["tables"]}
    folder, origin = hostile
    page_text = ATTACK % {
        "backfit": json.dumps(backfit.url),
        "empty": json.dumps(empty),
        "session": session["id"],
        "item": item,
    }
    (folder / "attack.html").write_text(page_text, encoding="utf-8")

    context = browser.new_context()
    try:
        mine = context.new_page()
        mine.goto(f"{backfit.url}/settings")  # the person has backfit open: its cookie is in the browser
        evil = context.new_page()
        evil.goto(f"{origin}/attack.html")
        evil.wait_for_function("window.done === true", timeout=90_000)
        results = evil.evaluate("window.results")
    finally:
        context.close()

    assert export(backfit) == before, f"an attack changed the data: {results}"
    assert results["read-export"].startswith("failed"), "another origin must not read the backup"
    assert results["read-page-token"].startswith("failed"), "another origin must not read a page (its token)"
    assert results["cors-json-checkin"].startswith("failed")
    assert not results["websocket"].startswith(("opened", "message")), results["websocket"]
