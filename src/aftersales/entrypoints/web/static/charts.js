// The operator's charts: each <div class="chart" data-chart="ID"> draws the JSON in
// <script type="application/json" id="ID">; the table beside it says the same without scripts.
// ECharts (half a megabyte) is fetched only on a page that has a chart, also when htmx swapped
// the page in rather than the browser loading it.
(function () {
  var SRC = "/static/web/echarts-6.1.0.simple.min.js";
  function draw(el) {
    if (el.dataset.drawn) { return; }
    el.dataset.drawn = "1";
    var data = JSON.parse(document.getElementById(el.dataset.chart).textContent);
    var chart = echarts.init(el);
    chart.setOption({
      grid: { left: 48, right: 16, top: 16, bottom: 64 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.labels, axisLabel: { rotate: data.labels.length > 8 ? 40 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: data.kind || "bar", data: data.values, itemStyle: { color: "#0b5cad" } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function all() {
    var charts = document.querySelectorAll(".chart");
    if (!charts.length) { return; }
    if (window.echarts) { charts.forEach(draw); return; }
    var s = document.createElement("script");
    s.src = SRC;
    s.onload = function () { document.querySelectorAll(".chart").forEach(draw); };
    document.head.appendChild(s);
  }
  document.addEventListener("DOMContentLoaded", all);
  document.addEventListener("htmx:afterSettle", all);
})();
