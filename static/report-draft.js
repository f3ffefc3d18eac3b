// Report drafts survive a bad link: kept in localStorage, put back, re-sent (htmx won't).
(function(){
  var f, key, tok, st, at = 0, p, ls = localStorage, d = document;
  function ver() { return f.querySelector("[name=version]").value; }
  function bx() { return f.querySelectorAll("textarea,select,input[type=text]"); }
  function read() { try { return JSON.parse(ls.getItem(key)); } catch (e) { return null; } }
  function keep() {
    var v = {};
    bx().forEach(function(b) { v[b.name] = b.value; });
    try { ls.setItem(key, JSON.stringify({t: Date.now(), b: ver(), k: tok, v: v})); } catch (e) {}
  }
  function resend() { p = false; if (d.body.contains(f)) f.dispatchEvent(new Event("draft-resend")); }
  function rm() { ls.removeItem(key); }
  function on(e, h) { f.addEventListener(e, h); }
  function init() {
    var g = d.querySelector("form[data-draft]:not([data-ready])"), s, n = 0;
    if (!g) return;
    f = g; f.dataset.ready = 1; key = "draft:" + f.dataset.draft; s = read();
    tok = f.querySelector("[name=draft_token]").value; st = d.getElementById("save-status");
    // same version: nothing saved since; same token: our last answer got lost
    if (s && s.v && (s.b === ver() || (s.k && s.k === f.dataset.lastToken)))
      bx().forEach(function(b) { if (b.name in s.v && s.v[b.name] !== b.value) { b.value = s.v[b.name]; n++; } });
    if (n) { st.textContent = f.dataset.restored; keep(); p = true; setTimeout(resend, 50); }
    else if (s) rm();
    on("input", keep);
    on("htmx:beforeRequest", function(){ at = Date.now(); });
    on("htmx:afterRequest", function(e) { var s = read(); if (e.detail.successful && s && s.t <= at) rm(); });
    on("htmx:sendError", function(){ p = true; st.textContent = f.dataset.offline; });
  }
  addEventListener("online", function(){ if (p) resend(); });
  setInterval(function(){ if (p && navigator.onLine) resend(); }, 15000);
  d.addEventListener("htmx:load", init);
  d.addEventListener("DOMContentLoaded", function(){ setTimeout(init, 0); });
})();
