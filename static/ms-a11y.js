// A milestone's row came back from the server (a status tap): the swap removed the button
// that had the focus, so put the keyboard back on the row's pressed one and say what
// changed in the live region.
document.addEventListener("htmx:load", function (e) {
  var row = e.detail.elt;
  if (!row.classList || !row.classList.contains("ms")) return;
  if (document.activeElement && document.activeElement !== document.body) return;
  var pressed = row.querySelector('button[aria-pressed="true"]'), title = row.querySelector("strong");
  if (!pressed) return;
  pressed.focus();
  var say = document.getElementById("ms-said");
  if (say && title) say.textContent = title.textContent + ": " + pressed.textContent;
});
