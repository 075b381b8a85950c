// Draws every <figure data-chart="/api/..."> with Chart.js from its JSON endpoint (the shape of
// contracts/charts.py), keeps the figure's table in step with it (the table is "Show data" and what
// screen readers read; the canvas is hidden from them), and opens the filtered list behind a bar on
// click. A figure with data-live is fetched again when live.js says its topic changed.
(() => {
  if (!window.Chart) return;
  const COLORS = {
    Emergency: "#dc2626", Critical: "#ea580c", Prepare: "#2563eb", Monitor: "#64748b",
    high: "#dc2626", medium: "#f59e0b", low: "#94a3b8", within: "#4f46e5", over: "#dc2626",
    renewed: "#16a34a", expanded: "#2563eb", churned: "#dc2626", other: "#94a3b8",
    succeeded: "#16a34a", failed: "#dc2626", killed: "#7f1d1d", budget_paused: "#f59e0b", skipped: "#94a3b8",
    running: "#4f46e5", waiting_approval: "#a855f7", budget: "#dc2626", sms: "#0891b2", email: "#7c3aed",
    sent: "#16a34a", queued: "#94a3b8", approved: "#16a34a", partially_approved: "#84cc16", rejected: "#f59e0b",
    denied: "#dc2626", expired: "#94a3b8", risk: "#dc2626", health: "#16a34a", active_users: "#4f46e5",
    licensed: "#94a3b8", dropped: "#dc2626", "1m": "#c7d2fe", "1h": "#818cf8", "1d": "#4f46e5", "1w": "#3730a3",
    more: "#1e1b4b",
  };
  // Events on a line chart (contracts/charts.py Marker): a point of their own shape on the line.
  const MARKERS = {
    signal: { label: "Signals", color: "#a855f7", style: "triangle" },
    step: { label: "Steps completed", color: "#0891b2", style: "circle" },
    outcome: { label: "Outcomes", color: "#111827", style: "rectRot" },
  };
  const PALETTE = ["#4f46e5", "#0891b2", "#16a34a", "#f59e0b", "#db2777", "#7c3aed", "#64748b", "#ea580c"];
  const colorOf = (key, i) => COLORS[key] || PALETTE[i % PALETTE.length];
  const money = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 });
  const short = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
  const cents = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 2 });
  const format = (unit, v) => {
    if (v === null || v === undefined) return "—";
    if (unit === "usd") return Math.abs(v) < 100 && v % 1 ? cents.format(v) : money.format(v);
    return unit === "hours" ? `${v.toFixed(1)} h` : String(Math.round(v));
  };
  const tick = (unit, v) => (unit === "usd" ? (v && v < 100 ? cents.format(v) : `$${short.format(v)}`) : short.format(v));
  const linkOf = (data, index, series) => data.link && data.link
    .replace("{key}", encodeURIComponent(data.keys[index]))
    .replace("{series}", encodeURIComponent(series.key));

  // A line among bars is a reference (a budget): dashed, drawn over them, never stacked onto them.
  // In a chart of lines alone, each line is data: solid, with its points, gaps where there is no value.
  const lineStyle = (data, i) => (data.series.some((s) => s.kind === "bar")
    ? { stack: `line-${i}`, borderDash: [6, 4], pointRadius: 0, borderWidth: 2, order: 0 }
    : { pointRadius: 3, borderWidth: 2, spanGaps: Boolean(data.series[i].join_gaps), order: 1 });

  const markerSets = (data) => Object.entries(MARKERS).flatMap(([kind, m]) => {
    const points = (data.markers || []).filter((k) => k.kind === kind)
      .map((k) => ({ x: data.labels[k.index], y: k.value, text: k.text }));
    return points.length ? [{
      type: "line", label: m.label, data: points, showLine: false, pointStyle: m.style, pointRadius: 7,
      pointHoverRadius: 9, backgroundColor: m.color, borderColor: "#fff", borderWidth: 1, order: 0, marker: true,
    }] : [];
  });

  const config = (data) => {
    const value = data.horizontal ? "x" : "y";
    const category = data.horizontal ? "y" : "x";
    return {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map((s, i) => ({
          type: s.kind,
          label: s.name,
          data: s.values,
          backgroundColor: colorOf(s.key, i),
          borderColor: colorOf(s.key, i),
          ...(s.kind === "bar" ? { order: 1 } : lineStyle(data, i)),
        })).concat(markerSets(data)),
      },
      options: {
        indexAxis: category,
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          [category]: { stacked: data.stacked, grid: { display: false }, ticks: { autoSkip: true, maxRotation: 0 } },
          [value]: { stacked: data.stacked, beginAtZero: true, max: data.max_value ?? undefined, ticks: { precision: 0, callback: (v) => tick(data.unit, v) } },
        },
        plugins: {
          // In the order of the data (lines, then the events), not the drawing order.
          legend: { position: "bottom", labels: { boxWidth: 12, boxHeight: 12, sort: (a, b) => a.datasetIndex - b.datasetIndex } },
          tooltip: { callbacks: { label: (ctx) => (ctx.dataset.marker ? ctx.raw.text
            : `${ctx.dataset.label}: ${format(data.unit, ctx.parsed[value])}`) } },
        },
        onClick: (_event, elements) => {
          const hit = elements[0];
          const series = hit && data.series[hit.datasetIndex];
          const href = series && series.kind === "bar" && linkOf(data, hit.index, series);
          if (href) window.location.assign(href);
        },
        onHover: (event, elements) => {
          event.native.target.style.cursor = elements.length && data.link ? "pointer" : "default";
        },
      },
    };
  };

  // The table, rebuilt from the same JSON as the chart (text only: nothing from the data becomes markup).
  const fillTable = (figure, data) => {
    const row = (cells) => { const tr = document.createElement("tr"); cells.forEach((c) => tr.append(c)); return tr; };
    const cell = (tag, text, href, scope) => {
      const el = document.createElement(tag);
      if (scope) el.scope = scope;
      if (href) { const a = document.createElement("a"); a.href = href; a.textContent = text; el.append(a); } else el.textContent = text;
      return el;
    };
    const head = figure.querySelector("thead");
    const body = figure.querySelector("tbody");
    head.replaceChildren(row([data.category, ...data.series.map((s) => s.name)].map((t) => cell("th", t, null, "col"))));
    // Where lines join across gaps, a label without any value is no row of data (contracts/charts.py rows).
    const joined = data.series.some((s) => s.join_gaps);
    const rows = data.labels.map((label, i) => [label, i])
      .filter(([, i]) => !joined || data.series.some((s) => s.values[i] !== null));
    body.replaceChildren(...rows.map(([label, i]) => row([
      cell("th", label, null, "row"),
      ...data.series.map((s) => cell("td", format(data.unit, s.values[i]), s.kind === "bar" && s.values[i] ? linkOf(data, i, s) : null)),
    ])));
    figure.querySelector(".chart-summary").textContent = data.summary;
    figure.querySelector(".chart-markers")?.remove();
    if ((data.markers || []).length) {
      const list = document.createElement("ol");
      list.className = "chart-markers small";
      list.append(...data.markers.map((m) => {
        const li = document.createElement("li");
        const at = document.createElement("span");
        li.className = `marker-${m.kind}`;
        at.className = "marker-at";
        at.textContent = data.labels[m.index];
        li.append(at, ` ${m.text}`);
        return li;
      }));
      figure.querySelector(".chart-table").append(list);
    }
  };

  const sized = (figure, data) => {
    // Horizontal bars need room per row; vertical charts keep one height so the grid lines up.
    if (data.horizontal) figure.querySelector(".chart-canvas").style.height = `${Math.max(180, 30 * data.labels.length + 70)}px`;
  };

  const charts = new WeakMap();
  const draw = async (figure) => {
    const response = await fetch(figure.dataset.chart, { headers: { Accept: "application/json" } });
    if (!response.ok) { figure.dataset.chartState = `error-${response.status}`; return; }
    const data = await response.json();
    sized(figure, data);
    const existing = charts.get(figure);
    if (existing) {
      existing.data = config(data).data;
      existing.options = config(data).options;
      existing.update();
      fillTable(figure, data);
    } else {
      charts.set(figure, new window.Chart(figure.querySelector("canvas"), config(data)));
    }
    figure.dataset.chartState = "drawn"; // for tests and styles: the chart is on screen
  };

  const toggle = (figure) => {
    const button = figure.querySelector(".chart-toggle");
    const table = figure.querySelector(".chart-table");
    const show = (open) => {
      table.classList.toggle("sr-only", !open); // hidden from the eye only: screen readers always read it
      button.setAttribute("aria-expanded", String(open));
      button.textContent = open ? "Hide data" : "Show data";
    };
    button.hidden = false;
    show(false);
    button.addEventListener("click", () => show(button.getAttribute("aria-expanded") !== "true"));
  };

  // Figures on the page at load, and those htmx swaps in later (a section that re-fetches itself).
  const start = (root = document) => root.querySelectorAll("figure[data-chart]:not([data-chart-state])").forEach((figure) => {
    figure.dataset.chartState = "loading";
    toggle(figure);
    figure.addEventListener("live", () => draw(figure));
    draw(figure);
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => start());
  else start();
  document.addEventListener("htmx:load", (event) => start(event.detail.elt));
})();
