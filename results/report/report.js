// The page of `sweep report`: draws the data that the sweep binary computed (the JSON in
// script#sweep-data; fields in docs/commands.md) with the embedded plotly.js. Nothing is fetched.
// When every plot has been drawn, body gets data-state="done", data-plots (plots made),
// data-drawn (plots drawn), data-images (gallery images loaded) and data-errors (see
// errors.js); the tests read them.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("sweep-data").textContent);
  const root = document.getElementById("report");
  const metric = data.metric.name;
  const higher = data.metric.higher_is_better;
  const config = { displaylogo: false, responsive: true };
  const pending = [];
  const palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                   "#7f7f7f", "#bcbd22", "#17becf"];
  let made = 0;
  let drawn = 0;

  // --- small DOM helpers (text only: no value from the file is parsed as HTML) ---
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    for (const c of children) e.append(c instanceof Node ? c : String(c));
    return e;
  }
  function section(title, note) {
    root.append(el("h2", {}, title));
    if (note) root.append(el("p", { class: "note" }, note));
  }
  function fmt(v, digits) {
    return v === null || v === undefined ? "—" : Number(v).toFixed(digits === undefined ? 4 : digits);
  }
  function duration(s) {
    if (s === null || !isFinite(s)) return "—";
    if (s < 60) return s.toFixed(1) + " s";
    if (s < 3600) return (s / 60).toFixed(1) + " min";
    return (s / 3600).toFixed(2) + " h";
  }
  function table(head, rows, numeric) {
    const t = el("table");
    t.append(el("tr", {}, ...head.map((h) => el("th", {}, h))));
    for (const r of rows) {
      t.append(el("tr", {}, ...r.map((c, i) => el("td", numeric && numeric[i] ? { class: "num" } : {}, c))));
    }
    return t;
  }
  // A plot container (`height` in pixels, or the style sheet's); `draw(div)` returns Plotly's
  // promise. Counted for the rendered marker.
  function plot(parent, cls, draw, height) {
    const div = el("div", { class: "plot " + (cls || "") });
    if (height) div.style.height = height + "px";
    parent.append(div);
    made++;
    pending.push(
      Promise.resolve()
        .then(() => draw(div))
        .then(() => {
          div.setAttribute("data-drawn", "1");
          drawn++;
        })
    );
    return div;
  }
  function numericKey(key) {
    return data.effects[key].every((g) => g.value !== "" && isFinite(Number(g.value)));
  }
  // A key sampled log-uniformly, or whose values span a decade or more, is drawn on log axes.
  function logSpaced(values, key) {
    if (key !== undefined && data.log_keys.includes(key)) return true;
    const v = values.map(Number);
    const lo = Math.min(...v);
    const hi = Math.max(...v);
    return lo > 0 && hi / lo >= 10;
  }
  const byId = new Map(data.trials.map((t) => [t.id, t]));
  const ranked = data.trials.filter((t) => t.metric !== null);

  // --- header and summary ---
  root.append(el("h1", {}, data.title));
  root.append(
    el("p", { class: "sub" },
      "generated " + new Date(data.generated_unix * 1000).toISOString().replace("T", " ").slice(0, 19) +
      " UTC from " + data.files.length + " file(s); ranked by " + metric +
      (higher ? " (higher is better)" : " (lower is better)"))
  );
  const files = table(["file", "shard", "grid", "data set", "rows", "sweep version"],
    data.files.map((f) => [f.path, f.shard || "—", f.grid, f.dataset, f.rows, f.version]));
  files.className = "files";
  root.append(files);

  const s = data.summary;
  const bars = data.timeline.bars;
  const span = bars.length ? Math.max(...bars.map((b) => b.end)) : null;
  const cards = el("div", { class: "cards" });
  const card = (k, v) => cards.append(el("div", { class: "card" }, el("div", { class: "v" }, v), el("div", { class: "k" }, k)));
  card("trials", s.trials);
  card("ok", s.ok);
  card("failed", s.failed);
  card("diverged", s.diverged);
  if (s.pruned) card("pruned", s.pruned);
  card("training time (sum)", duration(s.trial_seconds));
  card("core-hours", (s.core_seconds / 3600).toFixed(2));
  card("epochs trained", s.epochs);
  card("first start to last end", duration(span));
  card("best " + metric, data.best ? fmt(data.best.metric) : "—");
  if (data.best && metric !== "test_acc" && data.best.test_acc !== null) {
    card("its test_acc (held-out estimate)", fmt(data.best.test_acc));
  }
  root.append(el("h2", {}, "Summary"), cards);
  if (data.metric.selection_note) {
    root.append(el("p", { class: data.metric.on_test ? "note warn" : "note" }, data.metric.selection_note));
  }
  if (data.best) {
    const p = Object.entries(data.best.params).map(([k, v]) => k + " = " + v).join(", ");
    root.append(el("p", {}, "Best trial ", el("code", {}, data.best.id), p ? ": " + p : " (no key was swept)"));
  } else {
    root.append(el("p", { class: "note" }, "No finished trial has a value of " + metric + "."));
  }

  // --- top trials ---
  section("Top " + data.top.length + " trials", data.top.length ? "" : "No finished trials to rank.");
  if (data.top.length) {
    const shown = ["val_acc", "test_acc", "macro_f1"].filter((m) => m !== metric);
    const head = ["#", "trial"].concat(data.keys, [metric], shown, ["epochs", "seconds"]);
    const rows = data.top.map((id, i) => {
      const t = byId.get(id);
      return [i + 1, el("code", {}, id)].concat(
        data.keys.map((k) => t.params[k]), [fmt(t.metric)], shown.map((m) => fmt(t[m])),
        [t.epochs, fmt(t.seconds, 1)]);
    });
    const numeric = head.map((h, i) => i >= 2 + data.keys.length);
    root.append(table(head, rows, numeric));
  }

  // --- the metric against each swept key ---
  section(metric + " against each swept key",
    !data.keys.length ? "No key takes more than one value in these files."
      : !ranked.length ? "No finished trial has a value of " + metric + "."
      : "Each dot is a finished trial; the lines join the best and the mean (± one standard deviation) per value.");
  const effects = el("div", { class: "grid2" });
  root.append(effects);
  for (const key of ranked.length ? data.keys : []) {
    const groups = data.effects[key].filter((g) => g.ranked > 0);
    const numeric = numericKey(key);
    const xs = (v) => (numeric ? Number(v) : v);
    const axis = { title: key };
    if (numeric && logSpaced(data.effects[key].map((g) => g.value), key)) axis.type = "log";
    if (!numeric) { axis.type = "category"; axis.categoryarray = data.effects[key].map((g) => g.value); }
    plot(effects, "", (div) => Plotly.newPlot(div, [
      { type: "scatter", mode: "markers", name: "trials", x: ranked.map((t) => xs(t.params[key])),
        y: ranked.map((t) => t.metric), text: ranked.map((t) => t.id), marker: { size: 7, opacity: 0.55 } },
      { type: "scatter", mode: "lines+markers", name: "best", x: groups.map((g) => xs(g.value)), y: groups.map((g) => g.best) },
      { type: "scatter", mode: "lines+markers", name: "mean", x: groups.map((g) => xs(g.value)), y: groups.map((g) => g.mean),
        error_y: { type: "data", array: groups.map((g) => g.sd), visible: true, thickness: 1 } },
    ], { title: { text: metric + " by " + key, x: 0.01, xanchor: "left" }, xaxis: axis, yaxis: { title: metric },
         margin: { t: 40, r: 10, b: 50, l: 60 }, legend: { orientation: "h", y: -0.25 } }, config));
  }

  // --- the search as it went: best so far against trials and against time ---
  const hist = data.history;
  const tpe = hist.search === "tpe";
  section("Search history",
    !hist.points.some((p) => p.metric !== null) ? "No finished trial has a value of " + metric + "."
      : "Each dot is a finished trial in the order trials finished; the line is the best " + metric +
        " so far." + (tpe ? " Orange: trials TPE suggested (started once " + hist.startup_trials +
        " trials had finished); grey: the random startup trials." : ""));
  if (hist.points.some((p) => p.metric !== null)) {
    const pts = hist.points;
    const best = [];
    let b = null;
    for (const p of pts) {
      if (p.metric !== null && (b === null || (higher ? p.metric > b : p.metric < b))) b = p.metric;
      best.push(b);
    }
    const history = el("div", { class: "grid2" });
    root.append(history);
    for (const [xname, xs] of [["trials finished", pts.map((p, i) => i + 1)],
                               ["seconds since the first trial started", pts.map((p) => p.end)]]) {
      const traces = [];
      const groups = tpe ? [["startup", "random (startup)", "#a0aec0"], ["model", "suggested by TPE", "#dd6b20"]]
                         : [[undefined, "trials", "#2b6cb0"]];
      for (const [phase, name, color] of groups) {
        const idx = pts.map((p, i) => i).filter((i) => pts[i].metric !== null && pts[i].phase === phase);
        traces.push({ type: "scatter", mode: "markers", name, x: idx.map((i) => xs[i]),
                      y: idx.map((i) => pts[i].metric), text: idx.map((i) => pts[i].id),
                      marker: { size: 7, opacity: 0.7, color } });
      }
      traces.push({ type: "scatter", mode: "lines", name: "best so far", x: xs, y: best,
                    line: { shape: "hv", color: "#2f855a" } });
      plot(history, "", (div) => Plotly.newPlot(div, traces, {
        title: { text: "best " + metric + " against " + xname.split(" ")[0], x: 0.01, xanchor: "left" },
        xaxis: { title: xname }, yaxis: { title: metric },
        margin: { t: 40, r: 10, b: 50, l: 60 }, legend: { orientation: "h", y: -0.25 } }, config));
    }
  }

  // --- parameter importance ---
  section("Parameter importance",
    "Share of the variance of " + metric + " over finished trials explained by each key alone " +
    "(between-value sum of squares over the total; on a full grid the rest is interactions and noise).");
  if (data.importance.length && ranked.length > 1) {
    const imp = data.importance.slice().reverse();
    const rest = Math.max(0, 1 - data.importance.reduce((a, k) => a + k.share, 0));
    const names = ["interactions and noise"].concat(imp.map((k) => k.key));
    const shares = [rest].concat(imp.map((k) => k.share));
    plot(root, "", (div) => Plotly.newPlot(div, [{
      type: "bar", orientation: "h", y: names, x: shares.map((v) => 100 * v),
      marker: { color: names.map((n, i) => (i === 0 ? "#b8bec9" : "#2b6cb0")) },
      text: shares.map((v) => (100 * v).toFixed(1) + " %"), textposition: "auto" }],
      { xaxis: { title: "% of variance", range: [0, 100] }, margin: { t: 20, r: 20, b: 50, l: 170 } },
      config), Math.max(220, 80 + 40 * names.length));
  } else {
    root.append(el("p", { class: "note" }, "Needs a swept key and at least two finished trials."));
  }

  // --- parallel coordinates ---
  section("Parallel coordinates", "One line per finished trial, coloured by " + metric +
    "; drag along an axis to select a range.");
  const webgl = (() => {
    try { return !!document.createElement("canvas").getContext("webgl"); } catch (e) { return false; }
  })();
  if (!ranked.length || !data.keys.length) {
    root.append(el("p", { class: "note" }, "Needs a swept key and a finished trial."));
  } else if (!webgl) {
    root.append(el("p", { class: "note" }, "This browser has no WebGL, which plotly's parallel coordinates need."));
  } else {
    const dims = data.keys.map((key) => {
      const values = data.effects[key].map((g) => g.value);
      if (numericKey(key)) {
        if (logSpaced(values, key)) {
          return { label: key + " (log)", values: ranked.map((t) => Math.log10(Number(t.params[key]))),
                   tickvals: values.map((v) => Math.log10(Number(v))), ticktext: values };
        }
        return { label: key, values: ranked.map((t) => Number(t.params[key])),
                 tickvals: values.map(Number), ticktext: values };
      }
      return { label: key, values: ranked.map((t) => values.indexOf(t.params[key])),
               tickvals: values.map((v, i) => i), ticktext: values };
    });
    dims.push({ label: metric, values: ranked.map((t) => t.metric) });
    plot(root, "tall", (div) => Plotly.newPlot(div, [{
      type: "parcoords", dimensions: dims,
      line: { color: ranked.map((t) => t.metric), colorscale: "Viridis", reversescale: !higher,
              showscale: true, colorbar: { title: metric } } }],
      { margin: { t: 60, r: 80, b: 30, l: 80 } }, config).then(() => {
        // plotly does not fail when WebGL cannot start: it shows a message (div.no-webgl) instead.
        if (document.querySelector(".no-webgl")) {
          throw new Error("parallel coordinates: this browser's WebGL could not start");
        }
      }));
  }

  // --- learning curves ---
  section("Learning curves of the top " + data.curves.length + " trials",
    data.curves.length ? "Training (dashed) and validation (solid) per epoch." : "No per-epoch rows stored.");
  if (data.curves.length) {
    const curves = el("div", { class: "grid2" });
    root.append(curves);
    for (const [what, title] of [["loss", "loss"], ["acc", "accuracy"]]) {
      const traces = [];
      data.curves.forEach((c, i) => {
        const color = palette[i % palette.length];
        traces.push({ type: "scatter", mode: "lines+markers", name: c.id, x: c.epoch,
                      y: c["val_" + what], legendgroup: c.id, line: { color } });
        traces.push({ type: "scatter", mode: "lines", name: c.id + " (training)", x: c.epoch,
                      y: c["train_" + what], legendgroup: c.id, line: { dash: "dash", color }, showlegend: false });
      });
      plot(curves, "", (div) => Plotly.newPlot(div, traces, {
        title: { text: title, x: 0.01, xanchor: "left" }, xaxis: { title: "epoch", dtick: 1 }, yaxis: { title: title },
        margin: { t: 40, r: 10, b: 50, l: 60 } }, config));
    }
  }

  // --- robustness: accuracy per perturbation and level of the top trials ---
  if (data.robustness.length) {
    section("Robustness of the top " + data.robustness.length + " trials",
      "Accuracy of each trial's final model on its evaluation split with the images perturbed " +
      "(key robustness), one line per perturbation against its level; dotted: the clean accuracy.");
    const grid = el("div", { class: "grid2" });
    root.append(grid);
    for (const t of data.robustness) {
      const traces = t.perturbations.map((p, i) => ({
        type: "scatter", mode: "lines+markers", name: p.name, x: p.level, y: p.accuracy,
        line: { color: palette[i % palette.length] } }));
      const shapes = t.clean === null ? [] : [{ type: "line", xref: "paper", x0: 0, x1: 1, y0: t.clean,
        y1: t.clean, line: { dash: "dot", color: "#444" } }];
      plot(grid, "", (div) => Plotly.newPlot(div, traces, {
        title: { text: t.id + " (robust_acc " + fmt(t.robust_acc, 4) + ", " + t.split + ")", x: 0.01, xanchor: "left" },
        xaxis: { title: "level" }, yaxis: { title: "accuracy", range: [0, 1] }, shapes,
        margin: { t: 40, r: 10, b: 50, l: 60 } }, config));
    }
  }

  // --- reliability diagram: accuracy against confidence, per confidence bin ---
  if (data.calibration.length) {
    section("Calibration of the top " + data.calibration.length + " trials",
      "Reliability diagram on each trial's evaluation split: per bin of 15 equal-width confidence " +
      "bins holding images, the accuracy against the mean confidence; on the dotted diagonal, " +
      "confidence matches accuracy (ECE in the legend).");
    const traces = data.calibration.map((t, i) => ({
      type: "scatter", mode: "lines+markers", name: t.id + " (ECE " + fmt(t.ece, 4) + ")",
      x: t.confidence, y: t.accuracy, customdata: t.rows, line: { color: palette[i % palette.length] },
      hovertemplate: "confidence %{x:.3f}: accuracy %{y:.3f} of %{customdata} images<extra></extra>" }));
    plot(root, "", (div) => Plotly.newPlot(div, traces, {
      xaxis: { title: "mean confidence", range: [0, 1] }, yaxis: { title: "accuracy", range: [0, 1] },
      shapes: [{ type: "line", x0: 0, y0: 0, x1: 1, y1: 1, line: { dash: "dot", color: "#444" } }],
      margin: { t: 20, r: 10, b: 50, l: 60 } }, config));
  }

  // --- dead units: per activation layer, the share of units that never fired ---
  if (data.activations.length) {
    section("Dead units of the top " + data.activations.length + " trials",
      "Per activation layer (key dead_units), the fraction of its units that never exceeded 0 on " +
      "the evaluation split; hover for the number of units.");
    const traces = data.activations.map((t, i) => ({
      type: "bar", name: t.id, x: t.layer, y: t.dead_fraction, customdata: t.units,
      marker: { color: palette[i % palette.length] },
      hovertemplate: "%{x}: %{y:.3f} of %{customdata} units<extra>" + t.id + "</extra>" }));
    plot(root, "", (div) => Plotly.newPlot(div, traces, {
      barmode: "group", xaxis: { title: "layer", type: "category" },
      yaxis: { title: "dead fraction", range: [0, 1] }, margin: { t: 20, r: 10, b: 120, l: 60 } }, config));
  }

  // --- confusion matrix ---
  const cm = data.confusion;
  section("Confusion matrix of the best trial",
    cm ? "Trial " + cm.id + ", on the " + (cm.split || "evaluation") + " split: rows are true classes, columns predicted."
       : "The best trial has no stored confusion matrix.");
  if (cm) {
    const n = cm.matrix.length;
    const labels = cm.matrix.map((r, i) => String(i));
    const annotations = [];
    if (n <= 20) {
      const max = Math.max(...cm.matrix.flat());
      cm.matrix.forEach((row, i) => row.forEach((v, j) => annotations.push({
        x: labels[j], y: labels[i], text: String(v), showarrow: false,
        font: { color: v > max / 2 ? "white" : "black", size: 11 } })));
    }
    plot(root, "tall", (div) => Plotly.newPlot(div, [{
      type: "heatmap", z: cm.matrix, x: labels, y: labels, colorscale: "Blues", reversescale: true, hoverongaps: false,
      hovertemplate: "true %{y}, predicted %{x}: %{z}<extra></extra>" }],
      { xaxis: { title: "predicted", type: "category" }, yaxis: { title: "true", type: "category", autorange: "reversed" },
        annotations, margin: { t: 20, r: 20, b: 50, l: 60 }, width: Math.min(720, 220 + 40 * n) }, config));
  }

  // --- the most confident mistakes of the best trials, as images ---
  let images = 0;
  section("Most confident mistakes",
    data.mistakes.length ? "What the best " + (data.mistakes.length > 1 ? data.mistakes.length + " trials get" : "trial gets") +
      " wrong with the highest probability: true → predicted (probability); row: the image's row in its split."
                         : "No finished trial.");
  for (const g of data.mistakes) {
    root.append(el("h3", {}, "Trial " + g.id + (g.split ? ", on the " + g.split + " split" : "") + ": " +
                                g.items.length + " mistake" + (g.items.length === 1 ? "" : "s")));
    if (g.note) root.append(el("p", { class: "note" }, g.note));
    const shown = g.items.filter((m) => m.image);
    if (shown.length) {
      const wall = el("div", { class: "gallery" });
      root.append(wall);
      for (const m of shown) {
        const img = el("img", { alt: "row " + m.row + ": " + m.true + " predicted as " + m.predicted });
        pending.push(new Promise((resolve, reject) => {
          img.onload = () => { images++; resolve(); };
          img.onerror = () => reject(new Error("the image of row " + m.row + " did not load"));
        }));
        img.src = m.image;
        wall.append(el("figure", {}, img,
          el("figcaption", {}, m.true + " → " + m.predicted + " (" + fmt(m.probability, 2) + ")", el("br"), "row " + m.row)));
      }
    }
    if (g.items.length && shown.length < g.items.length) {
      root.append(table(["row", "true", "predicted", "probability"],
        g.items.map((m) => [m.row, m.true, m.predicted, fmt(m.probability, 4)]), [true, true, true, true]));
    }
  }

  // --- worker timeline ---
  section("Worker timeline",
    bars.length ? "Which rank ran which trial when (seconds since the first start); gaps are idle time."
                : "No trial has start and end times.");
  if (bars.length) {
    const lanes = Array.from(new Set(bars.map((b) => b.lane))).sort();
    const colors = { ok: "#2b6cb0", failed: "#c53030", diverged: "#dd6b20", pruned: "#718096" };
    const traces = Object.keys(colors).map((status) => {
      const bs = bars.filter((b) => b.status === status);
      return { type: "bar", orientation: "h", name: status, y: bs.map((b) => b.lane),
               base: bs.map((b) => b.start), x: bs.map((b) => Math.max(b.end - b.start, 1e-3)),
               text: bs.map((b) => b.id), marker: { color: colors[status], line: { color: "white", width: 1 } },
               hovertemplate: "%{text}<br>%{base:.1f} s + %{x:.1f} s<extra>" + status + "</extra>" };
    }).filter((t) => t.y.length);
    plot(root, "", (div) => Plotly.newPlot(div, traces, {
      barmode: "overlay", xaxis: { title: "seconds since the first trial started" },
      yaxis: { type: "category", categoryarray: lanes, automargin: true },
      margin: { t: 20, r: 20, b: 50, l: 20 } }, config), Math.max(220, 90 + 36 * lanes.length));
  }

  // --- the rendered marker ---
  Promise.allSettled(pending).then((results) => {
    results.filter((r) => r.status === "rejected").forEach((r) => window.sweepErrors.push("plot failed: " + r.reason));
    document.body.setAttribute("data-plots", String(made));
    document.body.setAttribute("data-drawn", String(drawn));
    document.body.setAttribute("data-images", String(images));
    document.body.setAttribute("data-errors", JSON.stringify(window.sweepErrors));
    document.body.setAttribute("data-state", "done");
  });
})();
