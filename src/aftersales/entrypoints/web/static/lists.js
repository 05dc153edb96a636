// Copy buttons beside short case ids (shown only where the browser can copy: scripts on, a
// secure context; with scripts off the id stays selectable text), and the names of the files
// a picker holds.
(function () {
  function arm(root) {
    if (!navigator.clipboard) { return; }
    root.querySelectorAll("button.copy[data-copy]").forEach(function (b) {
      if (b.dataset.armed) { return; }
      b.dataset.armed = "1";
      b.hidden = false;
      b.addEventListener("click", function () {
        var was = b.textContent;
        navigator.clipboard.writeText(b.dataset.copy).then(function () {
          b.textContent = document.documentElement.lang === "en" ? "Copied" : "已复制";
          setTimeout(function () { b.textContent = was; }, 1500);
        });
      });
    });
  }
  // The names of the files chosen, beside the picker (the browser's own words are hidden).
  document.addEventListener("change", function (e) {
    var input = e.target;
    if (!input.classList || !input.classList.contains("file-input")) { return; }
    var out = input.closest(".file-pick").querySelector(".file-names");
    out.textContent = Array.prototype.map.call(input.files, function (f) { return f.name; }).join(", ");
  });
  document.addEventListener("DOMContentLoaded", function () { arm(document); });
  document.addEventListener("htmx:afterSettle", function (e) { arm(e.target); });
})();
