// Practise one exercise with the live camera coach, outside a session: the same pose model and
// analysis as in a session (live.js), over /ws/practise/<id>; nothing is stored.
import { LiveSet } from "/static/live.js";

const root = document.getElementById("practise");
const $ = (id) => document.getElementById(id);
const NOBODY_MS = 1500; // this long without a person in view: say so
let live = null;
let lastSeen = 0;
let nobodyTimer = null;

function text(id, value) {
  $(id).textContent = value || "";
}

async function start() {
  $("practise-start").disabled = true;
  $("live").hidden = false;
  const set = new LiveSet({
    path: `/ws/practise/${encodeURIComponent(root.dataset.exercise)}`,
    video: $("live-video"),
    canvas: $("live-canvas"),
    muted: () => localStorage.getItem("backfit-muted") === "1",
    onState: (state) => {
      const held = state.held_s + (state.holding ? state.hold_s : 0);
      text("practise-count", `Repetitions: ${state.reps}. Held: ${held.toFixed(1)} s`);
    },
    onEvent: (event) => {
      if (event.type === "fault") text("live-cue", event.text);
      else if (event.type === "view" || event.type === "position" || event.type === "framing") {
        text("live-advice", event.text);
        $("live-advice").hidden = event.type === "framing" && event.ok;
      }
    },
    onStatus: (value) => text("live-status", value),
    onPose: (pose) => {
      if (pose) lastSeen = performance.now();
    },
  });
  live = set;
  try {
    await set.start();
    lastSeen = performance.now();
    nobodyTimer = setInterval(() => {
      $("nobody").hidden = performance.now() - lastSeen < NOBODY_MS;
    }, 250);
    $("practise-stop").hidden = false;
  } catch (error) {
    live = null;
    $("live").hidden = true;
    text("live-status", error.message || String(error));
    $("practise-start").disabled = false;
  }
}

async function stop() {
  if (!live) return;
  const set = live;
  live = null;
  clearInterval(nobodyTimer);
  const result = await set.stop();
  $("nobody").hidden = true;
  $("live").hidden = true;
  $("practise-stop").hidden = true;
  $("practise-start").disabled = false;
  text("practise-count", `Done: ${result.reps} repetitions, ${result.held_s.toFixed(1)} s held.`);
}

$("practise-start").addEventListener("click", start);
$("practise-stop").addEventListener("click", stop);
