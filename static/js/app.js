/* CoPlan's small enhancements. Every page works without this file. */
(function () {
  "use strict";

  // Register the service worker so CoPlan opens with no signal.
  var body = document.body;
  if ("serviceWorker" in navigator && body.dataset.sw) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(body.dataset.sw, { scope: "/" }).catch(function () {});
    });
  }

  // Move focus to the error summary so screen reader users hear what went wrong.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();
  });
})();
