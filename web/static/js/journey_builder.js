// The visual journey builder: an SVG canvas of the journey's steps and edges, laid out in layers of
// our own (one row per step in YAML order, since order is what "continue to the following step" means;
// branch cases fan out to the right). The JSON model is edited here; the server writes the YAML,
// validates, publishes and dry-runs it. Every pointer action has a keyboard path.
import { KINDS, el, renderPanel } from "./journey_builder_panel.js";

const CSRF = document.querySelector("meta[name=csrf-token]").content;  // cookie sessions: writes carry the token
const SVG = "http://www.w3.org/2000/svg";
const W = 210, H = 58, GX = 40, GY = 34, PAD = 26, MAX_COLS = 3;
const root = document.getElementById("journey-builder");
const svg = document.getElementById("jb-svg");
const panel = document.getElementById("jb-panel");
const status = document.getElementById("jb-status");
const state = { journeyId: root.dataset.journey, model: null, selected: -1, connectFrom: null, problems: [], visit: {}, taken: new Set(), fields: [] };
const DEFAULTS = {
  send: () => ({ channel: "email", subject: "Hello {first_name}", body: "Hi {first_name}!" }),
  wait: () => ({ duration: "1d" }),
  branch: () => ({ cases: [{ when: { all: [{ type: "behavior", field: "opened", operator: "exists" }] }, next: "end" }], default: "end" }),
  handoff: () => ({ to: "human", reason: "Call this lead" }),
  update_lead: () => ({ set: { stage: "engaged" }, score_delta: 10 }),
  goal: () => ({ when: { all: [{ type: "behavior", field: "booked", operator: "exists" }] } }),
  exit: () => ({ reason: "journey finished" }),
};

function s(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

async function api(path, body) {
  const response = await fetch(`/api/journeys/${encodeURIComponent(state.journeyId)}/builder${path}`, body === undefined
    ? { headers: { accept: "application/json" } }
    : { method: "POST", headers: { "content-type": "application/json", accept: "application/json", "X-CSRF-Token": CSRF }, body: JSON.stringify(body) });
  const type = response.headers.get("content-type") || "";
  return { status: response.status, data: type.includes("json") ? await response.json() : { detail: `${response.status} ${response.statusText}` } };
}

function say(message) { status.textContent = message; }

// Where each step goes: [target id, label] pairs; "end" finishes.
function edges(step, i) {
  const steps = state.model.steps;
  const following = steps[i + 1] ? steps[i + 1].id : "end";
  if (step.type === "branch") return [...step.cases.map((c, k) => [c.next, `case ${k + 1}`]), [step.default, "otherwise"]];
  if (step.type === "exit") return [];
  return [[step.next || following, step.type === "goal" ? "not yet met" : ""]];
}

function layout() {
  const col = new Map();
  state.model.steps.forEach((step, i) => {
    if (!col.has(step.id)) col.set(step.id, 0);
    if (step.type === "branch") {
      step.cases.forEach((c, k) => { if (!col.has(c.next)) col.set(c.next, Math.min(col.get(step.id) + k + 1, MAX_COLS - 1)); });
      if (!col.has(step.default)) col.set(step.default, col.get(step.id));
    }
  });
  const at = new Map();
  state.model.steps.forEach((step, i) => at.set(step.id, { x: PAD + col.get(step.id) * (W + GX), y: PAD + (i + 1) * (H + GY) }));
  at.set("entry", { x: PAD, y: PAD });
  at.set("end", { x: PAD, y: PAD + (state.model.steps.length + 1) * (H + GY) });
  return at;
}

function edgePath(a, b) {
  const x1 = a.x + W / 2, y1 = a.y + H, x2 = b.x + W / 2, y2 = b.y;
  if (y2 > y1) return `M${x1},${y1} C${x1},${y1 + GY / 1.2} ${x2},${y2 - GY / 1.2} ${x2},${y2}`;
  const side = Math.max(a.x, b.x) + W + GX / 2;  // a loop back up runs along the right
  return `M${a.x + W},${a.y + H / 2} C${side},${a.y + H / 2} ${side},${b.y + H / 2} ${b.x + W},${b.y + H / 2}`;
}

function summary(step) {
  switch (step.type) {
    case "send": return `${step.channel}: ${step.subject || step.body || ""}`;
    case "wait": return step.until_event ? `until ${step.until_event.join("/")} (max ${step.timeout || "?"})` : step.until_day !== undefined ? `until day ${step.until_day}` : `for ${step.duration || "?"}`;
    case "branch": return `${step.cases.length} case${step.cases.length === 1 ? "" : "s"} + otherwise`;
    case "handoff": return `to ${step.to}`;
    case "update_lead": return `${Object.entries(step.set || {}).map(([k, v]) => `${k}=${v}`).join(" ")} score ${step.score_delta >= 0 ? "+" : ""}${step.score_delta || 0}`;
    case "goal": return "checks the goal";
    default: return step.reason || "";
  }
}

function clip(text, n) { return text.length > n ? `${text.slice(0, n - 1)}…` : text; }

function node(id, pos, title, line, attrs) {
  const g = s("g", { class: `jb-node ${attrs.class || ""}`, transform: `translate(${pos.x},${pos.y})`, "data-step": id, ...attrs.aria });
  g.append(s("rect", { width: W, height: H, rx: 8 }), s("text", { x: 10, y: 22, class: "jb-title" }, clip(title, 30)),
    s("text", { x: 10, y: 42, class: "jb-line" }, clip(line, 30)), s("title", {}, `${title}: ${line}`));
  return g;
}

function draw() {
  const at = layout();
  const steps = state.model.steps;
  const cols = Math.max(...[...at.values()].map((p) => p.x)) + W + PAD + GX;
  svg.setAttribute("width", cols);
  svg.setAttribute("height", at.get("end").y + H + PAD);
  svg.setAttribute("viewBox", `0 0 ${cols} ${at.get("end").y + H + PAD}`);
  const lines = s("g", { class: "jb-edges" });
  const nodes = s("g", { class: "jb-nodes" });
  const link = (from, to, label) => {
    const a = at.get(from), b = at.get(to) || at.get("end");
    const taken = state.taken.has(`${from}>${to}`);
    lines.append(s("path", { d: edgePath(a, b), class: `jb-edge${taken ? " taken" : ""}`, "data-edge": `${from}>${to}`, "marker-end": "url(#jb-arrow)" }));
    if (label) lines.append(s("text", { x: (a.x + b.x) / 2 + W / 2 + 6, y: (a.y + H + b.y) / 2, class: "jb-edge-label" }, label));
  };
  if (steps.length) link("entry", steps[0].id, "");
  nodes.append(node("entry", at.get("entry"), "Entry", `${state.model.trigger.type.replace("_", " ")}`, { class: "jb-entry", aria: { tabindex: 0, role: "button", "aria-label": "Journey settings" } }));
  steps.forEach((step, i) => {
    for (const [to, label] of edges(step, i)) link(step.id, to, label);
    const bad = state.problems.some((p) => p.step === i);
    const order = state.visit[step.id];
    const cls = [`kind-${step.type}`, i === state.selected ? "selected" : "", bad ? "invalid" : "", order ? "visited" : "",
      Object.keys(state.visit).length && !order ? "unvisited" : "", state.connectFrom === i ? "connecting" : ""].join(" ");
    const g = node(step.id, at.get(step.id), `${i + 1}. ${KINDS[step.type]} · ${step.name || step.id}`, summary(step), {
      class: cls, aria: { tabindex: 0, role: "button", "aria-pressed": String(i === state.selected), "aria-label": `Step ${i + 1}, ${KINDS[step.type]}, ${step.id}${bad ? ", has problems" : ""}` },
    });
    if (bad) g.append(s("circle", { cx: W - 12, cy: 12, r: 8, class: "jb-bad" }), s("text", { x: W - 15, y: 16, class: "jb-bad-text" }, "!"));
    if (order) g.append(s("text", { x: -4, y: 22, "text-anchor": "end", class: "jb-order" }, `#${order.join(",")}`));  // in the margin
    nodes.append(g);
  });
  nodes.append(node("end", at.get("end"), "End", "the journey is completed", { class: "jb-end", aria: { tabindex: 0, role: "button", "aria-label": "End" } }));
  const defs = s("defs", {}, s("marker", { id: "jb-arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" }, s("path", { d: "M0,0 L10,5 L0,10 z" })));
  svg.replaceChildren(defs, lines, nodes);
}

function redrawPanel() {
  renderPanel(panel, {
    model: state.model, selected: state.selected, problems: state.problems, templateFields: state.fields,
    isNew: root.dataset.journey === "new", changed, redrawPanel, rename, move, remove: removeStep,
  });
}

let timer = null;
function changed() {
  state.visit = {}; state.taken = new Set();
  draw();
  clearTimeout(timer);
  timer = setTimeout(validate, 300);
}

async function validate() {
  const { data } = await api("/yaml", { definition: state.model });
  state.problems = data.problems || [];
  document.getElementById("jb-yaml").textContent = data.yaml;
  showProblems();
  draw();
  const list = panel.querySelector(".jb-step-problems");
  if (list) {  // only the step's problem list: a redraw would take the focus from what is being typed
    const mine = state.problems.filter((p) => p.step === state.selected);
    list.replaceChildren(...mine.map((p) => el("li", {}, p.message)));
    list.hidden = !mine.length;
  }
}

function showProblems() {
  const list = document.getElementById("jb-problems");
  list.replaceChildren(...state.problems.map((p) => el("li", {}, p.step === null ? p.message
    : el("button", { type: "button", class: "linkish", onclick: () => select(p.step) }, p.message))));
  document.getElementById("jb-valid").textContent = state.problems.length
    ? `${state.problems.length} problem${state.problems.length === 1 ? "" : "s"} to fix before publishing` : "Valid: ready to publish";
  document.getElementById("jb-valid").className = state.problems.length ? "jb-valid bad" : "jb-valid ok";
}

function select(index) {
  if (state.connectFrom !== null && index >= 0) return connect(index);
  state.selected = index;
  draw(); redrawPanel();
  svg.querySelector(`[data-step="${index < 0 ? "entry" : state.model.steps[index].id}"]`)?.focus();
}

function uniqueId(kind) {
  const taken = new Set(state.model.steps.map((x) => x.id));
  let n = 1;
  while (taken.has(`${kind.replace("_", "-")}-${n}`)) n += 1;
  return `${kind.replace("_", "-")}-${n}`;
}

function insert(kind, at) {
  const step = { id: uniqueId(kind), type: kind, ...DEFAULTS[kind]() };
  state.model.steps.splice(at, 0, step);
  say(`Added step ${at + 1}: ${KINDS[kind]}.`);
  changed(); select(at);
}

function refs(fn) {  // every place a step is named: next, branch targets, since_step
  const walk = (x) => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === "object") for (const k of Object.keys(x)) {
      if (["next", "default", "since_step"].includes(k) && typeof x[k] === "string") fn(x, k); else walk(x[k]);
    }
  };
  walk(state.model.steps);
  for (const k of ["goal", "exit"]) walk(state.model[k]);
}

function rename(index, id) {
  const old = state.model.steps[index].id;
  state.model.steps[index].id = id;
  refs((obj, k) => { if (obj[k] === old) obj[k] = id; });
  changed();
}

function tidy() {  // "go to the following step" is what a person leaves out
  state.model.steps.forEach((st, i) => { if (st.next && st.next === state.model.steps[i + 1]?.id) delete st.next; });
}

function removeStep(index) {
  const steps = state.model.steps;
  const gone = steps[index];
  const successor = gone.type === "branch" ? gone.default : gone.next || steps[index + 1]?.id || "end";
  steps.splice(index, 1);
  refs((obj, k) => { if (obj[k] === gone.id) { if (k === "since_step") delete obj[k]; else obj[k] = successor; } });
  tidy();
  say(`Deleted step ${index + 1} (${gone.id}); what led to it now goes to ${successor}.`);
  state.selected = Math.min(index, steps.length - 1);
  changed(); select(state.selected);
}

function move(index, by) {
  const to = index + by;
  const steps = state.model.steps;
  if (to < 0 || to >= steps.length) return;
  [steps[index], steps[to]] = [steps[to], steps[index]];
  changed(); select(to);
}

function startConnect() {
  if (state.selected < 0) return say("Select the step to connect from first.");
  state.connectFrom = state.selected;
  say(`Connecting from step ${state.selected + 1}: choose the step it goes to (Enter or click), End, or press Escape.`);
  draw();
}

function connect(target) {  // target: a step index, or steps.length for End
  const from = state.model.steps[state.connectFrom];
  const id = target >= state.model.steps.length ? "end" : state.model.steps[target].id;
  state.connectFrom = null;
  if (from.type === "branch") from.default = id; else if (from.type !== "exit") from.next = id;
  tidy();
  say(`Step ${state.model.steps.indexOf(from) + 1} now goes to ${id}${from.type === "branch" ? " (otherwise)" : ""}.`);
  changed(); select(state.model.steps.indexOf(from));
}

function indexOfNode(g) {
  const id = g.dataset.step;
  if (id === "entry") return -1;
  if (id === "end") return state.model.steps.length;
  return state.model.steps.findIndex((x) => x.id === id);
}

svg.addEventListener("click", (e) => {
  const g = e.target.closest(".jb-node");
  if (!g) return;
  const i = indexOfNode(g);
  if (i === state.model.steps.length) { if (state.connectFrom !== null) connect(i); return; }
  select(i);
});
svg.addEventListener("keydown", (e) => {
  const g = e.target.closest(".jb-node");
  if (!g) return;
  const i = indexOfNode(g);
  if (e.key === "Enter" || e.key === " ") { e.preventDefault(); if (i === state.model.steps.length) { if (state.connectFrom !== null) connect(i); } else select(i); }
  else if ((e.key === "Delete" || e.key === "Backspace") && i >= 0 && i < state.model.steps.length) { e.preventDefault(); removeStep(i); }
  else if (e.key === "c" && i >= 0) { state.selected = i; startConnect(); }
  else if (e.key === "Escape") { state.connectFrom = null; say("Connecting cancelled."); draw(); }
});

// The palette: a click (or Enter) adds after the selected step; dragging drops it where it lands.
for (const tool of root.querySelectorAll(".jb-tool")) {
  tool.addEventListener("click", () => insert(tool.dataset.kind, state.selected + 1 || state.model.steps.length));
  tool.addEventListener("dragstart", (e) => { e.dataTransfer.setData("text/plain", tool.dataset.kind); e.dataTransfer.effectAllowed = "copy"; });
}
const frame = document.getElementById("jb-scroll");
frame.addEventListener("dragover", (e) => { e.preventDefault(); frame.classList.add("drop"); });
frame.addEventListener("dragleave", () => frame.classList.remove("drop"));
frame.addEventListener("drop", (e) => {
  e.preventDefault(); frame.classList.remove("drop");
  const kind = e.dataTransfer.getData("text/plain");
  if (!KINDS[kind]) return;
  const y = e.clientY - svg.getBoundingClientRect().top;
  const at = state.model.steps.filter((_, i) => PAD + (i + 1) * (H + GY) + H / 2 < y).length;
  insert(kind, at);
});
document.getElementById("jb-connect").addEventListener("click", startConnect);
document.getElementById("jb-delete").addEventListener("click", () => { if (state.selected >= 0) removeStep(state.selected); });
document.getElementById("jb-blank").addEventListener("click", () => {
  state.model.steps = []; state.selected = -1; say("Cleared: add the first step from the palette."); changed(); redrawPanel();
});

document.getElementById("jb-publish").addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  const { status: code, data } = await api("/publish", { definition: state.model, note: form.get("note") || "", activate: form.get("activate") === "true" });
  const out = document.getElementById("jb-publish-result");
  if (code === 201) {
    out.replaceChildren(el("p", { class: "flash ok" }, `Published version ${data.version}${data.active ? " and made it active" : ""}. `,
      el("a", { href: `/journeys/${data.journey_id}` }, "Open the journey")));
    if (state.journeyId === "new") {  // from now on it is that journey: its id is fixed
      state.journeyId = root.dataset.journey = data.journey_id;
      history.replaceState(null, "", `/journeys/${data.journey_id}/builder`);
      redrawPanel();
    }
    document.getElementById("jb-yaml").textContent = data.yaml;
  } else {
    state.problems = Array.isArray(data.detail) ? data.detail : [{ step: null, message: String(data.detail) }];
    out.replaceChildren(el("p", { class: "flash error", role: "alert" }, "Not published: fix the problems listed under the canvas."));
    showProblems(); draw(); redrawPanel();
  }
});

document.getElementById("jb-dry-run").addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  const lead = { first_name: form.get("first_name"), stage: form.get("stage"), channel_preference: form.get("channel_preference"), score: Number(form.get("score") || 0) };
  if (form.get("region")) lead.region = form.get("region");
  const events = form.get("event_type") ? [{ type: form.get("event_type"), after: form.get("event_after") || "0s" }] : [];
  const { status: code, data } = await api("/dry-run", { definition: state.model, lead, events });
  const out = document.getElementById("jb-dry-result");
  if (code !== 200) {
    out.replaceChildren(el("p", { class: "flash error", role: "alert" }, `Dry run not run: ${Array.isArray(data.detail) ? data.detail.map((p) => p.message).join("; ") : data.detail}`));
    return;
  }
  state.visit = {}; state.taken = new Set();
  data.path.forEach((p, n) => {
    (state.visit[p.step_id] ||= []).push(n + 1);
    const next = data.path[n + 1];
    if (next) state.taken.add(`${p.step_id}>${next.step_id}`);
  });
  if (data.path.length) state.taken.add(`entry>${data.path[0].step_id}`);
  draw();
  out.replaceChildren(el("p", { class: "outcome" }, el("b", {}, "Outcome: "), data.outcome),
    el("ol", { class: "path" }, data.path.map((p) => el("li", { class: `path-line path-${p.kind}` },
      el("span", { class: "num-badge" }, String(p.number)), ` ${p.step_id}: ${p.action}`, p.why ? el("div", { class: "why" }, p.why) : null))));
  say(`Dry run: ${data.path.length} steps, ${data.outcome}. Visited steps are highlighted in order.`);
});

async function load() {
  const version = root.dataset.version;
  const { status: code, data } = await api(version ? `?version=${version}` : "");
  if (code !== 200) { say(`Could not load the journey: ${data.detail}`); return; }
  state.model = data.definition;
  state.fields = data.template_fields;
  document.getElementById("jb-yaml").textContent = data.yaml;
  document.getElementById("jb-loaded").textContent = data.version ? `Loaded version ${data.version}${data.version === data.active_version ? " (active)" : ""}` : "A new journey";
  draw(); redrawPanel();
  if (data.version) validate(); else state.problems = [];
  root.dataset.ready = "true";
}

load();
