// The visual journey builder: the state, the actions on it (palette, drag and drop, connect, delete,
// reorder) and the calls to the server, which writes the YAML, validates, publishes and dry-runs it.
// The JSON model is edited here (drawing: journey_builder_draw.js, side panel: journey_builder_panel.js).
// Every pointer action has a keyboard path.
import { H, GY, PAD, drawCanvas } from "./journey_builder_draw.js";
import { KINDS, el, renderPanel } from "./journey_builder_panel.js";

const CSRF = document.querySelector("meta[name=csrf-token]").content;  // cookie sessions: writes carry the token
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

async function api(path, body) {
  const response = await fetch(`/api/journeys/${encodeURIComponent(state.journeyId)}/builder${path}`, body === undefined
    ? { headers: { accept: "application/json" } }
    : { method: "POST", headers: { "content-type": "application/json", accept: "application/json", "X-CSRF-Token": CSRF }, body: JSON.stringify(body) });
  const type = response.headers.get("content-type") || "";
  return { status: response.status, data: type.includes("json") ? await response.json() : { detail: `${response.status} ${response.statusText}` } };
}

function say(message) { status.textContent = message; }

function draw() { drawCanvas(svg, state); }

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
      document.getElementById("jb-title").textContent = `Builder · ${state.model.name}`;
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
  const picker = document.getElementById("jb-version");
  picker.replaceChildren(...data.versions.map((v) => el("option", { value: v, selected: v === data.version }, `v${v}${v === data.active_version ? " (active)" : ""}`)));
  picker.closest(".jb-version").hidden = !data.versions.length;
  picker.addEventListener("change", () => { location.search = `?version=${picker.value}`; });  // any published version
  draw(); redrawPanel();
  if (data.version) validate(); else state.problems = [];
  root.dataset.ready = "true";
}

load();
