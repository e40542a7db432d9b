// The API browser at /docs: Swagger UI from the pinned npm package (static/vendor/swagger-ui),
// served by backfit itself. "Try it out" requests carry the page's CSRF token like every page's.
"use strict";

window.addEventListener("DOMContentLoaded", () => {
  const token = document.querySelector('meta[name="csrf-token"]').content;
  window.SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger",
    deepLinking: false,
    validatorUrl: null, // no third-party validator badge
    requestInterceptor: (request) => {
      request.headers["X-CSRFToken"] = token;
      return request;
    },
  });
});
