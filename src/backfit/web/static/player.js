// backfit's guided session player. The server plans the steps (work, rest, ask)
// from what is stored; this page keeps time, counts, speaks, and saves every
// finished set at once. A failed save is kept in localStorage and retried, so
// closing the page loses at most the set in progress. In camera mode (for the
// exercises the camera can follow) the work step shows the live coach of
// live.js, and what it counted prefills the set, which the person can correct;
// the set is saved with the form faults the camera saw (source "camera").
"use strict";

(function () {
  const root = document.getElementById("player");
  if (!root) return;
  const sessionId = root.dataset.session;
  const api = `/api/sessions/${sessionId}`;
  const pendingKey = `backfit-pending-${sessionId}`;
  const $ = (id) => document.getElementById(id);

  let session = null;
  let steps = [];
  let index = 0;
  let stepStart = 0; // ms, Date.now() when the step (or its resumption) started
  let elapsedBefore = 0; // ms counted before the last pause
  let paused = false;
  let reps = 0;
  let holdReps = 0;
  let answer = { rpe: null, pain: null };
  let muted = localStorage.getItem("backfit-muted") === "1";
  let timer = null;
  let busy = false;
  // the camera choice holds for this session only (a reload keeps it; the next session asks again)
  const cameraKey = `backfit-camera-${sessionId}`;
  let cameraOn = sessionStorage.getItem(cameraKey) === "1";
  let cameraUnavailable = ""; // why the camera cannot be used (the session goes on with manual counting)
  let live = null; // the LiveSet of the work step in progress, in camera mode
  let liveModule = null;
  let reviewFaults = []; // the faults the camera saw in the set under review, as the sets API takes them
  let reviewStream = null; // the live stream that watched the set under review (its recording is kept)
  const MAX_FAULTS = 100; // the most the sets API takes for one set

  // ---- speech -------------------------------------------------------------
  function say(text) {
    if (muted || !("speechSynthesis" in window)) return;
    try {
      window.speechSynthesis.cancel();
      const spoken = new SpeechSynthesisUtterance(text);
      spoken.rate = Number(localStorage.getItem("backfit-voice-rate")) || 1; // set on Settings
      window.speechSynthesis.speak(spoken);
    } catch (e) {
      /* speech is a nicety: never let it stop the session */
    }
  }

  function setMuted(value) {
    muted = value;
    localStorage.setItem("backfit-muted", value ? "1" : "0");
    $("mute").setAttribute("aria-pressed", String(value));
    $("mute").replaceChildren(value ? "Unmute spoken cues " : "Mute spoken cues ", kbd("M"));
    if (value && "speechSynthesis" in window) window.speechSynthesis.cancel();
  }

  // ---- saving ---------------------------------------------------------------
  function pending() {
    try {
      return JSON.parse(localStorage.getItem(pendingKey) || "[]");
    } catch (e) {
      return [];
    }
  }

  async function send(path, body) {
    const response = await fetch(api + path, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(data.detail || `the server answered ${response.status}`);
      error.status = response.status;
      throw error;
    }
    return data;
  }

  let saving = 0;

  function setSaving(delta) {
    // the page says while it is saving, so nothing (a person's double tap, a test) acts on a stale step
    saving += delta;
    if (saving > 0) root.dataset.busy = "saving";
    else delete root.dataset.busy;
    root.setAttribute("aria-busy", String(saving > 0));
  }

  async function save(path, body) {
    setSaving(1);
    try {
      return await send(path, body);
    } catch (error) {
      if (error.status && error.status < 500) throw error; // the server refused it: retrying will not help
      const queue = pending();
      queue.push({ path, body });
      localStorage.setItem(pendingKey, JSON.stringify(queue));
      message("Could not reach backfit; the set is kept on this device and will be saved when it can.");
      return null;
    } finally {
      setSaving(-1);
    }
  }

  async function flushPending() {
    const queue = pending();
    const left = [];
    for (const item of queue) {
      try {
        await send(item.path, item.body);
      } catch (error) {
        if (!error.status || error.status >= 500) left.push(item);
      }
    }
    localStorage.setItem(pendingKey, JSON.stringify(left));
    if (!left.length) localStorage.removeItem(pendingKey);
  }

  // ---- display ----------------------------------------------------------------
  function message(text) {
    $("message").textContent = text || "";
  }

  function kbd(key) {
    const k = document.createElement("kbd");
    k.textContent = key;
    return k;
  }

  // Safety messages stay on the page (across steps) until the person dismisses them.
  function safety(text) {
    const li = document.createElement("li");
    li.textContent = text;
    $("safety-list").appendChild(li);
    show("safety", true);
    say(text);
  }

  function dismissSafety() {
    $("safety-list").replaceChildren();
    show("safety", false);
    $("exercise-name").focus();
  }

  function show(id, visible) {
    $(id).hidden = !visible;
  }

  function item(i) {
    return session.items[i];
  }

  function clock(ms) {
    const s = Math.max(0, Math.ceil(ms / 1000));
    return s >= 60 ? `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}` : String(s);
  }

  function doneSets() {
    // a per-side set is one set: it is done when neither of its sides is still to come
    const toCome = new Set(
      steps.slice(index).filter((s) => s.kind === "work").map((s) => `${s.set.item_index}:${s.set.set_index}`),
    );
    return session.total_sets - toCome.size;
  }

  function renderProgress() {
    const done = doneSets();
    const pct = session.total_sets ? Math.round((100 * done) / session.total_sets) : 100;
    $("progress-bar").style.width = `${pct}%`;
    root.querySelector("[role=progressbar]").setAttribute("aria-valuenow", String(pct));
    $("progress-text").textContent = `${done} of ${session.total_sets} sets done`;
  }

  let shownItem = null;

  function renderExercise(it) {
    const changed = shownItem !== it.index;
    shownItem = it.index;
    $("exercise-name").textContent = it.name;
    if (changed || !visibleFocus()) {
      // a new exercise (or the focused control just went away): bring its name and figure back into view
      $("exercise-name").scrollIntoView({ block: "start" });
      if (!visibleFocus()) $("exercise-name").focus({ preventScroll: true });
    }
    $("figure").innerHTML = it.figure_svg; // drawn by backfit's server from its own catalog
    const cues = $("cues");
    cues.replaceChildren();
    for (const cue of it.cues) {
      const li = document.createElement("li");
      li.textContent = cue;
      cues.appendChild(li);
    }
    show("cues-card", it.cues.length > 0);
  }

  function visibleFocus() {
    const el = document.activeElement;
    return el && el !== document.body && el.offsetParent !== null;
  }

  function renderNext() {
    const current = steps[index];
    const later = steps.slice(index + 1).find((s) => s.item_index !== (current && current.item_index));
    $("next").textContent = later ? `Next: ${item(later.item_index).name}` : "Last exercise of the session.";
  }

  // ---- steps ------------------------------------------------------------------
  function elapsed() {
    return paused ? elapsedBefore : elapsedBefore + (Date.now() - stepStart);
  }

  let stepsStarted = 0;

  function markStep() {
    // a counter the page exposes so tests (and assistive tools) can tell that the step moved on
    stepsStarted += 1;
    root.dataset.step = String(stepsStarted);
  }

  function startStep() {
    markStep();
    stopTimer();
    stopLive();
    show("live", false);
    show("review", false);
    show("camera-setup", false);
    $("set-all").hidden = false;
    $("rep-plus").hidden = false;
    const step = steps[index];
    renderProgress();
    show("hold-controls", false);
    show("phase-now", false);
    show("pace", false);
    show("countdown", true);
    if (!step) return finalQuestion();
    const it = item(step.item_index);
    renderExercise(it);
    renderNext();
    elapsedBefore = 0;
    stepStart = Date.now();
    paused = false;
    $("pause").replaceChildren("Pause ", kbd("P"));
    show("work-controls", false);
    show("rest-controls", false);
    show("reps", false);
    show("ask", false);
    show("final", false);
    message("");
    show("camera-mode", it.camera && step.kind !== "ask");
    if (step.kind === "rest") {
      $("phase").textContent = step.label;
      say(`${step.label}. ${step.label.startsWith("Get ready") ? it.cues[0] || "" : ""}`);
      show("rest-controls", true);
      if (cameraOn && it.camera && !cameraUnavailable) renderSetup(it); // place the camera during the rest
      tick();
      timer = setInterval(tick, 200);
    } else if (step.kind === "work") {
      reps = 0;
      holdReps = 0;
      $("phase").textContent = `${step.label}: ${dose(it)}`;
      if (it.reps !== null) {
        show("reps", true);
        $("rep-target").textContent = String(it.reps);
        $("rep-count").textContent = "0";
        $("all-n").textContent = String(it.reps);
        // timed holds count themselves; plain repetitions are counted by the person
        show("work-controls", it.hold_s === null);
      }
      if (it.hold_s === null) {
        // repetitions: the person counts; no clock to race
        show("countdown", false);
        $("pace").textContent = pace(it);
        show("pace", true);
      } else {
        show("hold-controls", true);
        show("reps", false); // the holds count themselves: "Hold (2 of 10)" says where the set is
      }
      say(`${it.name}. ${step.label}. ${dose(it)}. ${it.cues[0] || ""}`);
      if (it.camera && cameraOn && !cameraUnavailable) return startCamera(step, it);
      if (it.camera && cameraOn) message(cameraUnavailable);
      tick();
      timer = setInterval(tick, 200);
    } else {
      askQuestions(it);
    }
  }

  function pace(it) {
    const parts = [];
    if (it.up_s) parts.push(`${it.up_s} s up`);
    if (it.pause_s) parts.push(`${it.pause_s} s still`);
    if (it.down_s) parts.push(`${it.down_s} s down`);
    const each = parts.length ? `Slowly, about ${parts.join(", ")} each time. ` : "";
    return `${each}Press +1 rep (or Space) after each one, and Set done at the end. There is no time limit.`;
  }

  function dose(it) {
    if (it.reps !== null && it.hold_s !== null) return `${it.reps} holds of ${it.hold_s} seconds`;
    if (it.reps !== null) return `${it.reps} repetitions`;
    return `hold ${it.hold_s} seconds`;
  }

  function tick() {
    if (busy) return;
    const step = steps[index];
    if (!step) return;
    const it = item(step.item_index);
    const ms = elapsed();
    if (step.kind === "rest") {
      const left = step.seconds * 1000 - ms;
      $("countdown").textContent = clock(left);
      if (left <= 0) next();
      return;
    }
    if (it.reps !== null && it.hold_s !== null) {
      // repeated holds: each repetition is up, hold, down; counted by time
      const cycle = it.rep_s * 1000; // the server's one definition of a repetition's time
      const done = Math.min(it.reps, Math.floor(ms / cycle));
      if (done !== holdReps) {
        holdReps = done;
        reps = done;
        $("rep-count").textContent = String(done);
        if (done < it.reps) say(`${done}. Again.`);
      }
      const within = ms - done * cycle;
      const upMs = it.up_s * 1000;
      const holdEnd = (it.up_s + it.hold_s) * 1000;
      const [phase, left] =
        within < upMs ? ["Get into position", upMs - within] : within < holdEnd ? ["Hold", holdEnd - within] : ["Release", cycle - within];
      if (done >= it.reps) {
        $("countdown").textContent = "0";
        return finishSet(it.reps, it.hold_s);
      }
      $("phase-now").textContent = `${phase} (${done + 1} of ${it.reps})`;
      show("phase-now", true);
      $("countdown").textContent = clock(left);
    } else if (it.reps !== null) {
      // repetitions: the timer shows the suggested pace; the person counts
      const left = step.seconds * 1000 - ms;
      $("countdown").textContent = left > 0 ? clock(left) : "+" + clock(-left);
    } else {
      const left = it.hold_s * 1000 - ms;
      $("countdown").textContent = clock(left);
      if (left <= 0) finishSet(null, it.hold_s);
    }
  }

  // counted: { source: "manual" } (by hand or by the timer) or { source: "camera", faults: [...] }
  async function finishSet(repsDone, held, counted = { source: "manual" }) {
    if (busy) return;
    busy = true;
    stopTimer();
    const step = steps[index];
    try {
      await save("/sets", {
        item_index: step.set.item_index,
        set_index: step.set.set_index,
        side: step.set.side,
        reps: repsDone,
        hold_s: held,
        ...counted,
      });
      say("Set done.");
      busy = false;
      next();
    } catch (error) {
      busy = false;
      message(`That set was not saved: ${error.message}`);
      reload();
    }
  }

  function next() {
    index += 1;
    startStep();
  }

  // A hold cut short: save what was done (whole holds so far and the seconds held), not the dose.
  function stoppedEarly() {
    const step = steps[index];
    if (!step || step.kind !== "work" || live || busy) return;
    const it = item(step.item_index);
    if (it.hold_s === null) return;
    const ms = elapsed();
    if (it.reps === null) return finishSet(null, Math.round(ms / 100) / 10);
    const cycle = (it.up_s + it.hold_s) * 1000 + it.down_s * 1000;
    const whole = Math.min(it.reps, Math.floor(ms / cycle));
    const partial = Math.min(Math.max(0, ms - whole * cycle - it.up_s * 1000), it.hold_s * 1000) / 1000;
    const count = whole + (partial > 0 && whole < it.reps ? 1 : 0);
    const held = count ? (whole * it.hold_s + (count > whole ? partial : 0)) / count : 0;
    finishSet(count, Math.round(held * 10) / 10);
  }

  function stopTimer() {
    if (timer) clearInterval(timer);
    timer = null;
  }

  // ---- camera mode ------------------------------------------------------------------
  function renderCameraButton() {
    $("camera-mode").setAttribute("aria-pressed", String(cameraOn));
    $("camera-mode").replaceChildren(cameraOn ? "Count by hand " : "Use the camera ", kbd("C"));
  }

  function toggleCamera() {
    const step = steps[index];
    if (!step || !item(step.item_index).camera || busy) return;
    cameraOn = !cameraOn;
    cameraUnavailable = "";
    sessionStorage.setItem(cameraKey, cameraOn ? "1" : "0");
    renderCameraButton();
    if (step.kind === "work") startStep(); // the set starts again in the other mode
  }

  function stopLive() {
    if (live) live.close();
    live = null;
    clearInterval(nobodyTimer);
    nobodyTimer = null;
    show("nobody", false);
  }

  // ---- camera set-up and presence ------------------------------------------------------
  const NOBODY_MS = 1500; // this long without a person in view: the set waits and says so
  let lastSeen = 0;
  let everSeen = false;
  let nobodyTimer = null;

  function renderSetup(it) {
    const setup = it.camera_setup;
    show("camera-setup", Boolean(setup));
    if (!setup) return;
    $("camera-setup-place").textContent = `Where to put it (${setup.view_words}): ${setup.place}`;
    $("camera-setup-checks").textContent = setup.checks.length ? `From there it checks: ${setup.checks.join(" ")}` : "";
  }

  function watchPresence() {
    lastSeen = performance.now();
    everSeen = false;
    clearInterval(nobodyTimer);
    nobodyTimer = setInterval(() => {
      const away = performance.now() - lastSeen > NOBODY_MS;
      show("nobody", away);
      show("live-hold-line", !away);
      if (away) show("live-advice", false); // one message for it, not two
      if (everSeen && !away) show("camera-setup", false); // seen: the set-up advice has done its work
    }, 250);
  }

  function seen(pose) {
    if (!pose) return;
    lastSeen = performance.now();
    everSeen = true;
  }

  function liveText(id, text) {
    $(id).textContent = text || "";
  }

  async function startCamera(step, it) {
    show("live", true);
    show("work-controls", true);
    $("set-all").hidden = true;
    $("rep-plus").hidden = true; // the camera counts; the count can be corrected before saving
    show("hold-controls", false);
    show("pace", false);
    show("reps", it.reps !== null); // what the camera counts
    $("countdown").textContent = "";
    liveText("live-hold", "0.0");
    liveText("live-held", "");
    liveText("live-cue", "");
    show("live-advice", false);
    renderSetup(it);
    const mine = index;
    try {
      liveModule = liveModule || (await import("/static/live.js"));
      const set = new liveModule.LiveSet({
        sessionId,
        item: step.item_index,
        video: $("live-video"),
        canvas: $("live-canvas"),
        muted: () => muted,
        onState: (state) => liveState(it, state),
        onEvent: liveEvent,
        onStatus: (text) => liveText("live-status", text),
        onPose: seen,
      });
      live = set;
      await set.start();
      watchPresence();
      if (live !== set || index !== mine) set.close(); // the person moved on while it started
    } catch (error) {
      if (index !== mine) return;
      live = null;
      cameraUnavailable = error.message || String(error);
      startStep(); // the same set, counted by hand
    }
  }

  function liveState(it, state) {
    if (!live || busy) return;
    reps = state.reps;
    $("rep-count").textContent = String(reps);
    liveText("live-hold", (state.holding ? state.hold_s : 0).toFixed(1));
    liveText("live-held", state.holds ? `(${state.held_s.toFixed(1)} s held in all)` : "");
    const held = state.held_s + (state.holding ? state.hold_s : 0);
    if ((it.reps !== null && reps >= it.reps) || (it.reps === null && it.hold_s !== null && held >= it.hold_s))
      endCameraSet();
  }

  function liveEvent(event) {
    if (event.type === "fault") {
      liveText("live-cue", event.text);
    } else if (event.type === "view" || event.type === "position" || event.type === "framing") {
      liveText("live-advice", event.text);
      show("live-advice", !(event.type === "framing" && event.ok));
    }
  }

  async function endCameraSet() {
    if (!live || busy) return;
    busy = true;
    const set = live;
    live = null;
    const step = steps[index];
    const it = item(step.item_index);
    const result = await set.stop();
    const sawSomeone = everSeen;
    clearInterval(nobodyTimer);
    nobodyTimer = null;
    show("nobody", false);
    show("camera-setup", false);
    busy = false;
    if (steps[index] !== step) return;
    show("live", false);
    show("work-controls", false);
    $("set-all").hidden = false;
    $("rep-plus").hidden = false;
    $("review-reps").value = it.reps === null ? "" : String(result.reps);
    $("review-reps").disabled = it.reps === null;
    let hold = null;
    if (it.reps === null) hold = result.held_s;
    else if (result.holds) hold = result.held_s / result.holds;
    $("review-hold").value = hold === null ? "" : hold.toFixed(1);
    reviewStream = result.stream || null;
    reviewFaults = result.faults.slice(0, MAX_FAULTS).map((f) => ({
      text: f.text,
      quantity: f.quantity,
      value: f.value,
      op: f.op,
      bound: f.bound,
      t: Math.round(Math.max(0, f.t - result.t0) * 100) / 100,
    }));
    const faults = $("review-faults");
    faults.replaceChildren();
    for (const text of new Set(result.faults.map((f) => f.text))) {
      const li = document.createElement("li");
      li.textContent = text;
      faults.appendChild(li);
    }
    $("phase").textContent = "Set done: check the count";
    if (!sawSomeone) {
      // the camera never saw the person: its zeros mean nothing; ask for the count instead
      $("review-reps").value = "";
      $("review-hold").value = "";
      message("The camera did not see you during this set: please type what you did.");
    }
    show("review", true);
    $("review-reps").focus();
  }

  function saveReview(event) {
    event.preventDefault();
    const step = steps[index];
    const it = item(step.item_index);
    const repsText = $("review-reps").value.trim();
    const holdText = $("review-hold").value.trim();
    const repsDone = it.reps === null || repsText === "" ? null : Number(repsText);
    const held = holdText === "" ? null : Math.round(Number(holdText) * 10) / 10;
    if ((repsDone !== null && !(Number.isInteger(repsDone) && repsDone >= 0)) || (held !== null && !(held >= 0))) {
      message("Please give whole repetitions and seconds of 0 or more.");
      return;
    }
    show("review", false);
    const counted = { source: "camera", faults: reviewFaults };
    if (reviewStream) counted.stream = reviewStream;
    finishSet(repsDone, held, counted);
  }

  // ---- questions ------------------------------------------------------------------
  // The 0-10 scales are native radio groups (one tab stop each, arrow keys move the choice).
  function scale(containerId) {
    for (const radio of $(containerId).querySelectorAll("input[type=radio]")) radio.checked = false;
  }

  function chosen(event) {
    const radio = event.target;
    if (radio.type !== "radio" || !(radio.name in answer)) return;
    answer[radio.name] = Number(radio.value);
    $("ask-submit").disabled = answer.rpe === null || answer.pain === null;
  }

  function askQuestions(it) {
    $("phase").textContent = `How was ${it.name}?`;
    $("countdown").textContent = "";
    answer = { rpe: null, pain: null };
    scale("rpe-scale");
    scale("pain-scale");
    $("radiating").checked = false;
    $("ask-submit").disabled = true;
    show("ask", true);
    say(`How hard was ${it.name}, from 0 to 10? And any pain?`);
  }

  async function submitAnswer(event) {
    event.preventDefault();
    const step = steps[index];
    if (!step || step.kind !== "ask" || $("ask-submit").disabled) return; // one answer per question
    $("ask-submit").disabled = true;
    const radiating = $("radiating").checked;
    try {
      await save("/answers", {
        item_index: step.item_index,
        rpe: answer.rpe,
        pain_during: answer.pain,
        radiating_symptoms: radiating,
      });
    } catch (error) {
      $("ask-submit").disabled = false;
      message(`Not saved: ${error.message}`);
      return;
    }
    const name = item(step.item_index).name;
    next();
    if (radiating)
      safety(
        `${name}: pain spreading below the knee, numbness or tingling. Stop this exercise and ask a doctor or physiotherapist before you do it again.`,
      );
    else if (answer.pain > 5)
      safety(`${name}: pain above 5. backfit will step this exercise down next time. Stop now if it keeps hurting.`);
  }

  function finalQuestion() {
    markStep();
    stopTimer();
    $("exercise-name").textContent = "Last question";
    $("figure").replaceChildren();
    show("cues-card", false);
    show("work-controls", false);
    show("rest-controls", false);
    show("reps", false);
    show("ask", false);
    $("phase").textContent = "";
    $("countdown").textContent = "";
    $("next").textContent = "";
    show("final", true);
    $("pain-end").focus();
    say("Well done. How is your back now, from 0 to 10?");
  }

  async function submitFinal(event) {
    event.preventDefault();
    const value = Number($("pain-end").value);
    if (!Number.isInteger(value) || value < 0 || value > 10) {
      message("Please give a whole number from 0 to 10.");
      return;
    }
    try {
      await flushPending();
      await send("/finish", { pain_end: value });
      window.location.href = `/sessions/${sessionId}/summary`;
    } catch (error) {
      message(`Could not finish: ${error.message}`);
    }
  }

  // ---- controls ----------------------------------------------------------------------
  function togglePause() {
    if (!steps[index] || steps[index].kind === "ask") return;
    if (paused) {
      paused = false;
      stepStart = Date.now();
      $("pause").replaceChildren("Pause ", kbd("P"));
      $("phase").classList.remove("muted");
    } else {
      elapsedBefore = elapsed();
      paused = true;
      $("pause").replaceChildren("Resume ", kbd("P"));
      $("phase").classList.add("muted");
      say("Paused.");
    }
  }

  function addRep() {
    const step = steps[index];
    if (!step || step.kind !== "work" || paused || live) return;
    const it = item(step.item_index);
    if (it.reps === null || it.hold_s !== null) return;
    reps += 1;
    $("rep-count").textContent = String(reps);
    say(String(reps));
  }

  function setDone(all) {
    const step = steps[index];
    if (!step || step.kind !== "work") return;
    if (live) return endCameraSet();
    const it = item(step.item_index);
    if (it.reps === null) return finishSet(null, Math.round(elapsed() / 100) / 10);
    finishSet(all ? it.reps : reps, it.hold_s);
  }

  async function skipExercise() {
    const step = steps[index];
    if (!step) return;
    const current = step.item_index;
    const started =
      session.done.some((k) => k.item_index === current) ||
      steps.slice(0, index).some((s) => s.kind === "work" && s.item_index === current);
    if (started) {
      // some sets are done: ask about them, then move on
      index = steps.findIndex((s, i) => i >= index && s.item_index === current && s.kind === "ask");
      return startStep();
    }
    try {
      await save("/answers", { item_index: current, skipped: true });
    } catch (error) {
      message(`Not saved: ${error.message}`);
      return;
    }
    const following = steps.findIndex((s, i) => i > index && s.item_index !== current);
    index = following === -1 ? steps.length : following;
    startStep();
  }

  function endEarly() {
    if (!window.confirm("End the session now? Finished sets are kept.")) return;
    index = steps.length;
    startStep();
  }

  // The key map is the server's (backfit.session.keys, shared with the terminal session).
  const keyActions = Object.fromEntries(JSON.parse($("player-keys").textContent).map((k) => [k.key, k.action]));
  const actions = {
    rep: () => addRep(),
    done: () => {
      const step = steps[index];
      if (step && step.kind === "rest") next();
      else if (step && item(step.item_index).hold_s !== null && !live) stoppedEarly(); // a hold cut short
      else setDone(false);
    },
    pause: () => togglePause(),
    skip_rest: () => steps[index] && steps[index].kind === "rest" && next(),
    skip_exercise: () => skipExercise(),
    end: () => endEarly(),
    mute: () => setMuted(!muted),
    camera: () => toggleCamera(),
  };

  function onKey(event) {
    if (event.target.closest("input, textarea, select")) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const action = keyActions[event.key.length === 1 ? event.key.toLowerCase() : event.key];
    if (!action) return;
    // a focused control keeps its own keys: Space and Enter press the button, not the player's shortcut
    const onControl = event.target.closest("button, a, summary, [role=radio], [tabindex]:not(h1)");
    if ((action === "rep" || action === "done") && onControl) return;
    const step = steps[index];
    if (action === "rep" || action === "done") {
      if (!step || (step.kind !== "work" && !(action === "done" && step.kind === "rest"))) return;
      event.preventDefault();
    }
    actions[action]();
  }

  async function reload() {
    const response = await fetch(api, { headers: { Accept: "application/json" } });
    if (!response.ok) {
      message("This session could not be loaded.");
      return;
    }
    session = await response.json();
    if (session.status !== "in_progress") {
      window.location.href = `/sessions/${sessionId}/summary`;
      return;
    }
    steps = session.steps;
    index = 0;
    startStep();
  }

  $("rep-plus").addEventListener("click", addRep);
  $("set-done").addEventListener("click", () => setDone(false));
  $("set-all").addEventListener("click", () => setDone(true));
  $("skip-rest").addEventListener("click", next);
  $("stopped-early").addEventListener("click", stoppedEarly);
  $("safety-dismiss").addEventListener("click", dismissSafety);
  $("ask").addEventListener("change", chosen);
  $("pause").addEventListener("click", togglePause);
  $("skip-exercise").addEventListener("click", skipExercise);
  $("end-early").addEventListener("click", endEarly);
  $("mute").addEventListener("click", () => setMuted(!muted));
  $("camera-mode").addEventListener("click", toggleCamera);
  $("review").addEventListener("submit", saveReview);
  $("ask").addEventListener("submit", submitAnswer);
  $("final").addEventListener("submit", submitFinal);
  document.addEventListener("keydown", onKey);
  setMuted(muted);
  renderCameraButton();
  flushPending().then(reload);
})();
