// The interactive API reference (/api/docs): Swagger UI, vendored, over the OpenAPI document
// the page names in data-url. Without JavaScript the page links the raw documents instead.
(function () {
  "use strict";
  var target = document.getElementById("api-reference");
  if (!target || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: target.getAttribute("data-url"),
    domNode: target,
    deepLinking: true,
    validatorUrl: null, // no request to anyone else
    tryItOutEnabled: false,
    presets: [window.SwaggerUIBundle.presets.apis],
  });
})();
