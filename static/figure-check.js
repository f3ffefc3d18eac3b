// Issue 16: the year-to-date and the checks of a figure, live as it is typed (the server
// says the same on "Lưu nháp" and refuses to send an unconfirmed flag; this only helps).
(function(){
  var d = document, f = d.getElementById("report-form");
  if (!f) return;
  function num(s) {
    s = s.trim();
    if (!/^-?[0-9.]+(,[0-9]+)?$/.test(s)) return null;
    return parseFloat(s.replace(/\./g, "").replace(",", "."));
  }
  function vn(x) {
    var p = (Math.round(x * 1e4) / 1e4).toString().split(".");
    return p[0].replace(/\B(?=(\d{3})+(?!\d))/g, ".") + (p[1] ? "," + p[1] : "");
  }
  function say(m, o) { for (var k in o) m = m.split("{" + k + "}").join(o[k]); return m; }
  f.addEventListener("input", function(e) {
    var box = e.target, fs = box.closest("fieldset.figure"), ck = fs && fs.querySelector(".checks");
    if (!ck || !/^v_/.test(box.name)) return;
    var v = num(box.value), y = fs.querySelector(".ytd"), ds = f.dataset, c = ck.dataset, out = [];
    // the indicator's plausible bounds (the office's, or the semantics'), flows and levels
    if (v !== null && ((c.l && v < +c.l) || (c.h && v > +c.h)))
      out.push(say(ds.mb, {l: c.l ? vn(+c.l) : "…", h: c.h ? vn(+c.h) : "…"}));
    if (y) {
      var b = +y.dataset.b, t = +y.dataset.t, a = b + (v || 0);
      y.querySelector("output").textContent = vn(a);
      if (t && y.querySelector("span")) y.querySelector("span").textContent = vn(Math.round(a / t * 1000) / 10);
      if (v !== null) {
        if (y.dataset.hh && (v < +y.dataset.hl || v > +y.dataset.hh))
          out.push(say(ds.mh, {l: vn(+y.dataset.hl), h: vn(+y.dataset.hh)}));
        if (b > 0 && v >= b * 0.9) out.push(say(ds.my, {b: vn(b)}));
        if (t && a > t * (1 + y.dataset.o / 100)) out.push(say(ds.mo, {y: vn(a), t: vn(t), p: y.dataset.o}));
      }
    }
    ck.innerHTML = out.map(function(m) { return "<li>" + m.replace(/[<&]/g, "") + "</li>"; }).join("");
  });
})();
