// backfit's CSRF token on every request that changes data, in one place: the
// page's <meta name="csrf-token"> is sent as the X-CSRFToken header by fetch()
// and HTMX, and as the first field (csrftoken) of every POST form. The server
// refuses unsafe requests without it (src/backfit/web/security.py).
"use strict";

(function () {
  const SAFE = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);
  const token = () => document.querySelector('meta[name="csrf-token"]')?.content || "";
  const sameOrigin = (url) => new URL(url, location.href).origin === location.origin;

  const nativeFetch = window.fetch.bind(window);
  window.fetch = function (input, init = {}) {
    const method = (init.method || (input instanceof Request ? input.method : "GET")).toUpperCase();
    const url = input instanceof Request ? input.url : String(input);
    if (SAFE.has(method) || !sameOrigin(url)) return nativeFetch(input, init);
    const headers = new Headers(init.headers || (input instanceof Request ? input.headers : undefined));
    headers.set("X-CSRFToken", token());
    return nativeFetch(input, { ...init, headers });
  };

  document.addEventListener("htmx:configRequest", (event) => {
    if (!SAFE.has(String(event.detail.verb).toUpperCase())) event.detail.headers["X-CSRFToken"] = token();
  });

  function addField(form) {
    if ((form.getAttribute("method") || "get").toUpperCase() !== "POST") return;
    let field = form.querySelector('input[name="csrftoken"]');
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = "csrftoken";
      form.prepend(field); // first: the server reads it before any file in a multipart form
    }
    field.value = token();
  }

  // capture phase: before any other submit handler, also for forms added later
  document.addEventListener("submit", (event) => addField(event.target), true);
})();
