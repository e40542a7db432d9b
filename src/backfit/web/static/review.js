// The video review page: send the file, follow the background job, show what the analysis found.
"use strict";

(function () {
  const form = document.querySelector("#review-form");
  const state = document.querySelector("#review-state");
  const result = document.querySelector("#review-result");
  const WORDS = {
    queued: "Waiting for its turn…",
    running: "Analysing the video (this takes about as long as the video)…",
  };

  async function follow(job) {
    for (;;) {
      if (job.state === "succeeded") return show(await (await fetch(`/api/jobs/${job.id}/result`)).json());
      if (job.state === "failed") {
        state.textContent = `The video could not be analysed: ${job.error}`;
        return;
      }
      state.textContent = WORDS[job.state] || job.state;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      job = await (await fetch(`/api/jobs/${job.id}`)).json();
    }
  }

  function show(report) {
    state.textContent = report.problem ? `Analysed, with a caution: ${report.problem}` : "Analysed.";
    document.querySelector("#review-reps").textContent = String(report.repetitions.length);
    document.querySelector("#review-held").textContent = `${report.total_hold_s.toFixed(1)} s`;
    const faults = document.querySelector("#review-faults");
    faults.replaceChildren();
    const texts = [...new Set(report.faults.map((f) => f.text))];
    for (const text of texts.length ? texts : ["No form fault seen."]) {
      const li = document.createElement("li");
      li.textContent = text;
      faults.append(li);
    }
    result.hidden = false;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    result.hidden = true;
    state.textContent = "Sending the video…";
    const reply = await fetch(form.action, { method: "POST", body: new FormData(form) });
    const body = await reply.json();
    if (!reply.ok) {
      state.textContent = `Not sent: ${body.detail}`;
      return;
    }
    await follow(body);
  });
})();
