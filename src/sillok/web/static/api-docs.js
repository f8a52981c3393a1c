// Starts the vendored Swagger UI on /api/docs with this archive's OpenAPI document.
// validatorUrl: null — the default badge would send the document to validator.swagger.io.
(function () {
  var root = document.getElementById("swagger-ui");
  if (!root || typeof SwaggerUIBundle === "undefined") { return; }
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-url"),
    domNode: root,
    deepLinking: true,
    validatorUrl: null,
    tryItOutEnabled: true,
    defaultModelsExpandDepth: 0,
  });
}());
