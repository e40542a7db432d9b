// The Settings page's "On this device" form: spoken cues (on/off, speed) and text size, kept in
// this browser's localStorage (the player and every page read the same keys).
"use strict";
(function () {
  const form = document.getElementById("prefs");
  if (!form) return;
  document.getElementById("device-needs-script").hidden = true;
  form.hidden = false;
  const saved = document.getElementById("prefs-saved");
  const muted = localStorage.getItem("backfit-muted") === "1";
  form.querySelector(`input[name=voice][value=${muted ? "off" : "on"}]`).checked = true;
  form.elements.rate.value = localStorage.getItem("backfit-voice-rate") || "1";
  const text = localStorage.getItem("backfit-text") || "normal";
  (form.querySelector(`input[name=text][value=${text}]`) || form.querySelector("input[name=text]")).checked = true;

  function apply() {
    const root = document.documentElement;
    root.classList.remove("text-large", "text-larger");
    const size = form.querySelector("input[name=text]:checked").value;
    if (size !== "normal") root.classList.add(`text-${size}`);
  }

  form.addEventListener("change", () => {
    localStorage.setItem("backfit-muted", form.querySelector("input[name=voice]:checked").value === "off" ? "1" : "0");
    localStorage.setItem("backfit-voice-rate", form.elements.rate.value);
    localStorage.setItem("backfit-text", form.querySelector("input[name=text]:checked").value);
    apply();
    saved.textContent = "Saved on this device.";
  });

  document.getElementById("voice-test").addEventListener("click", () => {
    if (!("speechSynthesis" in window)) {
      saved.textContent = "This browser cannot speak.";
      return;
    }
    const spoken = new SpeechSynthesisUtterance("Lift your hips until your body is in a straight line. Hold.");
    spoken.rate = Number(form.elements.rate.value) || 1;
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(spoken);
  });
})();
