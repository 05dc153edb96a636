// Copy buttons beside short case ids (shown only where the browser can copy: scripts on, a
// secure context; with scripts off the id stays selectable text), and the names of the files
// a picker holds; the evidence viewer; the keyboard shortcuts of the staff's pages.
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
  // An image of the evidence opens large in a dialog over the case, tapped to zoom; with
  // scripts off its link opens the image itself.
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("a.evidence-image[data-viewer]");
    var dialog = link && document.getElementById(link.dataset.viewer);
    if (dialog && dialog.showModal) {
      e.preventDefault();
      var img = dialog.querySelector("img");
      img.src = link.getAttribute("href");
      img.alt = (link.querySelector("img") || {}).alt || "";
      img.classList.remove("zoomed");
      dialog.showModal();
      return;
    }
    if (e.target.matches && e.target.matches("dialog.viewer img")) { e.target.classList.toggle("zoomed"); }
  });
  // Keys for people who work a queue all day (listed under "?"); never while typing.
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tr[data-case]")); }
  function focusRow(step) {
    var all = rows(), here = document.activeElement && document.activeElement.closest("tr[data-case]");
    var i = all.indexOf(here), next = all[Math.max(0, Math.min(all.length - 1, i < 0 ? 0 : i + step))];
    var link = next && next.querySelector("a.title");
    if (link) { link.focus(); next.scrollIntoView({block: "nearest"}); }
  }
  var keys = {
    j: function () { focusRow(1); },
    k: function () { focusRow(-1); },
    x: function () {
      var row = document.activeElement && document.activeElement.closest("tr[data-case]");
      var box = row && row.querySelector("input[type=checkbox]");
      if (box) { box.checked = !box.checked; }
    },
    "/": function () { var s = document.querySelector("input[type=search]"); if (s) { s.focus(); } },
    r: function () { var t = document.querySelector("form[data-action=message] textarea"); if (t) { t.focus(); } },
    e: function () {
      var b = document.querySelector("section.actions > form button[type=submit]");
      var first = b && b.form.querySelector("input:not([type=hidden]), select, textarea");
      if (first || b) { (first || b).focus(); }
    },
    m: function () {
      var more = document.querySelector("section.actions details.more");
      if (more) { more.open = true; more.querySelector("summary").focus(); }
    },
    "?": function () { var d = document.getElementById("shortcuts"); if (d && d.showModal && !d.open) { d.showModal(); } }
  };
  document.addEventListener("keydown", function (e) {
    var t = e.target, typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    if (typing || e.ctrlKey || e.metaKey || e.altKey || !keys[e.key] || document.querySelector("dialog[open]")) {
      return;
    }
    e.preventDefault();
    keys[e.key]();
  });
  // A policy template adds its clause to the policy as it stands in the editor, edits included.
  document.addEventListener("submit", function (e) {
    var editor = document.querySelector("form[data-action=policy] textarea[name=policy]");
    var kept = e.target.matches && e.target.matches("form.template") && e.target.querySelector("input[name=policy]");
    if (editor && kept) { kept.value = editor.value; }
  }, true);
  // A quick phrase picked goes into its field at the cursor, and the picker is left empty so
  // that the form does not send it a second time (without scripts the server adds it).
  document.addEventListener("change", function (e) {
    var pick = e.target;
    if (!pick.matches || !pick.matches("select[data-phrase-for]") || !pick.value) { return; }
    var field = pick.form && pick.form.elements[pick.dataset.phraseFor];
    if (field) {
      var at = field.selectionStart == null ? field.value.length : field.selectionStart;
      var end = field.selectionEnd == null ? at : field.selectionEnd;
      var before = field.value.slice(0, at), gap = before && !/\s$/.test(before) ? " " : "";
      field.value = before + gap + pick.value + field.value.slice(end);
      field.focus();
      var caret = (before + gap + pick.value).length;
      if (field.setSelectionRange) { field.setSelectionRange(caret, caret); }
    }
    pick.value = "";
  });
  document.addEventListener("DOMContentLoaded", function () { arm(document); });
  document.addEventListener("htmx:afterSettle", function (e) { arm(e.target); });
})();
