// Copy buttons beside short case ids: shown only where the browser can copy (scripts on, a
// secure context); with scripts off the id stays selectable text.
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
  document.addEventListener("DOMContentLoaded", function () { arm(document); });
  document.addEventListener("htmx:afterSettle", function (e) { arm(e.target); });
})();
