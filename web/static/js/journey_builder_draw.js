// Drawing the builder's canvas: nodes and edges in SVG, laid out in layers of our own: one row per step in
// YAML order (order is what "continue to the following step" means, so rows keep it visible), branch cases
// fanned out to the right, loops back up along the right side; a step a manager has moved is drawn where
// they put it (state.positions). A dry run's path is highlighted. The ends of a branch's edges (and of the
// selected step's) carry a handle: drag it, or focus it and press Enter, to point the edge elsewhere.
import { KINDS } from "./journey_builder_panel.js";

const SVG = "http://www.w3.org/2000/svg";
export const W = 210, H = 58, GX = 40, GY = 34, PAD = 26;
const MAX_COLS = 3;

function s(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

// Where each step goes: [target id, label, slot] triples; "end" finishes. The slot names the setting the
// edge stands for: "case:N" (a branch case's next), "default" or "next".
export function edges(state, step, i) {
  const steps = state.model.steps;
  const following = steps[i + 1] ? steps[i + 1].id : "end";
  if (step.type === "branch") {
    return [...step.cases.map((c, k) => [c.next, clip(`${k + 1}: ${short(c.when)}`, 26), `case:${k}`]), [step.default, "otherwise", "default"]];
  }
  if (step.type === "exit") return [];
  return [[step.next || following, step.type === "goal" ? "not yet met" : "", "next"]];
}

export function slotName(slot) {
  return slot === "default" ? "otherwise" : slot === "next" ? "next step" : `case ${Number(slot.split(":")[1]) + 1}`;
}

const SIGNS = { equals: "=", contains: "∋", greater_than: ">", less_than: "<" };

function short(rule) {  // an edge label: "opened or clicked", "region = Texas"
  if (Array.isArray(rule)) return rule.map(short).join(" and ");
  if (rule.all || rule.any) return (rule.all || rule.any).map(short).join(rule.all ? " and " : " or ");
  return rule.operator === "exists" ? rule.field : `${rule.field} ${SIGNS[rule.operator]} ${rule.value}`;
}

export function layout(state) {
  const col = new Map();
  state.model.steps.forEach((step, i) => {
    if (!col.has(step.id)) col.set(step.id, 0);
    if (step.type === "branch") {
      step.cases.forEach((c, k) => { if (!col.has(c.next)) col.set(c.next, Math.min(col.get(step.id) + k + 1, MAX_COLS - 1)); });
      if (!col.has(step.default)) col.set(step.default, col.get(step.id));
    }
  });
  const at = new Map();
  let bottom = PAD + state.model.steps.length * (H + GY);
  state.model.steps.forEach((step, i) => {
    const p = state.positions[step.id] || { x: PAD + col.get(step.id) * (W + GX), y: PAD + (i + 1) * (H + GY) };
    at.set(step.id, p);
    bottom = Math.max(bottom, p.y);
  });
  at.set("entry", { x: PAD, y: PAD });
  at.set("end", { x: PAD, y: bottom + H + GY });  // below everything, wherever steps were moved
  return at;
}

// A cubic Bézier from a to b, and the point 80% along it where the edge's handle sits (before the arrow,
// so edges into the same step keep their handles apart).
function edgePath(a, b) {
  const x1 = a.x + W / 2, y1 = a.y + H, x2 = b.x + W / 2, y2 = b.y;
  const curve = y2 > y1 ? [[x1, y1], [x1, y1 + GY / 1.2], [x2, y2 - GY / 1.2], [x2, y2]]
    : ((side) => [[a.x + W, a.y + H / 2], [side, a.y + H / 2], [side, b.y + H / 2], [b.x + W, b.y + H / 2]])(Math.max(a.x, b.x) + W + GX / 2);  // a loop back up runs along the right
  const [p0, p1, p2, p3] = curve, t = 0.8, u = 1 - t;
  const along = (k) => u * u * u * p0[k] + 3 * u * u * t * p1[k] + 3 * u * t * t * p2[k] + t * t * t * p3[k];
  return { d: `M${p0} C${p1} ${p2} ${p3}`, hx: along(0), hy: along(1) };
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
    s("text", { x: 10, y: 42, class: "jb-line" }, clip(line, 27)), s("title", {}, `${title}: ${line}`));
  return g;
}

export function drawCanvas(svg, state) {
  const at = layout(state);
  const steps = state.model.steps;
  const cols = Math.max(...[...at.values()].map((p) => p.x)) + W + PAD + GX;
  svg.setAttribute("width", cols);
  svg.setAttribute("height", at.get("end").y + H + PAD);
  svg.setAttribute("viewBox", `0 0 ${cols} ${at.get("end").y + H + PAD}`);
  const lines = s("g", { class: "jb-edges" });
  const nodes = s("g", { class: "jb-nodes" });
  const handles = s("g", { class: "jb-handles" });
  const labels = s("g", { class: "jb-edge-labels" });  // over the nodes: a moved step must not hide what an edge means
  const link = (from, to, label, slot) => {
    const a = at.get(from), b = at.get(to) || at.get("end");
    const taken = state.taken.has(`${from}>${to}`);
    const path = edgePath(a, b);
    lines.append(s("path", { d: path.d, class: `jb-edge${taken ? " taken" : ""}`, "data-edge": `${from}>${to}`, "marker-end": "url(#jb-arrow)" }));
    if (label) labels.append(s("text", { x: (a.x + b.x) / 2 + W / 2 + 6, y: (a.y + H + b.y) / 2, class: "jb-edge-label" }, label));
    return path;
  };
  const handle = (step, i, to, slot, path) => {
    const picked = state.connectFrom && state.connectFrom.index === i && state.connectFrom.slot === slot;
    handles.append(s("g", { class: `jb-edge-end${picked ? " picked" : ""}`, "data-from": step.id, "data-slot": slot, tabindex: 0, role: "button",
      "aria-label": `Step ${i + 1} ${slotName(slot)} goes to ${to}: press Enter, then choose where it goes` },
    s("circle", { cx: path.hx, cy: path.hy, r: 16, class: "jb-hit" }), s("circle", { cx: path.hx, cy: path.hy, r: 6, class: "jb-dot" }),
    s("title", {}, `Drag to point ${slotName(slot)} elsewhere`)));
  };
  if (steps.length) link("entry", steps[0].id, "");
  nodes.append(node("entry", at.get("entry"), "Entry", `${state.model.trigger.type.replace("_", " ")}`, { class: "jb-entry", aria: { tabindex: 0, role: "button", "aria-label": "Journey settings" } }));
  steps.forEach((step, i) => {
    for (const [to, label, slot] of edges(state, step, i)) {
      const path = link(step.id, to, label);
      if (step.type === "branch" || i === state.selected) handle(step, i, to, slot, path);
    }
    const bad = state.problems.some((p) => p.step === i);
    const order = state.visit[step.id];
    const cls = [`kind-${step.type}`, i === state.selected ? "selected" : "", bad ? "invalid" : "", order ? "visited" : "",
      Object.keys(state.visit).length && !order ? "unvisited" : "", state.connectFrom?.index === i ? "connecting" : ""].join(" ");
    const g = node(step.id, at.get(step.id), `${i + 1}. ${KINDS[step.type]} · ${step.name || step.id}`, summary(step), {
      class: cls, aria: { tabindex: 0, role: "button", "aria-pressed": String(i === state.selected), "aria-label": `Step ${i + 1}, ${KINDS[step.type]}, ${step.id}${bad ? ", has problems" : ""}` },
    });
    if (bad) g.append(s("circle", { cx: W - 12, cy: 12, r: 8, class: "jb-bad" }), s("text", { x: W - 15, y: 16, class: "jb-bad-text" }, "!"));
    g.append(s("g", { class: "jb-grip", transform: `translate(${W - 26},${H - 24})` }, s("rect", { width: 22, height: 20, rx: 4 }),
      s("path", { d: "M7,6h2M13,6h2M7,10h2M13,10h2M7,14h2M13,14h2" }), s("title", {}, "Drag to move this step")));  // the touch grip
    if (order) g.append(s("text", { x: -4, y: 22, "text-anchor": "end", class: "jb-order" }, `#${order.join(",")}`));  // in the margin
    nodes.append(g);
  });
  nodes.append(node("end", at.get("end"), "End", "the journey is completed", { class: "jb-end", aria: { tabindex: 0, role: "button", "aria-label": "End" } }));
  const defs = s("defs", {}, s("marker", { id: "jb-arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" }, s("path", { d: "M0,0 L10,5 L0,10 z" })));
  svg.replaceChildren(defs, lines, nodes, labels, handles);
}

