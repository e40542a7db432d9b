// backfit's live camera coach. The pose model runs here, in the browser
// (MediaPipe Tasks PoseLandmarker, WebAssembly on the CPU, served by backfit);
// only the 33 body points of each frame go to backfit's server, over a
// WebSocket, and its analysis answers with repetitions, holds, form faults and
// camera advice. No video frame leaves this device; nothing is fetched from
// any other server.
import { FilesetResolver, PoseLandmarker } from "/static/vendor/tasks-vision/vision_bundle.mjs";

const WASM = "/static/vendor/tasks-vision/wasm";
const MODEL = "/static/vendor/pose_landmarker_full.task";
const CUE_GAP_MS = 6000; // a cue (or advice) is spoken at most once in this time
const MAX_UNACKED = 300; // frames kept for re-sending after a dropped connection (10 s at 30 fps)

let landmarkerPromise = null;

/**
 * Frames as one binary batch message (backfit/web/live_wire.py): "BF", version 1, landmark type 4
 * (float32), count, 0, the first frame's seq (uint64), each frame's t (float64 s), then the
 * landmarks (count x 33 x 4 float32; a frame of NaN: nobody seen). Little-endian, as typed arrays
 * are on every platform browsers run on. The frames' seqs must follow one another.
 */
export function encodeBatch(frames) {
  const n = frames.length;
  const buffer = new ArrayBuffer(16 + 8 * n + 33 * 4 * 4 * n);
  const header = new DataView(buffer);
  header.setUint8(0, 0x42); // B
  header.setUint8(1, 0x46); // F
  header.setUint8(2, 1);
  header.setUint8(3, 4);
  header.setUint16(4, n, true);
  header.setUint16(6, 0, true);
  header.setBigUint64(8, BigInt(frames[0].seq), true);
  const times = new Float64Array(buffer, 16, n);
  const marks = new Float32Array(buffer, 16 + 8 * n, 33 * 4 * n);
  frames.forEach((frame, i) => {
    times[i] = frame.t;
    if (!frame.landmarks) {
      marks.fill(NaN, i * 132, (i + 1) * 132);
      return;
    }
    frame.landmarks.forEach((row, j) => marks.set(row, i * 132 + j * 4));
  });
  return buffer;
}

/** Runs of consecutive frames (by seq), each at most ``size`` long: the batches to send them in. */
function batches(frames, size) {
  const out = [];
  for (const frame of frames) {
    const last = out.length ? out[out.length - 1] : null;
    if (last && last.length < size && last[last.length - 1].seq + 1 === frame.seq) last.push(frame);
    else out.push([frame]);
  }
  return out;
}

/** The pose landmarker, created once per page (loading the model takes a second or two). */
export function loadLandmarker() {
  if (!landmarkerPromise) {
    landmarkerPromise = (async () => {
      const fileset = await FilesetResolver.forVisionTasks(WASM);
      return PoseLandmarker.createFromOptions(fileset, {
        baseOptions: { modelAssetPath: MODEL, delegate: "CPU" },
        runningMode: "VIDEO",
        numPoses: 1,
      });
    })();
    landmarkerPromise.catch(() => {
      landmarkerPromise = null; // let a later set try again
    });
  }
  return landmarkerPromise;
}

/** Why the camera cannot be used, in words for the person. */
export function cameraProblem(error) {
  const name = (error && error.name) || "";
  if (name === "NotAllowedError" || name === "SecurityError")
    return "Camera permission was refused, so counting is by hand. Allow the camera in the browser to use it.";
  if (name === "NotFoundError" || name === "OverconstrainedError")
    return "No camera was found, so counting is by hand.";
  if (name === "NotReadableError") return "The camera is in use by another program, so counting is by hand.";
  return `The camera could not be started (${error && error.message ? error.message : name}), so counting is by hand.`;
}

function speakable(muted) {
  return !muted() && "speechSynthesis" in window;
}

/**
 * One set watched by the camera.
 *
 * options: { sessionId, item (or path: the WebSocket's path and exercise, e.g. /ws/practise/<id>),
 *            video, canvas, muted: () => bool, onState(state), onEvent(event), onStatus(text),
 *            onPose(pose or null) (optional: each frame's landmarks, null when nobody is seen) }
 * start() resolves once the camera and model run (or rejects with a message for the person);
 * stop() ends the set and resolves to { reps, held_s, holds, faults, t0, stream }: the fault events
 * seen, t0, the time (s, the faults' clock) of the first frame sent, and the stream id (the server
 * keeps the set's landmark recording under it). A dropped connection reconnects by itself and
 * resends the frames the server has not stored yet (its acks say how far: state.stored_seq).
 */
export class LiveSet {
  constructor(options) {
    this.o = options;
    this.stream = `s${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    this.seq = 0;
    this.lastTs = 0;
    this.t0 = null;
    this.unacked = [];
    this.pending = []; // frames waiting for the socket to drain, sent as one batch
    this.maxBatch = 0; // frames a binary batch may hold (0: the server takes JSON only)
    this.greeted = false; // the server's hello came on this connection
    this.state = { reps: 0, holding: false, hold_s: 0, held_s: 0, holds: 0 };
    this.faults = [];
    this.spoken = new Map();
    this.running = false;
    this.ws = null;
    this.summaryWaiter = null;
    this.retryMs = 250;
  }

  async start() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia)
      throw new Error("This browser gives this page no camera (it needs https or localhost), so counting is by hand.");
    this.o.onStatus("Loading the pose model…");
    try {
      this.landmarker = await loadLandmarker();
    } catch (error) {
      throw new Error(`The pose model could not be loaded (${error && error.message}), so counting is by hand.`);
    }
    this.o.onStatus("Starting the camera…");
    try {
      this.media = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: 640 }, height: { ideal: 480 } },
        audio: false,
      });
    } catch (error) {
      throw new Error(cameraProblem(error));
    }
    const video = this.o.video;
    video.srcObject = this.media;
    video.muted = true;
    await video.play();
    this.aspect = video.videoWidth && video.videoHeight ? video.videoWidth / video.videoHeight : 4 / 3;
    this.o.canvas.width = video.videoWidth || 640;
    this.o.canvas.height = video.videoHeight || 480;
    this.running = true;
    this.connect();
    this.loop();
    this.o.onStatus("Watching: the video stays on this device.");
  }

  // ---- the connection --------------------------------------------------------
  connect() {
    if (!this.running) return;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const aspect = Math.min(4.9, Math.max(0.21, this.aspect)).toFixed(4);
    const path = this.o.path || `/ws/live/${this.o.sessionId}?item=${this.o.item}`;
    const join = path.includes("?") ? "&" : "?";
    const url = `${scheme}://${location.host}${path}${join}stream=${this.stream}&aspect=${aspect}`;
    const ws = new WebSocket(url);
    this.ws = ws;
    this.greeted = false;
    ws.onmessage = (message) => this.receive(JSON.parse(message.data));
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.summaryWaiter) this.summaryWaiter(null);
      if (this.running) {
        this.o.onStatus("Lost the connection to backfit: reconnecting…");
        setTimeout(() => this.connect(), this.retryMs);
        this.retryMs = Math.min(4000, this.retryMs * 2);
      }
    };
  }

  receive(message) {
    if (message.type === "hello") {
      this.retryMs = 250;
      // the server continues the same set; send what it has not seen yet
      // binary batches when the server reads them (JSON text otherwise)
      this.maxBatch = message.binary && message.binary.version === 1 ? message.binary.max_frames : 0;
      this.greeted = true;
      this.unacked = this.unacked.filter((f) => f.seq > message.last_seq);
      this.pending = [];
      this.transmit(this.unacked);
      this.applyState(message.state);
      if (message.resumed) this.o.onStatus("Reconnected: the count goes on.");
    } else if (message.type === "ack") {
      // keep what the server has not stored yet: a reconnect (maybe to another worker) asks for it again
      const kept = message.state && Number.isInteger(message.state.stored_seq) ? message.state.stored_seq : message.seq;
      this.unacked = this.unacked.filter((f) => f.seq > kept);
      for (const event of message.events) this.event(event);
      this.applyState(message.state);
    } else if (message.type === "summary") {
      for (const event of message.events) this.event(event);
      this.applyState(message.state);
      this.faults = message.faults;
      if (this.summaryWaiter) this.summaryWaiter(message);
    } else if (message.type === "error") {
      if (message.fatal) {
        this.running = false;
        this.o.onStatus(`The camera cannot follow this exercise: ${message.detail}`);
      }
    }
  }

  applyState(state) {
    this.state = state;
    this.o.onState(state);
  }

  event(event) {
    if (event.type === "fault") this.faults.push(event);
    this.o.onEvent(event);
    const text = event.type === "fault" ? event.text : event.type === "repetition" ? String(event.count) : event.text;
    if (event.type === "hold" || event.type === "step" || (event.type === "framing" && event.ok)) return;
    this.say(text, event.type !== "repetition");
  }

  say(text, throttle) {
    if (!text || !speakable(this.o.muted)) return;
    const now = performance.now();
    if (throttle && now - (this.spoken.get(text) || -Infinity) < CUE_GAP_MS) return;
    this.spoken.set(text, now);
    try {
      window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
    } catch (e) {
      /* speech is a nicety */
    }
  }

  // ---- frames ------------------------------------------------------------------
  loop() {
    const video = this.o.video;
    let lastVideoTime = -1;
    const tick = () => {
      if (!this.running) return;
      if (video.readyState >= 2 && video.currentTime !== lastVideoTime) {
        lastVideoTime = video.currentTime;
        if (!this.frame()) return;
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  /** Run the model on the current video frame, draw it, send its landmarks; false when detection broke. */
  frame() {
    try {
      // detectForVideo needs strictly increasing timestamps: one repeat breaks the graph for good
      const ts = Math.max(performance.now(), this.lastTs + 1);
      this.lastTs = ts;
      if (this.t0 === null) this.t0 = ts / 1000;
      const result = this.landmarker.detectForVideo(this.o.video, ts);
      const pose = result.landmarks && result.landmarks[0];
      const landmarks = pose ? pose.map((p) => [p.x, p.y, p.z, p.visibility ?? 0]) : null;
      this.draw(pose);
      if (this.o.onPose) this.o.onPose(pose || null);
      this.send({ type: "frame", seq: this.seq++, t: ts / 1000, landmarks });
      return true;
    } catch (error) {
      this.o.onStatus(`Pose detection failed (${error.message}); count by hand.`);
      this.running = false;
      return false;
    }
  }

  send(frame) {
    for (const row of frame.landmarks || []) for (let i = 0; i < 4; i++) if (!Number.isFinite(row[i])) row[i] = 0;
    this.unacked.push(frame);
    if (this.unacked.length > MAX_UNACKED) this.unacked.shift();
    // before the server's hello the frame waits in unacked: the hello sends what the server lacks, in its format
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN || !this.greeted) return;
    // a frame that finds the socket still sending the last one waits and goes with the next (one message)
    this.pending.push(frame);
    if (this.maxBatch && this.ws.bufferedAmount > 0 && this.pending.length < this.maxBatch) return;
    this.transmit(this.pending);
    this.pending = [];
  }

  /** Send ``frames`` now: binary batches, or one JSON message a frame to a server without them. */
  transmit(frames) {
    if (!this.maxBatch) {
      for (const f of frames) this.ws.send(JSON.stringify(f));
      return;
    }
    for (const run of batches(frames, this.maxBatch)) this.ws.send(encodeBatch(run));
  }

  draw(pose) {
    const canvas = this.o.canvas;
    const ctx = canvas.getContext("2d");
    const w = canvas.width;
    const h = canvas.height;
    ctx.drawImage(this.o.video, 0, 0, w, h);
    if (!pose) return;
    ctx.lineWidth = 4;
    ctx.strokeStyle = this.state.holding ? "#2e9e4f" : "#f2f2f2";
    ctx.beginPath();
    for (const { start, end } of PoseLandmarker.POSE_CONNECTIONS) {
      if (start < 11 || end < 11) continue; // the face is not drawn
      ctx.moveTo(pose[start].x * w, pose[start].y * h);
      ctx.lineTo(pose[end].x * w, pose[end].y * h);
    }
    ctx.stroke();
    ctx.fillStyle = "#ffb000";
    for (let i = 11; i < pose.length; i++) {
      ctx.beginPath();
      ctx.arc(pose[i].x * w, pose[i].y * h, 4, 0, 2 * Math.PI);
      ctx.fill();
    }
  }

  /** End the set: the server closes a repetition still held and answers with the totals. */
  async stop() {
    this.running = false;
    let summary = null;
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      summary = await new Promise((resolve) => {
        this.summaryWaiter = resolve;
        setTimeout(() => resolve(null), 3000);
        this.transmit(this.pending);
        this.pending = [];
        this.ws.send(JSON.stringify({ type: "end" }));
      });
      this.summaryWaiter = null;
    }
    this.close();
    const state = (summary && summary.state) || this.state;
    return {
      reps: state.reps,
      held_s: state.held_s,
      holds: state.holds,
      faults: this.faults,
      t0: this.t0 || 0,
      stream: this.stream,
    };
  }

  close() {
    this.running = false;
    const ws = this.ws;
    this.ws = null;
    if (ws) ws.close();
    if (this.media) for (const track of this.media.getTracks()) track.stop();
    this.o.video.srcObject = null;
  }
}
