"""The dashboard's single page: plain HTML and JavaScript, no external files (it works offline).

Every value from the storage is inserted with ``textContent`` (never as HTML), so study names, architectures
and failure reasons cannot inject markup.
"""

from __future__ import annotations

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>nasforge dashboard</title><link rel="icon" href="data:,">
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#222;display:flex;height:100vh}
#side{width:260px;border-right:1px solid #ddd;overflow:auto;padding:.8em;background:#fafafa;flex:none}
#main{flex:1;overflow:auto;padding:1em 1.4em}
h1{font-size:1.1em;margin:.2em 0 .8em}h2{font-size:1.05em;margin:1.2em 0 .4em}
.study{padding:.45em .5em;border-radius:6px;cursor:pointer;margin-bottom:3px;font-size:.9em}
.study:hover{background:#eef3fa}.study.active{background:#dbe9f6}
.study small{display:block;color:#666}
table{border-collapse:collapse;font-size:.8em}td,th{border-bottom:1px solid #eee;padding:2px 8px;text-align:left}
th{background:#f4f4f4;position:sticky;top:0}
.plots{display:flex;flex-wrap:wrap;gap:10px}.plots img{width:460px;border:1px solid #eee}
.COMPLETE{color:#1f77b4}.FAIL{color:#d62728}.PRUNED{color:#ff7f0e}.RUNNING{color:#2ca02c;font-weight:600}
#status{color:#666;font-size:.8em}
</style></head>
<body>
<div id="side"><h1>nasforge</h1><div id="status">connecting...</div><div id="studies"></div></div>
<div id="main"><p id="hint">Choose a study on the left.</p>
<div id="detail" hidden>
<h2 id="title"></h2>
<p><span id="trial-count" data-count="0">0</span> trials: <span id="counts"></span>. Best:
<span id="best"></span></p>
<div class="plots" id="plots"></div>
<h2>Trials (newest first)</h2>
<table id="trials"><thead><tr><th>#</th><th>state</th><th id="objective-head">value</th><th>seconds</th>
<th>architecture</th><th>reason</th></tr></thead><tbody></tbody></table>
</div></div>
<script>
"use strict";
let current = null, version = null, sequence = 0;
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined && text !== null)
  e.textContent = String(text); if (cls) e.className = cls; return e; };
const fmt = v => (v === null || v === undefined) ? "" : (typeof v === "number" ? Number(v.toPrecision(5)) : v);

async function getJSON(url) {
  const r = await fetch(url, {cache: "no-store"});
  if (!r.ok) throw new Error((await r.json()).error || r.statusText);
  return r.json();
}

async function refreshStudies() {
  const studies = await getJSON("/api/studies");
  const box = document.getElementById("studies");
  box.replaceChildren();
  for (const s of studies) {
    const n = Object.values(s.trials).reduce((a, b) => a + b, 0);
    const item = el("div", null, "study" + (s.name === current ? " active" : ""));
    item.dataset.name = s.name;
    item.append(el("b", s.name), el("small", `${s.space} · ${s.strategy} · ${n} trials`));
    item.onclick = () => { current = s.name; version = null; refreshStudies(); refreshStudy(); };
    box.append(item);
  }
  document.getElementById("status").textContent = `${studies.length} studies · updated ` +
    new Date().toLocaleTimeString();
}

async function refreshStudy() {
  if (current === null) return;
  const mine = ++sequence;  // a click and the timer may refresh at once: only the newest one draws
  const s = await getJSON("/api/studies/" + encodeURIComponent(current));
  if (mine !== sequence) return;
  document.getElementById("hint").hidden = true;
  document.getElementById("detail").hidden = false;
  document.getElementById("title").textContent = `${s.name}: ${s.objectives.join(", ")}`;
  document.getElementById("counts").textContent = Object.entries(s.counts).map(([k, v]) => `${v} ${k}`).join(", ");
  document.getElementById("best").textContent = s.best ? `#${s.best.number} ${s.best.arch} (${s.objective} = ` +
    `${fmt(s.best.metrics[s.objective.split(":")[0]])})` : "none yet";
  document.getElementById("objective-head").textContent = s.objective;
  const body = document.querySelector("#trials tbody");
  body.replaceChildren();
  for (const t of s.trials) {
    const row = el("tr");
    row.append(el("td", t.number), el("td", t.state, t.state), el("td", fmt(t.value)), el("td", fmt(t.seconds)),
               el("td", t.arch), el("td", t.reason || ""));
    body.append(row);
  }
  if (s.version !== version) {
    const images = [];
    for (const kind of s.plots) {
      const url = `/api/studies/${encodeURIComponent(s.name)}/plots/${kind}.svg?v=${encodeURIComponent(s.version)}`;
      const r = await fetch(url, {cache: "no-store"});
      if (mine !== sequence) return;
      if (r.status !== 200) continue;
      const img = el("img"); img.alt = kind; img.id = "plot-" + kind; img.dataset.version = s.version;
      img.src = URL.createObjectURL(await r.blob());
      images.push(img);
    }
    for (const old of document.querySelectorAll("#plots img")) URL.revokeObjectURL(old.src);
    document.getElementById("plots").replaceChildren(...images);
    version = s.version;
  }
  const count = document.getElementById("trial-count");  // last: it tells that the page is up to date
  count.textContent = s.n_trials; count.dataset.count = s.n_trials;
}

async function tick() {
  try { await refreshStudies(); await refreshStudy(); }
  catch (e) { document.getElementById("status").textContent = "error: " + e.message; }
  setTimeout(tick, 2000);
}
const wanted = new URLSearchParams(location.search).get("study");
if (wanted) current = wanted;
tick();
</script></body></html>
"""
