/*
 * The dashboard's charts, drawn with ECharts (from npm, served by the portal) from the
 * data each chart's <script type="application/json"> holds (json_script: no inline
 * code). The page already shows every figure in a table; the charts only add a picture,
 * so without JavaScript (or ECharts) nothing is lost.
 *
 * A hidden (suppressed) count arrives as null: a gap in a line, no bar, never a number.
 * Series are told apart by decal patterns as well as colour (ECharts' aria), and the
 * chart's element gets ECharts' generated description.
 */
(function () {
  "use strict";
  var echarts = window.echarts;
  if (!echarts) return;

  // A palette that stays apart for the common colour-vision deficiencies (Okabe–Ito).
  var PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
    "#000000", "#F0E442", "#6b6b6b", "#7a4f9a"];
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var charts = [];

  function readData(figure) {
    var script = document.getElementById(figure.dataset.source);
    return script ? JSON.parse(script.textContent) : null;
  }

  function hiddenLabel(figure) {
    return figure.dataset.hiddenLabel || "—";
  }

  function formatValue(figure, value) {
    if (value === null || value === undefined || value === "-") return "— (" + hiddenLabel(figure) + ")";
    return Number(value).toLocaleString(document.documentElement.lang || undefined);
  }

  function base(figure) {
    return {
      color: PALETTE,
      animation: !reduceMotion,
      aria: { enabled: true, decal: { show: true } },
      textStyle: { fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif" },
      tooltip: {
        confine: true,
        valueFormatter: function (value) { return formatValue(figure, value); }
      }
    };
  }

  function narrow() {
    return window.innerWidth < 640;
  }

  function cartesian(figure, data) {
    var horizontal = !!data.horizontal;
    var category = {
      type: "category",
      data: data.categories,
      axisLabel: { hideOverlap: true },
      inverse: horizontal
    };
    var value = { type: "value", minInterval: 1, name: data.valueName || "", nameLocation: "end" };
    var option = base(figure);
    option.tooltip.trigger = "axis";
    option.legend = { type: "scroll", top: 0, show: data.series.length > 1 };
    option.grid = { left: 8, right: 16, bottom: 8, top: data.series.length > 1 ? 40 : 24, containLabel: true };
    option.xAxis = horizontal ? value : category;
    option.yAxis = horizontal ? category : value;
    option.series = data.series.map(function (series) {
      return {
        name: series.name,
        type: data.type === "line" ? "line" : "bar",
        stack: data.stacked ? "total" : undefined,
        // "-" is ECharts' own mark of a missing value: a gap, not a zero.
        data: series.data.map(function (v) { return v === null ? "-" : v; }),
        connectNulls: false,
        showSymbol: data.type === "line",
        symbolSize: 5,
        emphasis: { focus: "series" }
      };
    });
    if (data.type === "line" && data.categories.length > 12) {
      option.dataZoom = [{ type: "inside" }];
    }
    return option;
  }

  function sankey(figure, data) {
    var option = base(figure);
    option.tooltip.trigger = "item";
    option.series = [{
      type: "sankey",
      data: data.nodes,
      links: data.links,
      nodeAlign: "justify",
      layoutIterations: 32,
      orient: narrow() ? "vertical" : "horizontal",
      label: { fontSize: 11 },
      lineStyle: { color: "gradient", opacity: 0.45 },
      emphasis: { focus: "adjacency" },
      left: 8, right: narrow() ? 8 : 120, top: 8, bottom: narrow() ? 48 : 8
    }];
    return option;
  }

  function draw(figure) {
    var data = readData(figure);
    var target = figure.querySelector("[data-chart-canvas]");
    if (!data || !target || data.empty) return;
    // The box has its height once marked drawn (empty without JavaScript): mark it first,
    // ECharts measures it.
    figure.classList.add("is-drawn");
    var chart = echarts.init(target, null, { renderer: "svg" });
    chart.setOption(data.type === "sankey" ? sankey(figure, data) : cartesian(figure, data));
    // With the chart drawn, its table folds away (open by default: pages without
    // JavaScript show it).
    var panel = figure.closest("[data-panel]");
    var table = panel && panel.querySelector("[data-table-view]");
    if (table) table.removeAttribute("open");
    charts.push({ chart: chart, figure: figure, data: data });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), draw);

  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      charts.forEach(function (entry) {
        if (entry.data.type === "sankey") entry.chart.setOption(sankey(entry.figure, entry.data));
        entry.chart.resize();
      });
    }, 150);
  });
})();
