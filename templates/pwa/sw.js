/* CoPlan service worker: keeps the app shell on the phone so CoPlan opens with no signal.
   Pages with personal data are never cached here. Version {{ version }}. */
const SHELL_CACHE = "coplan-shell-{{ version }}";
const SHELL = {{ shell | tojson }};
const OFFLINE_URL = {{ url_for('pwa.offline') | tojson }};
// Pages that have a blank, personal-data-free stand-in kept here (the check-in form).
const STAND_INS = {{ stand_ins | tojson }};
// The outbox: sends check-ins saved on the phone when Background Sync fires.
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
    // Always ask the network for pages; fall back to the offline page, never to a stored page.
    event.respondWith(
      fetch(request).catch(() => caches.match(STAND_INS[url.pathname] || OFFLINE_URL))
    );
    return;
  }
  if (url.pathname.startsWith("/static/")) {
    // Fingerprinted files never change, so the stored copy is always right.
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
