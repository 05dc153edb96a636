// Live countdowns: every <time class="countdown" datetime="…"> is rewritten each 30 s in
// the page's language, the same words the server wrote (which stand when scripts are off).
(function () {
  function span(ms, zh) {
    var m = Math.floor(Math.abs(ms) / 60000), d = Math.floor(m / 1440), h = Math.floor((m % 1440) / 60), mi = m % 60;
    var parts = zh ? [d ? d + " 天" : "", h ? h + " 小时" : "", !d && mi ? mi + " 分钟" : ""]
                   : [d ? d + " d" : "", h ? h + " h" : "", !d && mi ? mi + " min" : ""];
    var s = parts.filter(Boolean).join(" ");
    return s || (zh ? "不到 1 分钟" : "under a minute");
  }
  function tick() {
    var now = Date.now(), skew = window.__asSkew || 0;
    document.querySelectorAll("time.countdown").forEach(function (el) {
      var ms = Date.parse(el.getAttribute("datetime")) - (now + skew), zh = el.dataset.lang !== "en";
      var s = span(ms, zh);
      el.textContent = ms >= 0 ? (zh ? "还剩 " + s : s + " left") : (zh ? "已超时 " + s : "overdue by " + s);
      el.classList.toggle("overdue", ms < 0);
      el.classList.toggle("soon", ms >= 0 && ms < 86400000);  // under 24 h: amber
    });
  }
  // The server's clock may be a test clock: the page carries its "now" and we count from it.
  function sync() {
    var at = document.body && document.body.dataset.now;
    if (at) { window.__asSkew = Date.parse(at) - Date.now(); }
  }
  document.addEventListener("DOMContentLoaded", function () { sync(); tick(); setInterval(tick, 30000); });
  document.addEventListener("htmx:afterSettle", function () { sync(); tick(); });
})();
