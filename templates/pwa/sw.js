{#- CoPlan service worker: keeps the app shell on the phone so CoPlan opens with no signal.
    Pages with personal data are never cached here. The comments are Jinja's, so no phone
    downloads them (tests/checkins/test_offline.py keeps all JavaScript within a budget). #}
const SHELL_CACHE = "coplan-shell-{{ version }}";
const SHELL = {{ shell | tojson }};
const OFFLINE_URL = {{ url_for('pwa.offline') | tojson }};
{# Pages that have a blank, personal-data-free stand-in kept here (the check-in form). #}
const STAND_INS = {{ stand_ins | tojson }};
{# The outbox: sends check-ins saved on the phone when Background Sync fires. #}
importScripts({{ asset_url('js/outbox.js') | tojson }});

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith("coplan-") && name !== SHELL_CACHE)
             .map((name) => caches.delete(name))
      ))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (request.mode === "navigate") {
    {# Always ask the network for pages; fall back to the offline page, never to a stored page. #}
    event.respondWith(
      fetch(request).catch(() => caches.match(STAND_INS[url.pathname] || OFFLINE_URL))
    );
    return;
  }
  if (url.pathname.startsWith("/static/")) {
    {# Fingerprinted files never change, so the stored copy is always right. #}
    event.respondWith(
      caches.match(request).then((hit) => hit || fetch(request).then((response) => {
        if (response.ok && url.searchParams.has("v")) {
          const copy = response.clone();
          caches.open(SHELL_CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      }))
    );
  }
});

{# Reminders by Web Push. The message says when, never who or where: a lock screen, perhaps
   on a shared phone, shows it to anyone. #}
const SESSIONS_URL = {{ url_for('sessions.my_sessions') | tojson }};
const ICON_URL = {{ asset_url('icons/icon-192.png') | tojson }};

self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) { {# not a message from CoPlan's job: show the plain reminder #} }
  event.waitUntil(
    self.registration.showNotification(message.title || "CoPlan reminder", {
      body: message.body || "You have a session coming up",
      tag: message.tag || "coplan-reminder",
      icon: ICON_URL,
      data: { url: message.url || SESSIONS_URL },
    })
  );
});

{# Now and then a browser's push service replaces a phone's subscription. Carry the reminders
   over to the new one, with no visit needed: the old subscription's auth secret, which only
   this browser and CoPlan know, proves the phone is the same. Without an old subscription
   there is no proof, and the sessions page offers reminders again on the next visit. #}
const RENEW_URL = {{ url_for('api.push_renew') | tojson }};

function base64url(buffer) {
  return btoa(String.fromCharCode(...new Uint8Array(buffer)))
    .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function renewSubscription(oldSubscription, newSubscription) {
  if (!oldSubscription) return Promise.resolve(null);
  const fresh = newSubscription
    ? Promise.resolve(newSubscription)
    : self.registration.pushManager.subscribe(oldSubscription.options);
  return fresh.then((subscription) => fetch(RENEW_URL, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Accept": "application/json" },
    body: JSON.stringify({
      old_endpoint: oldSubscription.endpoint,
      old_auth: base64url(oldSubscription.getKey("auth")),
      subscription: subscription.toJSON(),
    }),
  }));
}

self.addEventListener("pushsubscriptionchange", (event) => {
  event.waitUntil(renewSubscription(event.oldSubscription, event.newSubscription));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const wanted = new URL((event.notification.data && event.notification.data.url) || SESSIONS_URL,
                         self.location.origin);
  {# Only ever open CoPlan's own pages. #}
  const target = wanted.origin === self.location.origin ? wanted : new URL(SESSIONS_URL, self.location.origin);
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => new URL(client.url).pathname === target.pathname);
      return open ? open.focus() : self.clients.openWindow(target.href);
    })
  );
});
