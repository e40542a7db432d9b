// This device's display preferences, applied before the page draws: text size (set on Settings).
"use strict";
(function () {
  try {
    const size = localStorage.getItem("backfit-text");
    if (size === "large" || size === "larger") document.documentElement.classList.add(`text-${size}`);
  } catch (e) {
    /* storage may be off: the default size stays */
  }
})();
