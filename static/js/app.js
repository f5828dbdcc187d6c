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

  // Offer to install CoPlan at a sensible moment: never on a first visit, but from a parent's
  // second visit, or straight after their check-in is saved (outbox.js says so with a
  // "coplan:checked-in" event). "Not now" is respected for 30 days.
  var offer = document.querySelector("[data-install-offer]");
  if (offer) {
    var store = {
      get: function (key) { try { return window.localStorage.getItem(key); } catch (e) { return null; } },
      set: function (key, value) { try { window.localStorage.setItem(key, value); } catch (e) { /* private mode */ } }
    };
    var visits = Number(store.get("coplan.visits") || 0);
    try {
      if (!window.sessionStorage.getItem("coplan.visit")) {
        window.sessionStorage.setItem("coplan.visit", "1");
        store.set("coplan.visits", String(++visits));
      }
    } catch (e) { /* no storage: never offer */ }
    var installPrompt = null;
    var hideOffer = function () { offer.hidden = true; installPrompt = null; };
    var showOffer = function (moment) {
      var dismissedAt = Number(store.get("coplan.install-dismissed") || 0);
      if (!installPrompt || Date.now() - dismissedAt < 30 * 24 * 3600 * 1000) return;
      if (visits >= 2 || moment) offer.hidden = false;
    };

    window.addEventListener("beforeinstallprompt", function (event) {
      event.preventDefault(); // no browser banner on a first visit; we choose the moment
      installPrompt = event;
      showOffer(false);
    });
    document.addEventListener("coplan:checked-in", function () { showOffer(true); });
    offer.querySelector("[data-install-accept]").addEventListener("click", function () {
      if (installPrompt) installPrompt.prompt().catch(function () {});
      hideOffer();
    });
    offer.querySelector("[data-install-dismiss]").addEventListener("click", function () {
      store.set("coplan.install-dismissed", String(Date.now()));
      hideOffer();
    });
    window.addEventListener("appinstalled", hideOffer);
  }

  // A post button made with confirm="..." asks first. In the capture phase, so a refusal stops
  // htmx's own submit handler on the form as well.
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);

  // "Undo the booking": offered for a few seconds after booking, then gone (the server takes
  // an undo a little longer, for a slow network; after that, "Cancel it" is the way).
  document.addEventListener("DOMContentLoaded", function () {
    var undo = document.querySelector("form[data-undo]");
    if (!undo) return;
    undo.hidden = false;
    window.setTimeout(function () {
      if (!undo.contains(document.activeElement)) undo.hidden = true;
    }, Number(undo.getAttribute("data-undo")) * 1000);
  });

  // Move focus to the error summary so screen reader users hear what went wrong.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();
  });
})();
