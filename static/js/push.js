/* Reminders on this phone by Web Push, on the sessions page. Shown only where the browser can
   do it and the service has VAPID keys; otherwise the page just says reminders come by email.
   Whatever this phone holds, the server says whether its subscription is the signed-in
   person's: on a shared phone it may be someone else's. */
(function () {
  "use strict";
  var box = document.querySelector("[data-push]");
  if (!box || !("serviceWorker" in navigator) || !("PushManager" in window) ||
      !("Notification" in window)) return;
  var on = box.querySelector("[data-push-on]");
  var off = box.querySelector("[data-push-off]");
  var status = box.querySelector("[data-push-status]");
  var csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
  var SAY = {
    on: "This phone will remind you the day before each session.",
    off: "This phone can remind you the day before each session.",
    blocked: "Notifications for CoPlan are turned off in this browser's settings.",
    failed: "That didn't work. Please try again."
  };

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRFToken": csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (!response.ok) throw new Error("push " + response.status);
      return response.json();
    });
  }

  // The VAPID public key, base64url in the page, as the bytes the browser wants.
  function serverKey() {
    var b64 = box.dataset.key.replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(b64 + "===".slice((b64.length + 3) % 4));
    return Uint8Array.from(raw, function (c) { return c.charCodeAt(0); });
  }

  function madeWithOurKey(subscription) {
    var key = subscription.options && subscription.options.applicationServerKey;
    if (!key) return true; // the browser doesn't say
    var have = new Uint8Array(key), want = serverKey();
    return have.length === want.length && have.every(function (b, i) { return b === want[i]; });
  }

  // state: true (reminding here), false (not), null (can't: blocked).
  function show(state, message) {
    box.hidden = false;
    on.hidden = state !== false;
    off.hidden = state !== true;
    status.textContent = message || (state ? SAY.on : state === false ? SAY.off : SAY.blocked);
  }

  function subscribe(registration) {
    return registration.pushManager
      .subscribe({ userVisibleOnly: true, applicationServerKey: serverKey() })
      .then(function (subscription) { return post(box.dataset.subscribe, subscription.toJSON()); });
  }

  function start(registration) {
    if (Notification.permission === "denied") return show(null);
    return registration.pushManager.getSubscription().then(function (existing) {
      if (!existing) return show(false);
      return post(box.dataset.check, { endpoint: existing.endpoint }).then(function (answer) {
        if (!answer.subscribed || madeWithOurKey(existing)) return show(answer.subscribed);
        // The service has new keys, so the old subscription no longer works. This person
        // asked for reminders here: renew it.
        return post(box.dataset.unsubscribe, { endpoint: existing.endpoint })
          .then(function () { return existing.unsubscribe(); })
          .then(function () { return subscribe(registration); })
          .then(function () { show(true); });
      });
    });
  }

  on.addEventListener("click", function () {
    on.disabled = true;
    Notification.requestPermission()
      .then(function (permission) {
        if (permission !== "granted") return show(permission === "denied" ? null : false);
        return navigator.serviceWorker.ready.then(subscribe).then(function () { show(true); });
      })
      .catch(function () { show(false, SAY.failed); })
      .then(function () { on.disabled = false; });
  });

  off.addEventListener("click", function () {
    off.disabled = true;
    navigator.serviceWorker.ready
      .then(function (registration) { return registration.pushManager.getSubscription(); })
      .then(function (subscription) {
        if (!subscription) return show(false);
        return post(box.dataset.unsubscribe, { endpoint: subscription.endpoint })
          .then(function () { return subscription.unsubscribe(); })
          .then(function () { show(false, "This phone will not remind you any more."); });
      })
      .catch(function () { show(true, SAY.failed); })
      .then(function () { off.disabled = false; });
  });

  navigator.serviceWorker.ready.then(start).catch(function () { box.hidden = true; });
})();
