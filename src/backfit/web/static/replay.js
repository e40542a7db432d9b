// Replays a camera set from its stored body points (no video is kept): a skeleton on a canvas,
// a timeline with the repetitions and the form faults (click one to jump there), play, pause
// and scrub by mouse or keyboard. The data: GET /api/recordings/<id> (times in seconds from the
// first frame; landmarks as base64 little-endian float16, 33 points x (x, y, z, visibility)).

const BONES = [
  [11, 12], [11, 13], [13, 15], [12, 14], [14, 16], [15, 17], [15, 19], [17, 19], [16, 18], [16, 20], [18, 20],
  [11, 23], [12, 24], [23, 24], [23, 25], [25, 27], [24, 26], [26, 28],
  [27, 29], [29, 31], [27, 31], [28, 30], [30, 32], [28, 32],
];
const LEFT = new Set([11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31]);
const POINTS = 33;

/** One IEEE 754 half-precision value (16 bits) as a number. */
function half(bits) {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** The base64 float16 landmarks as a Float32Array of frames x 33 x 4. */
function decodeLandmarks(text) {
  const raw = atob(text);
  const view = new DataView(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) view.setUint8(i, raw.charCodeAt(i));
  const out = new Float32Array(raw.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = half(view.getUint16(i * 2, true));
  return out;
}

class Replay {
  constructor(root, data) {
    this.data = data;
    this.times = data.times;
    this.marks = decodeLandmarks(data.landmarks);
    this.canvas = document.getElementById("replay-canvas");
    this.scrub = document.getElementById("replay-scrub");
    this.playButton = document.getElementById("replay-play");
    this.timeText = document.getElementById("replay-time");
    this.cursor = document.getElementById("replay-cursor");
    this.faults = data.events.filter((e) => e.type === "fault");
    this.index = 0;
    this.playing = false;
    this.fit();
    this.timeline(document.getElementById("replay-timeline"));
    this.scrub.addEventListener("input", () => this.show(Number(this.scrub.value)));
    this.playButton.addEventListener("click", () => this.toggle());
    for (const button of document.querySelectorAll(".replay-jump"))
      button.addEventListener("click", () => this.jump(Number(button.dataset.t)));
    document.addEventListener("keydown", (event) => this.key(event));
    this.show(0);
  }

  point(frame, i) {
    const at = (frame * POINTS + i) * 4;
    return { x: this.marks[at] * this.data.aspect, y: this.marks[at + 1], seen: Number.isFinite(this.marks[at]) };
  }

  /** The view box: every body point of the whole set, with a margin, kept in proportion. */
  fit() {
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (let f = 0; f < this.times.length; f++)
      for (let i = 0; i < POINTS; i++) {
        const p = this.point(f, i);
        if (!p.seen) continue;
        minX = Math.min(minX, p.x); maxX = Math.max(maxX, p.x);
        minY = Math.min(minY, p.y); maxY = Math.max(maxY, p.y);
      }
    if (!Number.isFinite(minX)) [minX, minY, maxX, maxY] = [0, 0, this.data.aspect, 1];
    const pad = 0.15 * Math.max(maxX - minX, maxY - minY, 0.05);
    this.box = { x: minX - pad, y: minY - pad, w: maxX - minX + 2 * pad, h: maxY - minY + 2 * pad };
    const width = this.canvas.width;
    this.canvas.height = Math.round(Math.min(Math.max((width * this.box.h) / this.box.w, width / 3), width * 1.2));
    this.scale = Math.min(width / this.box.w, this.canvas.height / this.box.h);
    this.offsetX = (width - this.box.w * this.scale) / 2;
    this.offsetY = (this.canvas.height - this.box.h * this.scale) / 2;
  }

  px(p) {
    return [this.offsetX + (p.x - this.box.x) * this.scale, this.offsetY + (p.y - this.box.y) * this.scale];
  }

  timeline(root) {
    const track = root.querySelector(".replay-track");
    const duration = Math.max(this.data.duration_s, 0.001);
    const place = (t) => `${Math.min(100, Math.max(0, (100 * t) / duration))}%`;
    for (const e of this.data.events) {
      if (e.type === "repetition" || e.type === "hold") {
        const mark = document.createElement("span");
        mark.className = e.type === "hold" ? "replay-hold" : "replay-rep";
        if (e.type === "hold") {
          mark.style.left = place(e.start);
          mark.style.width = `${(100 * (e.end - e.start)) / duration}%`;
          mark.title = `Hold: ${e.seconds.toFixed(1)} s`;
        } else {
          mark.style.left = place(e.t);
          mark.title = `Repetition ${e.count}`;
        }
        track.appendChild(mark);
      }
    }
    this.faults.forEach((fault, n) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "replay-fault";
      button.style.left = place(fault.t);
      button.setAttribute("aria-label", `Fault ${n + 1} at ${fault.t.toFixed(1)} s: ${fault.text}`);
      button.title = `${fault.t.toFixed(1)} s: ${fault.text}`;
      button.addEventListener("click", () => this.jump(fault.t));
      track.appendChild(button);
    });
    track.addEventListener("click", (event) => {
      if (event.target !== track) return;
      const box = track.getBoundingClientRect();
      this.jump(((event.clientX - box.left) / box.width) * duration);
    });
  }

  frameAt(t) {
    let i = 0;
    while (i < this.times.length - 1 && this.times[i + 1] <= t + 1e-6) i++;
    return i;
  }

  jump(t) {
    this.pause();
    this.show(this.frameAt(t));
  }

  toggle() {
    if (this.playing) this.pause();
    else this.play();
  }

  play() {
    if (this.index >= this.times.length - 1) this.index = 0;
    this.playing = true;
    this.playButton.firstChild.textContent = "Pause ";
    const startedAt = performance.now() - this.times[this.index] * 1000;
    const tick = (now) => {
      if (!this.playing) return;
      const i = this.frameAt((now - startedAt) / 1000);
      if (i !== this.index) this.show(i);
      if (i >= this.times.length - 1) this.pause();
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  pause() {
    this.playing = false;
    this.playButton.firstChild.textContent = "Play ";
  }

  key(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const onButton = event.target instanceof HTMLButtonElement;
    if (event.key === " " && !onButton) {
      event.preventDefault();
      this.toggle();
    } else if (event.key === "]" || event.key === "[") {
      const t = this.times[this.index];
      const next =
        event.key === "]"
          ? this.faults.find((f) => f.t > t + 1e-3)
          : [...this.faults].reverse().find((f) => f.t < t - 1e-3);
      if (next) this.jump(next.t);
    } else if ((event.key === "Home" || event.key === "End") && event.target !== this.scrub) {
      event.preventDefault();
      this.jump(event.key === "Home" ? 0 : this.data.duration_s);
    }
  }

  show(i) {
    this.index = Math.max(0, Math.min(this.times.length - 1, i));
    const t = this.times[this.index] || 0;
    this.scrub.value = String(this.index);
    this.scrub.setAttribute("aria-valuetext", `${t.toFixed(1)} seconds`);
    this.timeText.textContent = t.toFixed(1);
    this.cursor.style.left = `${(100 * t) / Math.max(this.data.duration_s, 0.001)}%`;
    this.draw(this.index);
  }

  draw(frame) {
    const ctx = this.canvas.getContext("2d");
    const { width, height } = this.canvas;
    ctx.fillStyle = "#15202b";
    ctx.fillRect(0, 0, width, height);
    const nose = this.point(frame, 0);
    if (!nose.seen) {
      ctx.fillStyle = "#f2f2f2";
      ctx.font = "20px sans-serif";
      ctx.textAlign = "center";
      ctx.fillText("Nobody in view in this frame", width / 2, height / 2);
      return;
    }
    const near = this.faults.some((f) => Math.abs(f.t - this.times[frame]) < 0.25);
    ctx.lineCap = "round";
    ctx.lineWidth = Math.max(4, width / 110);
    for (const [a, b] of BONES) {
      const [x1, y1] = this.px(this.point(frame, a));
      const [x2, y2] = this.px(this.point(frame, b));
      ctx.strokeStyle = near ? "#ff6b5e" : LEFT.has(a) && LEFT.has(b) ? "#7cc4ff" : "#f2f2f2";
      ctx.beginPath();
      ctx.moveTo(x1, y1);
      ctx.lineTo(x2, y2);
      ctx.stroke();
    }
    const [ex1, ey1] = this.px(this.point(frame, 7));
    const [ex2, ey2] = this.px(this.point(frame, 8));
    const [nx, ny] = this.px(nose);
    // the head: a circle through the ears and the nose (the face's other points are not drawn)
    const [cx, cy] = [(nx + (ex1 + ex2) / 2) / 2, (ny + (ey1 + ey2) / 2) / 2];
    const radius = Math.max(6, Math.hypot(ex1 - ex2, ey1 - ey2) / 2, Math.hypot(nx - cx, ny - cy)) * 1.15;
    ctx.strokeStyle = near ? "#ff6b5e" : "#f2f2f2";
    ctx.beginPath();
    ctx.arc(cx, cy, radius, 0, 2 * Math.PI);
    const [s1x, s1y] = this.px(this.point(frame, 11));
    const [s2x, s2y] = this.px(this.point(frame, 12));
    const [mx, my] = [(s1x + s2x) / 2, (s1y + s2y) / 2];
    const away = Math.hypot(cx - mx, cy - my);
    if (away > radius) {
      ctx.moveTo(mx, my); // the neck: from between the shoulders to the edge of the head
      ctx.lineTo(cx + ((mx - cx) * radius) / away, cy + ((my - cy) * radius) / away);
    }
    ctx.stroke();
    ctx.fillStyle = "#ffb000";
    for (let i = 11; i < POINTS; i++) {
      const [x, y] = this.px(this.point(frame, i));
      ctx.beginPath();
      ctx.arc(x, y, Math.max(3, width / 160), 0, 2 * Math.PI);
      ctx.fill();
    }
  }
}

async function start() {
  const root = document.getElementById("replay");
  if (!root) return;
  const response = await fetch(`/api/recordings/${root.dataset.recording}`, { headers: { Accept: "application/json" } });
  if (!response.ok) {
    root.textContent = "This recording could not be loaded.";
    return;
  }
  window.backfitReplay = new Replay(root, await response.json());
  root.dataset.ready = "true";
}

start();
