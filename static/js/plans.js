/* The plan's small enhancements. Everything works without this file. */
(function () {
  "use strict";

  // The print page's button: shown only when JavaScript can print.
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector("[data-print]");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // After htmx swaps in a conflict or a form with errors, move focus there so it is heard.
  document.addEventListener("htmx:afterSwap", function (event) {
    var status = event.detail.xhr && event.detail.xhr.status;
    if (status !== 409 && status !== 422) return;
    // An outerHTML swap leaves the old element detached: find its replacement by id.
    var target = event.detail.target && document.getElementById(event.detail.target.id);
    if (!target) return;
    var focusable = target.matches(".conflict") ? target : target.querySelector("[aria-invalid='true']");
    if (focusable && focusable.focus) focusable.focus();
  });
})();
