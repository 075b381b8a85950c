// The visual journey builder: the state, the actions on it (palette, drag and drop, connect, delete,
// reorder) and the calls to the server, which writes the YAML, validates, publishes and dry-runs it.
// The JSON model is edited here (drawing: journey_builder_draw.js, side panel: journey_builder_panel.js).
// Every pointer action has a keyboard path. Where steps are drawn is saved at once (it is not a change of
// the journey); edits are not saved until published, and leaving with some asks first.
import { H, drawCanvas, layout, slotName } from "./journey_builder_draw.js";
import { KINDS, el, renderPanel } from "./journey_builder_panel.js";
import { attachForms } from "./journey_builder_forms.js";
import { attachPointer, attachTouchPalette } from "./journey_builder_pointer.js";

const CSRF = document.querySelector("meta[name=csrf-token]").content;  // cookie sessions: writes carry the token
const root = document.getElementById("journey-builder");
const svg = document.getElementById("jb-svg");
const panel = document.getElementById("jb-panel");
const status = document.getElementById("jb-status");
const state = { journeyId: root.dataset.journey, model: null, selected: -1, connectFrom: null, problems: [], visit: {}, taken: new Set(), fields: [], positions: {}, dirty: false };
const DEFAULTS = {
  send: () => ({ channel: "email", subject: "Hello {first_name}", body: "Hi {first_name}!" }),
  wait: () => ({ duration: "1d" }),
  branch: () => ({ cases: [{ when: { all: [{ type: "behavior", field: "opened", operator: "exists" }] }, next: "end" }], default: "end" }),
  handoff: () => ({ to: "human", reason: "Call this lead" }),
  update_lead: () => ({ set: { stage: "engaged" }, score_delta: 10 }),
  goal: () => ({ when: { all: [{ type: "behavior", field: "booked", operator: "exists" }] } }),
  exit: () => ({ reason: "journey finished" }),
};

async function api(path, body, method = "POST") {
  const response = await fetch(`/api/journeys/${encodeURIComponent(state.journeyId)}/builder${path}`, body === undefined
    ? { headers: { accept: "application/json" } }
    : { method, headers: { "content-type": "application/json", accept: "application/json", "X-CSRF-Token": CSRF }, body: JSON.stringify(body) });
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

function setDirty(on) {
  state.dirty = on;
  document.getElementById("jb-dirty").hidden = !on;
}
window.addEventListener("beforeunload", (e) => {  // navigation, the version picker, closing the tab
  if (!state.dirty) return;
  e.preventDefault();
  e.returnValue = "You have unsaved changes";  // older browsers need a non-empty value to ask
});

let timer = null;
function changed() {
  setDirty(true);
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
  if (state.connectFrom !== null && index >= 0) return setSlot(state.connectFrom.index, state.connectFrom.slot, index);
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
  if (state.positions[old]) state.positions[id] = state.positions[old];  // the old id keeps its place until published
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

// Connecting: which of a step's edges (slot: "next", "default" or "case:N", as drawn) is being pointed
// elsewhere; C picks the step's own (a branch's otherwise), an edge's handle picks that edge.
function startConnect(slot) {
  if (state.selected < 0) return say("Select the step to connect from first.");
  const step = state.model.steps[state.selected];
  if (step.type === "exit") return say("An exit step ends the journey: it goes nowhere.");
  state.connectFrom = { index: state.selected, slot: slot || (step.type === "branch" ? "default" : "next") };
  say(`Connecting step ${state.selected + 1} (${slotName(state.connectFrom.slot)}): choose the step it goes to (Enter or click), End, or press Escape.`);
  draw();
}

function setSlot(index, slot, target) {  // target: a step index, or steps.length for End
  const steps = state.model.steps;
  const from = steps[index];
  state.connectFrom = null;
  if (target === index || target < 0) { say("A step cannot go to itself or back to the entry."); draw(); return; }
  const id = target >= steps.length ? "end" : steps[target].id;
  if (slot.startsWith("case:")) from.cases[Number(slot.slice(5))].next = id;
  else if (slot === "default") from.default = id;
  else from.next = id;
  tidy();
  const which = slot.startsWith("case:") ? ` ${slotName(slot)}` : "";
  say(`Step ${index + 1}${which} now goes to ${id}${slot === "default" ? " (otherwise)" : ""}.`);
  changed(); select(index);
}

// Where the steps are drawn: saved for the journey at once (a new one's with its first publish).
let saving = null;
function saveLayout(done) {
  if (state.journeyId === "new") return say(`${done}; it is saved when you publish.`);
  clearTimeout(saving);  // arrow keys nudge in steps: one save when they stop
  saving = setTimeout(async () => {
    const { status: code, data } = await api("/positions", { positions: state.positions }, "PUT");
    say(code === 200 ? `${done}; saved.` : `Could not save where the steps are: ${JSON.stringify(data.detail)}`);
  }, 250);
}
const placed = (id) => saveLayout(`Moved step ${state.model.steps.findIndex((x) => x.id === id) + 1}`);

function nudge(i, key) {
  const id = state.model.steps[i].id;
  const p = layout(state).get(id);
  const [dx, dy] = { ArrowLeft: [-20, 0], ArrowRight: [20, 0], ArrowUp: [0, -20], ArrowDown: [0, 20] }[key];
  state.positions[id] = { x: Math.max(0, p.x + dx), y: Math.max(0, p.y + dy) };
  draw(); placed(id);
  svg.querySelector(`[data-step="${id}"]`)?.focus();
}

function indexOfNode(g) {
  const id = g.dataset.step;
  if (id === "entry") return -1;
  if (id === "end") return state.model.steps.length;
  return state.model.steps.findIndex((x) => x.id === id);
}

function pick(i) {  // a click or Enter on a node: End only means something while connecting
  if (i === state.model.steps.length) { if (state.connectFrom !== null) select(i); return; }
  select(i);
}
function tapped(id) {  // a click or a tap on a node (journey_builder_pointer.js)
  const g = svg.querySelector(`.jb-node[data-step="${id}"]`);
  if (!g) return;
  const connecting = state.connectFrom !== null;
  pick(indexOfNode(g));
  // Narrow screens put the settings under the canvas: a tapped step's settings come into view.
  if (!connecting && panel.getBoundingClientRect().top > window.innerHeight) panel.scrollIntoView({ block: "start" });
}
svg.addEventListener("keydown", (e) => {
  const end = e.target.closest(".jb-edge-end");
  if (end && (e.key === "Enter" || e.key === " ")) {  // the keyboard's way to drag an edge's end
    e.preventDefault();
    connectFrom(state.model.steps.findIndex((x) => x.id === end.dataset.from), end.dataset.slot);
    svg.querySelector(`.jb-edge-end[data-from="${end.dataset.from}"][data-slot="${end.dataset.slot}"]`)?.focus();
    return;
  }
  const g = e.target.closest(".jb-node");
  if (!g && e.key !== "Escape") return;
  const i = g ? indexOfNode(g) : -1;
  const step = i >= 0 && i < state.model.steps.length;
  if (e.key === "Enter" || e.key === " ") { e.preventDefault(); pick(i); }
  else if ((e.key === "Delete" || e.key === "Backspace") && step) { e.preventDefault(); removeStep(i); }
  else if (e.key === "c" && step) { state.selected = i; startConnect(); }
  else if (e.altKey && e.key.startsWith("Arrow") && step) { e.preventDefault(); nudge(i, e.key); }
  else if (e.key === "Escape") { state.connectFrom = null; say("Connecting cancelled."); draw(); }
});
const connectFrom = (index, slot) => { state.selected = index; startConnect(slot); };
attachPointer(svg, { state, draw, layout: () => layout(state), say, setSlot, indexOfNode, tapped, moved: placed, startConnect: connectFrom });

// The palette: a click (or Enter) adds after the selected step; dragging drops it where it lands.
for (const tool of root.querySelectorAll(".jb-tool")) {
  tool.addEventListener("click", () => insert(tool.dataset.kind, state.selected + 1 || state.model.steps.length));
  tool.addEventListener("dragstart", (e) => { e.dataTransfer.setData("text/plain", tool.dataset.kind); e.dataTransfer.effectAllowed = "copy"; });
}
const frame = document.getElementById("jb-scroll");
frame.addEventListener("dragover", (e) => { e.preventDefault(); frame.classList.add("drop"); });
frame.addEventListener("dragleave", () => frame.classList.remove("drop"));
function dropAt(kind, clientY) {  // before the first step drawn below where it lands
  if (!KINDS[kind]) return;
  const y = clientY - svg.getBoundingClientRect().top;
  const at = layout(state);
  const below = state.model.steps.findIndex((x) => at.get(x.id).y + H / 2 > y);
  insert(kind, below < 0 ? state.model.steps.length : below);
}
frame.addEventListener("drop", (e) => {
  e.preventDefault(); frame.classList.remove("drop");
  dropAt(e.dataTransfer.getData("text/plain"), e.clientY);
});
attachTouchPalette(root.querySelectorAll(".jb-tool"), frame, { dropAt });
document.getElementById("jb-tidy").addEventListener("click", () => {
  for (const x of state.model.steps) delete state.positions[x.id];
  draw(); saveLayout("Laid out again in step order");
});
document.getElementById("jb-connect").addEventListener("click", startConnect);
document.getElementById("jb-delete").addEventListener("click", () => { if (state.selected >= 0) removeStep(state.selected); });
document.getElementById("jb-blank").addEventListener("click", () => {
  state.model.steps = []; state.selected = -1; say("Cleared: add the first step from the palette."); changed(); redrawPanel();
});

attachForms({ state, root, api, say, draw, showProblems, redrawPanel, setDirty });

async function load() {
  const version = root.dataset.version;
  const { status: code, data } = await api(version ? `?version=${version}` : "");
  if (code !== 200) { say(`Could not load the journey: ${data.detail}`); return; }
  state.model = data.definition;
  state.fields = data.template_fields;
  state.positions = data.positions;
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
