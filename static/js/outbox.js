/* CoPlan's outbox: check-ins and messages wait on this phone (IndexedDB) until the server has
   answered for each one. Loaded by every page and by the service worker (for Background Sync).
   Each entry has a kind; each kind has its own API (meta.apis) and the same rules.
   An entry leaves the outbox only when a 200 answer names it: stored or already had are done;
   conflict or rejected move to "couldn't send" with the reason. A network error, 5xx, 429 or
   401 leaves everything where it is. */
(function (self) {
  "use strict";
  var TAG = "coplan-outbox";
  var BATCH = 100;
  // Each kind's word, and the key its API takes a batch under.
  var KINDS = { checkin: ["check-in", "checkins"], message: ["message", "messages"] };
  function kindOf(entry) { return entry.kind || "checkin"; }  // older entries are check-ins

  function request(r) {
    return new Promise(function (resolve, reject) {
      r.onsuccess = function () { resolve(r.result); };
      r.onerror = function () { reject(r.error); };
    });
  }

  var opened;
  function db() {
    if (!opened) {
      var r = indexedDB.open("coplan-outbox", 1);
      r.onupgradeneeded = function () {
        ["entries", "failed"].forEach(function (name) {
          r.result.createObjectStore(name, { keyPath: "uuid" });
        });
        r.result.createObjectStore("meta");
      };
      opened = request(r).then(function (d) {
        // Signing out in another tab clears the site's storage (Clear-Site-Data), which closes
        // this connection: open the outbox afresh next time instead of failing for good.
        d.onclose = function () { opened = null; };
        d.onversionchange = function () { d.close(); opened = null; };
        return d;
      }, function (error) { opened = null; throw error; });
    }
    return opened;
  }

  function store(name, mode) {
    return db().then(function (d) {
      try {
        return d.transaction(name, mode).objectStore(name);
      } catch (closed) {  // closed before its close event arrived
        opened = null;
        return db().then(function (again) { return again.transaction(name, mode).objectStore(name); });
      }
    });
  }
  function get(name, key) {
    return store(name, "readonly").then(function (s) { return request(s.get(key)); });
  }
  function put(name, value, key) {
    return store(name, "readwrite").then(function (s) { return request(s.put(value, key)); });
  }
  function remove(name, key) {
    return store(name, "readwrite").then(function (s) { return request(s.delete(key)); });
  }
  function mine(name, user) {
    return store(name, "readonly").then(function (s) { return request(s.getAll()); })
      .then(function (all) {
        return all.filter(function (e) { return e.user === user; })
          .sort(function (a, b) { return a.data.recorded_at < b.data.recorded_at ? -1 : 1; });
      });
  }

  // Send everything waiting for this person, kind by kind. Resolves to "done", "signed-out" or
  // "retry".
  function send(meta) {
    return mine("entries", meta.user).then(function (entries) {
      var kinds = Object.keys(KINDS).filter(function (kind) {
        return entries.some(function (e) { return kindOf(e) === kind; });
      });
      return kinds.reduce(function (previous, kind) {
        return previous.then(function (result) {
          if (result !== "done") return result;
          return sendKind(meta, kind, entries.filter(function (e) { return kindOf(e) === kind; }));
        });
      }, Promise.resolve("done")).then(function (result) {
        return result === "more" ? send(meta) : result;
      });
    });
  }

  function sendKind(meta, kind, entries) {
    var batch = entries.slice(0, BATCH);
    var api = (meta.apis || {})[kind] || (kind === "checkin" && meta.api);
    if (!api) return Promise.resolve("retry");
    var payload = { user: meta.user };
    payload[KINDS[kind][1]] = batch.map(function (e) { return e.data; });
    return fetch(api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRFToken": meta.csrf },
      body: JSON.stringify(payload)
    }).then(function (response) {
      if (response.status === 401) return "signed-out";
      if (response.status !== 200) return "retry";
      return response.json().then(function (body) {
        var byUuid = {};
        batch.forEach(function (e) { byUuid[e.uuid] = e; });
        return Promise.all((body.results || []).map(function (result) {
          var entry = byUuid[result.uuid];
          if (!entry) return null;
          if (result.status === "stored" || result.status === "already_had") {
            return remove("entries", entry.uuid);
          }
          if (result.status === "conflict" || result.status === "rejected") {
            entry.reason = result.reason || "It was not accepted.";
            return put("failed", entry).then(function () { return remove("entries", entry.uuid); });
          }
          return null;
        })).then(function () { return entries.length > BATCH ? "more" : "done"; });
      });
    }, function () { return "retry"; });
  }

  if (typeof document === "undefined") {
    // In the service worker: Background Sync. Rejecting asks the browser to try again later.
    self.addEventListener("sync", function (event) {
      if (event.tag !== TAG) return;
      event.waitUntil(get("meta", "current").then(function (meta) {
        return meta && send(meta).then(function (result) {
          if (result === "retry") throw new Error("CoPlan could not send yet");
        });
      }));
    });
    return;
  }

  var body = document.body;
  var script = document.currentScript;
  var apis = script ? { checkin: script.dataset.api, message: script.dataset.messagesApi } : {};
  var meta;            // {user, csrf, apis, keyworker}: whose outbox, and how to send it
  var attempts = 0, timer, busy;
  var bar = document.createElement("p");
  bar.className = "outbox-bar";
  bar.setAttribute("role", "status");
  bar.hidden = true;
  var header = document.querySelector(".site-header");
  if (header) header.after(bar);

  function say(text) {
    var box = document.querySelector("[data-outbox-message]");
    if (box) { box.textContent = text; box.tabIndex = -1; box.focus(); }
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
  function counts(entries) {
    return Object.keys(KINDS).map(function (kind) {
      var n = entries.filter(function (e) { return kindOf(e) === kind; }).length;
      return n && plural(n, KINDS[kind][0]);
    }).filter(Boolean).join(" and ");
  }

  function show(signedOut) {
    if (!meta) return Promise.resolve();
    return Promise.all([mine("entries", meta.user), mine("failed", meta.user)]).then(function (lists) {
      var waiting = lists[0].length, failed = lists[1];
      body.dataset.outboxCount = waiting;
      body.dataset.outboxWaiting = counts(lists[0]);
      var parts = [];
      if (waiting) {
        parts.push(counts(lists[0]) + " saved on this phone, " +
          (signedOut ? "waiting for you to sign in again." : "waiting to send."));
      }
      if (failed.length) parts.push(counts(failed) + " couldn't be sent.");
      showWaitingMessages(lists[0]);
      bar.textContent = parts.join(" ");
      bar.hidden = !parts.length;
      var section = document.querySelector("[data-outbox-failed]");
      if (!section) return;
      var list = section.querySelector("[data-outbox-failed-list]");
      list.textContent = "";
      failed.forEach(function (entry) {
        var item = document.createElement("li");
        var when = new Date(entry.data.recorded_at);
        item.textContent = (kindOf(entry) === "message" ? "Message from " : "Check-in from ") +
          when.toLocaleString("en-GB", {
          weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit"
        });
        var reason = document.createElement("span");
        reason.className = "outbox-failed__reason";
        reason.textContent = entry.reason;
        var button = document.createElement("button");
        button.type = "button";
        button.className = "link-button";
        button.textContent = "Delete it from this phone";
        button.addEventListener("click", function () {
          remove("failed", entry.uuid).then(function () { show(); });
        });
        item.append(reason, button);
        list.append(item);
      });
      section.hidden = !failed.length;
    });
  }

  function flush() {
    if (!meta || busy) return Promise.resolve();
    busy = true;
    clearTimeout(timer);
    return send(meta).then(function (result) {
      busy = false;
      if (result === "retry") {
        // Back off: 1 minute doubling to 30, each a random 50-100% so phones don't march together.
        var delay = Math.min(30 * 60e3, 60e3 * Math.pow(2, attempts++)) * (0.5 + Math.random() / 2);
        timer = setTimeout(flush, delay);
      } else {
        attempts = 0;
      }
      return show(result === "signed-out").then(function () { return result; });
    }, function () { busy = false; });
  }

  function askForSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) return registration.sync.register(TAG);
    }).catch(function () {});
  }

  // The form's own UUID (made by the server), so a double tap is one entry.
  function entryFrom(form, kind) {
    var given = form.elements.uuid && form.elements.uuid.value;
    var data = { uuid: given || crypto.randomUUID(), recorded_at: new Date().toISOString() };
    if (kind === "message") {
      data.body = form.elements.body.value;
      return data;
    }
    new FormData(form).forEach(function (value, name) {
      if (name === "csrf_token" || name === "uuid") return;
      data[name] = name !== "note" && /^\d+$/.test(value) ? parseInt(value, 10) : value;
    });
    data.note_shared = form.elements.note_shared.checked;
    data.contact_me = form.elements.contact_me.checked;
    return data;
  }

  function freshForm(form) {
    form.reset();
    // The next entry from this page is a new one.
    if (form.elements.uuid) form.elements.uuid.value = crypto.randomUUID();
  }

  // A page kept for no signal shows the same UUID each time: once used, a form gets a new one.
  var USED = "coplan-outbox-used";
  function used() {
    try { return JSON.parse(localStorage.getItem(USED) || "[]"); } catch (e) { return []; }
  }
  function markUsed(uuid) {
    try { localStorage.setItem(USED, JSON.stringify(used().concat(uuid).slice(-200))); } catch (e) {}
  }
  function renewUsedUuids() {
    var seen = used();
    document.querySelectorAll("form[data-outbox]").forEach(function (form) {
      var field = form.elements.uuid;
      if (field && (!field.value || seen.indexOf(field.value) !== -1)) {
        field.value = crypto.randomUUID();
      }
    });
  }

  function showWaitingMessages(entries) {
    var list = document.querySelector("[data-waiting-messages]");
    if (!list) return;
    list.textContent = "";
    entries.filter(function (e) { return kindOf(e) === "message"; }).forEach(function (entry) {
      var item = document.createElement("li");
      item.className = "message message--mine message--waiting";
      item.textContent = "Waiting to send: " + entry.data.body;
      list.append(item);
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("[data-sign-out]")) {
      var waiting = Number(body.dataset.outboxCount || 0);
      if (waiting && !window.confirm(body.dataset.outboxWaiting + " on this phone " +
          (waiting === 1 ? "hasn't" : "haven't") + " been sent yet. If you sign out now, " +
          (waiting === 1 ? "it" : "they") + " will be deleted from this phone. Sign out anyway?")) {
        event.preventDefault();
      }
      return;
    }
    if (!form.matches("[data-outbox]")) return;
    // A message with a document goes as a normal form post: the outbox keeps words, not files.
    var file = form.elements.document;
    if (file && file.files && file.files.length) return;
    if (!meta) {
      if (form.hasAttribute("data-shell")) {
        event.preventDefault();
        say("Sign in to CoPlan once when you have signal, then you can check in offline.");
      }
      return;  // no outbox yet: the form posts normally
    }
    event.preventDefault();
    var kind = form.dataset.outbox === "message" ? "message" : "checkin";
    var data = entryFrom(form, kind);
    if (kind === "message" && !data.body.trim()) {
      form.submit();  // the server explains, next to the field
      return;
    }
    markUsed(data.uuid);
    put("entries", { uuid: data.uuid, user: meta.user, kind: kind, data: data }).then(function () {
      if (navigator.storage && navigator.storage.persist) navigator.storage.persist();
      freshForm(form);
      if (kind === "checkin") window.scrollTo(0, 0);
      askForSync();
      return navigator.onLine ? flush() : show().then(function () { return "retry"; });
    }).then(function (result) {
      return mine("entries", meta.user).then(function (left) {
        var sent = !left.some(function (e) { return e.uuid === data.uuid; });
        if (sent && kind === "message" && form.dataset.done) {
          window.location.assign(form.dataset.done);  // the conversation, with the new message
          return;
        }
        say(sent ? "Thank you. Your check-in is saved."
          : result === "signed-out" ? "Saved on this phone. Sign in again to send it."
          : "Saved on this phone — will send when you're back online.");
        // A good moment to offer to install CoPlan (app.js).
        if (kind === "checkin") document.dispatchEvent(new CustomEvent("coplan:checked-in"));
      });
    }, function () {
      say("Sorry, this phone couldn't save your " + KINDS[kind][0] + ". Please try again.");
    });
  });

  function fillKeyworker() {
    var slot = document.querySelector("[data-keyworker]");
    var kw = meta && meta.keyworker;
    if (!slot || slot.dataset.name || !kw) return;
    slot.textContent = "Your keyworker, " + kw.name + (kw.contact ? ": " : "");
    if (kw.contact) {
      var link = document.createElement("a");
      link.className = "help-now__link";
      link.href = kw.href;
      link.textContent = kw.contact;
      slot.append(link);
    }
    slot.hidden = false;
  }

  function start() {
    if (body.dataset.user) {
      // A live page for a signed-in person: remember how to send, for offline pages and the worker.
      var slot = document.querySelector("[data-keyworker][data-name]");
      var known = get("meta", "current").then(function (old) {
        meta = {
          user: body.dataset.user,
          csrf: JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRFToken"],
          apis: apis,
          keyworker: slot ? { name: slot.dataset.name, contact: slot.dataset.contact,
                              href: slot.dataset.href }
                          : (old && old.user === body.dataset.user ? old.keyworker : null)
        };
        return put("meta", meta, "current");
      });
      return known;
    }
    if (document.querySelector("[data-shell]")) {
      return get("meta", "current").then(function (old) { meta = old; fillKeyworker(); });
    }
    return Promise.resolve();
  }

  renewUsedUuids();
  start().then(function () {
    if (!meta) return;
    window.addEventListener("online", flush);
    return mine("entries", meta.user).then(function (waiting) {
      if (waiting.length) {
        if (navigator.storage && navigator.storage.persist) navigator.storage.persist();
        askForSync();
      }
      return navigator.onLine ? flush() : show();
    });
  }).catch(function () {});
})(self);
