// Issue 21: a photo is scaled (longest side ≤ data-side px) and re-encoded as JPEG (about
// ≤ data-bytes) on the phone before it is sent, and the upload shows its progress. Without
// this script the plain file input works and the server scales the photo the same way.
(function(){
  var d = document;
  if (window.evidenceReady) return;  // a page reached by a boosted link runs it again
  window.evidenceReady = true;
  function shrink(file, side, max, done) {
    var img = new Image(), url = URL.createObjectURL(file);
    img.onload = function() {
      URL.revokeObjectURL(url);
      var k = Math.min(1, side / Math.max(img.naturalWidth, img.naturalHeight));
      var c = d.createElement("canvas");
      c.width = Math.round(img.naturalWidth * k); c.height = Math.round(img.naturalHeight * k);
      var g = c.getContext("2d");
      g.fillStyle = "#fff"; g.fillRect(0, 0, c.width, c.height);  // no black behind a PNG's holes
      g.drawImage(img, 0, 0, c.width, c.height);
      (function pass(q) {
        c.toBlob(function(b) {
          if (b && b.size > max && q > 0.45) return pass(q - 0.12);
          done(b && b.size < file.size ? b : null);
        }, "image/jpeg", q);
      })(0.82);
    };
    img.onerror = function() { URL.revokeObjectURL(url); done(null); };
    img.src = url;
  }
  d.addEventListener("change", function(e) {
    var box = e.target, form = box.form, file = box.files && box.files[0];
    if (!form || !form.classList.contains("ev-add") || !file || !/^image\/(jpeg|png|webp)$/.test(file.type)) return;
    var button = form.querySelector("button");
    button.disabled = true;
    shrink(file, +form.dataset.side, +form.dataset.bytes, function(b) {
      button.disabled = false;
      if (!b || !window.DataTransfer) return;
      var t = new DataTransfer();
      t.items.add(new File([b], file.name.replace(/\.[^.]*$/, "") + ".jpg", {type: "image/jpeg"}));
      box.files = t.files;
    });
  });
  d.addEventListener("htmx:xhr:progress", function(e) {
    var bar = e.target.querySelector && e.target.querySelector(".ev-add progress");
    if (!bar || !e.detail.lengthComputable) return;
    bar.hidden = false;
    bar.value = Math.round(e.detail.loaded / e.detail.total * 100);
  });
})();
