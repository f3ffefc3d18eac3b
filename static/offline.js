// Offline (docs/design.md §8). One file, two roles: in a page it keeps the changes made with
// no signal in an outbox (IndexedDB) and sends them in order when the network is back; as
// the service worker (/sw.js) it keeps the signed-in person's own pages and static files.
(function (S) {
  "use strict";
  var doc = S.document, BOX = "box", META = "meta", dbp, me, busy;

  // ---- IndexedDB in a few lines (the idea of idb-keyval) ----
  function idb() {
    return dbp || (dbp = new Promise(function (ok, no) {
      var r = indexedDB.open("thidua", 1);
      r.onupgradeneeded = function () {
        r.result.createObjectStore(BOX, {autoIncrement: true}); // the key keeps the order
        r.result.createObjectStore(META);
      };
      r.onsuccess = function () {
        var d = r.result;
        d.onversionchange = function () { d.close(); dbp = null; }; // let a logout delete it
        ok(d);
      };
      r.onerror = function () { dbp = null; no(r.error); };
    }));
  }
  function tx(store, mode, fn) {
    return idb().then(function (d) {
      return new Promise(function (ok, no) {
        var t = d.transaction(store, mode), out = fn(t.objectStore(store));
        t.oncomplete = function () { ok(out instanceof IDBRequest ? out.result : out); };
        t.onerror = t.onabort = function () { no(t.error); };
      });
    });
  }
  function all() {
    return tx(BOX, "readonly", function (s) {
      var out = [];
      s.openCursor().onsuccess = function (e) {
        var c = e.target.result;
        if (c) { out.push({k: c.key, v: c.value}); c.continue(); }
      };
      return out;
    });
  }
  function meta(k, v) {
    return tx(META, v === undefined ? "readonly" : "readwrite", function (s) {
      return v === undefined ? s.get(k) : s.put(v, k);
    });
  }
  function upd(k, v) { return tx(BOX, "readwrite", function (s) { v ? s.put(v, k) : s.delete(k); }); }

  // ---- kept pages: one cache per person, only one person's at a time ----
  function kept() {
    return caches.keys().then(function (ks) {
      ks = ks.filter(function (k) { return k.indexOf("p-") === 0; });
      return ks.length ? caches.open(ks[0]) : null;
    });
  }
  async function keepPage(who, url, r) {
    var name = "p-" + who, h = new Headers(r.headers), b = await r.blob();
    h.delete("Content-Encoding"); h.delete("Content-Length"); h.set("X-Kept", Date.now());
    for (var k of await caches.keys()) if (k.indexOf("p-") === 0 && k !== name) await caches.delete(k);
    await (await caches.open(name)).put(url, new Response(b, {status: 200, headers: h}));
  }
  // after this phone saved a change made on a kept page, that page is kept again as the
  // server now has it, so the phone's copy is never older than what the phone itself saved
  var again = {};
  async function rekeep(who, url) {
    if (again[url]) return (again[url] = 2);
    again[url] = 1;
    try {
      do {
        again[url] = 1;
        var c = await kept();
        if (!c || !(await c.match(url, {ignoreVary: true}))) break;
        var r = await fetch(url, {credentials: "same-origin", cache: "no-store"});
        if (r.ok && r.headers.get("X-Keep") === who) await keepPage(who, url, r);
      } while (again[url] === 2);
    } catch (err) { /* no signal: the next save tries again */ }
    delete again[url];
  }

  // ---- sending: one sender at a time, across tabs and the worker ----
  function locked(fn) {
    var L = S.navigator.locks;
    if (L) return L.request("thidua-outbox", {ifAvailable: true}, function (l) { return l && fn(); });
    // no Web Locks: a claim in IndexedDB, for 30 s (transactions on a store run one by one)
    var id = Math.random();
    return tx(META, "readwrite", function (s) {
      var r = s.get("claim");
      r.onsuccess = function () { if (!r.result || r.result.until < Date.now()) s.put({id: id, until: Date.now() + 3e4}, "claim"); };
    }).then(function () { return meta("claim"); }).then(function (c) {
      if (!c || c.id !== id) return;
      return Promise.resolve(fn()).finally(function () { return meta("claim", {until: 0}); });
    });
  }
  async function state() {
    var r = await fetch("/offline/state", {credentials: "same-origin", cache: "no-store"});
    return r.status === 401 ? {signin: 1} : r.ok ? r.json() : null;
  }
  function flush() {
    return busy || (busy = locked(send).finally(function () { busy = null; }));
  }
  // Sends what waits, oldest first. Each change carries the version it was read at and its
  // submission token, so a change whose answer was lost is recognised, not made twice.
  // Returns true when some wait for the network.
  async function send() {
    var list = (await all()).filter(function (x) { return x.v.st === "wait"; }), st, ver = {}, stop = {}, left = false;
    if (!list.length) return false;
    try { st = await state(); } catch (e) { return true; }
    if (!st) return true;
    if (st.signin) { say(1); return false; } // the outbox stays until the person is back
    for (var x of list) {
      var e = x.v, b = body(e), r, html, m;
      if (e.who !== st.who || stop[e.url]) continue; // someone else's: never sent as this person
      if (b.has("csrf_token")) b.set("csrf_token", st.csrf);
      // a second change made on the same version as one just sent builds on its answer;
      // a change made on another version keeps its own (never a newer one picked up here)
      var base = e.url + "@" + b.get("version");
      if (ver[base]) b.set("version", ver[base]);
      try {
        r = await fetch(e.url, {method: "POST", body: b, credentials: "same-origin",
          headers: Object.assign({}, e.hd, {"X-CSRFToken": st.csrf})});
        html = await r.text();
      } catch (err) { left = true; break; }
      if (r.status === 401 || (r.redirected && /\/login/.test(r.url))) { say(1); break; }
      if (r.status >= 500 || r.status === 429) { left = true; break; }
      m = !e.hd["HX-Boosted"] && /name="version"[^>]*value="(\d+)"/.exec(html);
      if (r.ok) {
        if (m) ver[base] = m[1]; // the next change of the same record builds on this one
        await upd(x.k);
        rekeep(e.who, e.page);
      } else { // 409: someone changed it first; 4xx: refused. Kept, and shown to settle.
        e.st = "bad"; e.code = r.status; e.msg = text(html);
        await upd(x.k, e);
        stop[e.url] = 1;
      }
      shown(e, html);
    }
    return left;
  }
  // what was typed, or for a form with files (a photo) its parts as kept, the files included
  function body(e) {
    if (!e.parts) return new URLSearchParams(e.body);
    var b = new FormData();
    e.parts.forEach(function (p) { b.append(p[0], p[1]); });
    return b;
  }
  function text(html) {
    var m = /class="(?:alert error|err)"[^>]*>([\s\S]*?)<\/(?:p|span)>/.exec(html);
    return m ? m[1].replace(/<[^>]+>/g, "").trim() : "";
  }

  function hex() {
    return Array.from(crypto.getRandomValues(new Uint8Array(8)), function (n) { return (n + 256).toString(16).slice(1); }).join("");
  }
  // hh:mm dd/mm in Vietnam's time (UTC+7 all year, no summer time)
  function clock(t) {
    var d = new Date(t + 7 * 36e5), p = function (n) { return ("0" + n).slice(-2); };
    return p(d.getUTCHours()) + ":" + p(d.getUTCMinutes()) + " " + p(d.getUTCDate()) + "/" + p(d.getUTCMonth() + 1);
  }

  if (!doc) {
    // ---- the service worker ----
    S.addEventListener("install", function () { S.skipWaiting(); });
    S.addEventListener("activate", function (e) { e.waitUntil(S.clients.claim()); });
    S.addEventListener("sync", function (e) {
      if (e.tag === "outbox") e.waitUntil(flush().then(function (left) { if (left) throw 0; }));
    });
    // what the worker sent is said to the open pages, which show it in place
    var tell = function (m) { S.clients.matchAll().then(function (cs) { cs.forEach(function (c) { c.postMessage(m); }); }); };
    var shown = function (e, html) { tell({e: e, html: html}); }, say = function (s) { tell({signin: s}); };
    S.addEventListener("fetch", function (e) {
      var q = e.request, u = new URL(q.url), h = q.headers;
      if (q.method !== "GET" || u.origin !== location.origin) return;
      if ((u.pathname.indexOf("/static/") === 0 || u.pathname === "/sw.js") && u.search)
        return e.respondWith(caches.match(q).then(function (r) {
          return r || fetch(q).then(function (r) {
            var c = r.clone();
            if (r.ok) caches.open("static").then(function (s) { s.put(q, c); });
            return r;
          });
        }));
      if (q.mode === "navigate" || h.get("HX-Boosted") || h.get("HX-History-Restore-Request"))
        e.respondWith(page(q, u));
    });
    // a page: from the network (kept when it is the person's own), else as kept, marked
    var page = async function (q, u) {
      var url = u.pathname + u.search, r, c;
      try {
        r = await fetch(q);
        var who = r.headers.get("X-Keep");
        if (who && r.status === 200) await keepPage(who, url, r.clone());
        return r;
      } catch (err) {
        c = await kept();
        r = c && (await c.match(url, {ignoreVary: true}) || await c.match("/offline", {ignoreVary: true}));
        if (!r) return Response.error();
        var t = +r.headers.get("X-Kept"), when = clock(t), h = new Headers(r.headers);
        var s = (await r.text()).replace('<p id="offline" hidden>', '<p id="offline" data-kept="' + t + '">')
          .replace('<time id="kept-at"></time>', '<time id="kept-at">' + when + "</time>")
          // a report typed on this copy is never taken for the live page it was kept from:
          // the server lets a draft's own token retry over a newer version
          .replace(/(name="draft_token" type="hidden" value=")[0-9a-f]*/, "$1" + hex());
        return new Response(s, {status: 200, headers: h});
      }
    };
    return;
  }

  // ---- the page ----
  var box = function () { return doc.getElementById("outbox"); }, loadedAt = Date.now(), swReady;
  function shown(e, html) {
    var t = e.tgt && doc.getElementById(e.tgt);
    if (t && e.page === location.pathname && !e.hd["HX-Boosted"] && S.htmx) htmx.swap(t, html, {swapStyle: e.swap});
    list();
  }
  function say(signin) { var o = box(); if (o) o.querySelector("p").textContent = signin ? o.dataset.signin : ""; }
  async function list() {
    var o = box(), n = 0, ol, mine;
    if (!o || !me) return;
    mine = (await all()).filter(function (x) { return x.v.who === me; });
    ol = o.querySelector("ol");
    ol.textContent = "";
    mine.forEach(function (x) {
      var li = doc.createElement("li"), e = x.v, a, b;
      n++;
      li.textContent = e.label + " · " + clock(e.t);
      if (e.st === "bad") {
        li.className = "bad";
        li.append(" — " + o.dataset.bad + (e.msg ? ": " + e.msg : "") + " ");
        a = doc.createElement("a"); a.href = e.page; a.textContent = o.dataset.open;
        b = doc.createElement("button"); b.type = "button"; b.className = "link"; b.textContent = o.dataset.drop;
        b.onclick = function () { upd(x.k).then(list); };
        li.append(a, " · ", b);
      }
      ol.append(li);
    });
    o.hidden = !n;
    o.querySelector("summary").textContent = o.dataset.n.replace("{n}", n);
    return mine;
  }
  function bar(off) {
    var b = doc.getElementById("offline");
    if (!b) return;
    if (off && !b.dataset.kept) b.querySelector("time").textContent = clock(loadedAt); // a kept copy says its own time
    b.hidden = !off;
  }
  // "ready to use with no signal" once this page is kept on the phone
  async function ready() {
    var p = doc.getElementById("ready"), c = p && me && await kept();
    if (c) p.hidden = !(await c.match(location.pathname + location.search, {ignoreVary: true}));
  }
  // what a change is, in the person's words: the form's name and the button pressed
  function label(el, c) {
    var f = el.closest("form") || el, s = c.triggeringEvent && c.triggeringEvent.submitter;
    var b = s || f.querySelector("button"), p = f.querySelector && f.querySelector("input[type=file]");
    return [f.getAttribute("aria-label") || doc.title.split(" · ")[0], b && b.textContent.trim(),
      p && p.files[0] && p.files[0].name].filter(Boolean).join(" — ");
  }
  // a new submission token for a form sent to the outbox, so the next one is not taken for it
  function fresh() {
    var a = crypto.getRandomValues(new Uint8Array(18));
    return btoa(String.fromCharCode.apply(null, a)).replace(/\+/g, "-").replace(/\//g, "_");
  }
  // unsent: stopped before it left (no signal), so its token was never seen and a page
  // opened again from the phone's copy (the same token) cannot make it look like a repeat
  async function keep(d, unsent) {
    var c = d.requestConfig, el = d.elt, f = el.closest && el.closest("form"), hd = {}, k;
    var mp = f && (f.enctype === "multipart/form-data" || f.getAttribute("hx-encoding") === "multipart/form-data");
    if (!me || c.verb === "get") return false;
    if (unsent && c.formData.has("token")) c.formData.set("token", fresh());
    for (k in c.headers) if (/^HX-/i.test(k)) hd[k] = c.headers[k];
    var sw = el.closest("[hx-swap]"), key = f && f.dataset.draft ? "d:" + c.path : "", ch = [];
    // a draft: the boxes typed on this page, the only ones put back when it is reopened
    if (key) Array.from(f.elements).forEach(function (b) {
      if (b.name && b.type !== "hidden" && (b.options ? !b.options[b.selectedIndex] || !b.options[b.selectedIndex].defaultSelected : b.value !== b.defaultValue)) ch.push(b.name);
    });
    // a file goes into IndexedDB as it is (a Blob): the photo as the phone scaled it
    var e = {who: me, url: c.path, body: mp ? "" : new URLSearchParams(c.formData).toString(), hd: hd,
      parts: mp ? Array.from(c.formData.entries()) : null,
      t: Date.now(), page: location.pathname, tgt: d.target && d.target.id, key: key, ch: ch,
      swap: ((sw && sw.getAttribute("hx-swap")) || "innerHTML").split(" ")[0], label: label(el, c), st: "wait"};
    await tx(BOX, "readwrite", function (s) {
      // a draft is a snapshot: the newest replaces the one still waiting
      if (key) s.openCursor().onsuccess = function (ev) {
        var cur = ev.target.result;
        if (!cur) return s.add(e);
        if (cur.value.key === key && cur.value.who === me && cur.value.st === "wait") cur.delete();
        cur.continue();
      };
      else s.add(e);
    });
    if (d.target) d.target.classList.add("queued");
    var tk = f && !key && f.elements.token;
    if (tk) { f.reset(); tk.value = fresh(); }
    var sb = c.triggeringEvent && c.triggeringEvent.submitter;
    if (sb && sb.hasAttribute("aria-pressed")) {
      sb.parentNode.querySelectorAll("[aria-pressed]").forEach(function (x) { x.setAttribute("aria-pressed", x === sb); });
      // the row's badge shows the status chosen, marked as waiting to be sent
      var bd = d.target && d.target.querySelector(".ms-st");
      if (bd) { bd.className = "ms-st queued ms-" + sb.value; bd.textContent = sb.textContent.trim() + " · " + box().dataset.wait; }
    }
    var st = f && f.dataset.draft ? doc.getElementById("save-status") : doc.getElementById("messages");
    if (st) st.textContent = (f && f.dataset.offline) || box().dataset.kept;
    list();
    if (swReady) swReady.then(function (r) { return r.sync && r.sync.register("outbox"); }).catch(function () {});
    return true;
  }
  // a report form reopened: what was typed and still waits is put back in its boxes
  async function restore(mine) {
    var f = doc.querySelector("form[data-draft]"), e;
    if (!f) return;
    mine.forEach(function (x) { if (x.v.key === "d:" + f.getAttribute("hx-post")) e = x.v; });
    if (!e) return;
    // the text goes back with the version it was made on, so a save from here meets any
    // newer text on the server as a clash to settle side by side, never overwrites it
    new URLSearchParams(e.body).forEach(function (v, n) {
      var b = f.elements[n];
      if (b && (n === "version" || n === "draft_token" || (!e.ch || e.ch.indexOf(n) >= 0) &&
          /^(TEXTAREA|SELECT)$|^text$/i.test(b.tagName === "INPUT" ? b.type : b.tagName))) b.value = v;
    });
    var st = doc.getElementById("save-status");
    if (st) st.textContent = e.st === "wait" ? f.dataset.restored : box().dataset.bad + ": " + e.msg;
  }
  async function wipe() {
    var ks = await caches.keys();
    await Promise.all(ks.map(function (k) { return caches.delete(k); }));
    if (dbp) (await dbp).close();
    dbp = null;
    await new Promise(function (ok) { var r = indexedDB.deleteDatabase("thidua"); r.onsuccess = r.onerror = r.onblocked = ok; });
  }
  async function warm() {
    var w = await meta("warm");
    if (w && w.who === me && Date.now() - w.t < 6 * 36e5) return;
    var st = await state(), s = await caches.open("static");
    if (!st || !st.keep) return;
    // this page's stylesheet and scripts: from the HTTP cache, no request on the network
    for (var a of doc.querySelectorAll("link[rel=stylesheet],script[src]")) {
      var u = a.href || a.src;
      if (!(await s.match(u))) await s.put(u, await fetch(u, {cache: "force-cache"}));
    }
    var need = [], m, re = /<script src="(\/static\/[^"?]+\?v=[^"]+)"/g;
    for (var url of st.keep) {
      var r = await fetch(url, {credentials: "same-origin"});
      if (!r.ok || r.headers.get("X-Keep") !== me) continue;
      // a kept page's own script (the photo scaler) is kept too, though never opened here
      for (var t = await r.clone().text(); (m = re.exec(t));) need.push(m[1]);
      await keepPage(me, url, r);
    }
    for (u of need) if (!(await s.match(u))) await s.put(u, await fetch(u, {cache: "force-cache"}));
    await meta("warm", {who: me, t: Date.now()});
  }
  async function start() {
    var h = doc.querySelector("header[data-who]"), who = h && h.dataset.who;
    if (who === me) return;
    me = who;
    if (!me) return;
    var nav = S.navigator;
    if (nav.serviceWorker && !swReady) {
      nav.serviceWorker.register(doc.querySelector("script[src*='/sw.js']").src, {scope: "/", updateViaCache: "all"});
      swReady = nav.serviceWorker.ready;
      nav.serviceWorker.addEventListener("message", function (m) {
        if (m.data.e) shown(m.data.e, m.data.html); else say(m.data.signin);
      });
    }
    // another person's pages go as soon as this one is signed in
    for (var k of await caches.keys()) if (k.indexOf("p-") === 0 && k !== "p-" + me) await caches.delete(k);
    restore(await list() || []);
    ready();
    if (nav.onLine) { await flush(); setTimeout(function () { warm().then(ready).catch(function () {}); }, 3000); }
  }

  doc.addEventListener("htmx:beforeRequest", function (ev) {
    // no signal: kept at once rather than waiting for the request to fail
    if (!navigator.onLine && ev.detail.requestConfig.verb !== "get" && me) { ev.preventDefault(); keep(ev.detail, true); }
  });
  doc.addEventListener("htmx:sendError", function (ev) { keep(ev.detail); }); // maybe its answer was lost
  doc.addEventListener("htmx:afterRequest", function (ev) {
    // the person did again what was refused: it is settled, drop the kept one
    var c = ev.detail.requestConfig, f = ev.detail.elt.closest && ev.detail.elt.closest("form[data-draft]");
    var key = f && "d:" + f.getAttribute("hx-post");
    if (ev.detail.successful && c.verb !== "get" && me) {
      rekeep(me, location.pathname + location.search); // saved: the kept page follows
      all().then(function (xs) {
        return Promise.all(xs.filter(function (x) {
          return x.v.who === me && x.v.st === "bad" && (x.v.url === c.path || x.v.key === key);
        }).map(function (x) { return upd(x.k); }));
      }).then(list);
    }
  });
  doc.addEventListener("htmx:afterSettle", function (ev) {
    start();
    // a page opened by a boosted link: what waits for it goes back in its boxes
    var c = ev.detail.requestConfig;
    if (me && ev.detail.target === doc.body && c && c.verb === "get") list().then(function (m) { restore(m || []); ready(); });
  });
  doc.addEventListener("submit", async function (ev) {
    var f = ev.target, key = f.dataset.draft && "d:" + f.getAttribute("hx-post");
    // "Lưu nháp" or "Gửi" on a report form posts the whole page: the text it holds, with the
    // version it was made on, goes with it (a clash is answered side by side), so what
    // waited for this form is no longer to be put back
    if (key && me && navigator.onLine && !f.dataset.go) {
      ev.preventDefault();
      var xs = await all().catch(function () { return []; });
      await Promise.all(xs.filter(function (x) { return x.v.who === me && x.v.key === key; })
        .map(function (x) { return upd(x.k); }));
      f.dataset.go = 1;
      f.requestSubmit(ev.submitter);
      delete f.dataset.go;
      return;
    }
    if (!f.classList.contains("logout") || f.dataset.gone) return;
    ev.preventDefault(); ev.stopPropagation();
    var mine = await list() || [], o = box();
    if (mine.length && navigator.onLine) { await flush(); mine = await list() || []; }
    if (mine.length && !confirm(o.dataset.lose.replace("{n}", mine.length))) return;
    await wipe(); // the server's Clear-Site-Data says the same; this also covers an old browser
    f.dataset.gone = 1;
    f.submit();
  }, true);
  addEventListener("online", function () { bar(false); flush(); });
  // a phone's "online" event is not to be trusted: look again now and then (reads only IndexedDB)
  setInterval(function () { if (me && navigator.onLine) flush(); }, 15000);
  addEventListener("offline", function () { bar(true); });
  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", start); else start();
})(self);
