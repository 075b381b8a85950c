// The builder's side panel: the journey's settings or one step's, and the condition builder
// (property / behavior / time / engagement, the five operators, nested AND/OR groups).
// Inputs edit the model in place and call ctx.changed(); structural edits also redraw the panel.

export const KINDS = {
  send: "Send message", wait: "Wait", branch: "Branch", handoff: "Hand off",
  update_lead: "Update lead", goal: "Goal", exit: "Exit",
};
const OPERATORS = ["equals", "contains", "greater_than", "less_than", "exists"];
const FIELDS = {
  property: ["region", "source", "stage", "first_name", "channel_preference"],
  behavior: ["opened", "clicked", "replied", "visited", "booked"],
  time: ["days_since_created", "days_since_last_engagement", "hour_local", "weekday_local"],
  engagement: ["score", "opens", "clicks", "replies"],
};
const EVENTS = ["opened", "clicked", "replied", "visited", "booked"];
const STAGES = ["new", "nurtured", "engaged", "qualified", "customer", "lost"];

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "value") node.value = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function field(label, control, hint) {
  return el("label", { class: "jb-field" }, label, control, hint ? el("span", { class: "muted small" }, hint) : null);
}

function select(options, current, onchange, attrs = {}) {
  const box = el("select", { ...attrs, onchange: (e) => onchange(e.target.value) });
  for (const [value, label] of options) box.append(el("option", { value, selected: String(value) === String(current) }, label));
  return box;
}

function text(value, oninput, attrs = {}) {
  return el("input", { ...attrs, value: value ?? "", oninput: (e) => oninput(e.target.value) });
}

function targets(ctx, self, withFollowing) {
  const options = withFollowing ? [["", "the following step"]] : [];
  ctx.model.steps.forEach((s, i) => { if (s.id !== self) options.push([s.id, `${i + 1}. ${s.id}`]); });
  options.push(["end", "End (journey completed)"]);
  return options;
}

function typed(condition, raw) {
  const numeric = /^-?\d+(\.\d+)?$/.test(raw.trim());
  return numeric && condition.type !== "property" ? Number(raw) : raw;
}

// A rule as an editable group: a bare condition or a flat list becomes {all: [...]} when edited.
function asGroup(rule) {
  if (rule && (Array.isArray(rule.all) || Array.isArray(rule.any))) return rule;
  return { all: Array.isArray(rule) ? rule : rule ? [rule] : [] };
}

export function conditionBuilder(rule, ctx, save, depth = 0) {
  const group = asGroup(rule);
  if (group !== rule) save(group);
  const mode = group.any ? "any" : "all";
  const items = group[mode];
  const redraw = () => { ctx.changed(); ctx.redrawPanel(); };
  const box = el("fieldset", { class: `jb-group depth-${depth}` },
    el("legend", {}, depth ? "Group" : "Conditions"),
    field("Match", select([["all", "all of these (AND)"], ["any", "any of these (OR)"]], mode, (v) => {
      delete group[mode]; group[v] = items; redraw();
    }, { "aria-label": "Match all or any" })));
  const list = el("ul", { class: "jb-conditions" });
  items.forEach((item, i) => {
    const remove = el("button", { type: "button", class: "btn small", onclick: () => { items.splice(i, 1); redraw(); } }, "Remove");
    if (item && !Array.isArray(item) && (item.all || item.any)) {
      list.append(el("li", {}, conditionBuilder(item, ctx, (g) => { items[i] = g; }, depth + 1), remove));
      return;
    }
    const c = item;
    const listId = `jb-fields-${depth}-${i}-${c.type}`;
    const value = text(c.value === undefined ? "" : String(c.value), (v) => { c.value = typed(c, v); ctx.changed(); },
      { "aria-label": "Value", class: "jb-value", hidden: c.operator === "exists" });
    const row = el("li", { class: "jb-condition" },
      select(Object.keys(FIELDS).map((k) => [k, k]), c.type, (v) => { c.type = v; redraw(); }, { "aria-label": "Condition type" }),
      text(c.field, (v) => { c.field = v; ctx.changed(); }, { "aria-label": "Field", list: listId, class: "jb-cfield" }),
      el("datalist", { id: listId }, FIELDS[c.type].map((f) => el("option", { value: f }))),
      select(OPERATORS.map((o) => [o, o.replace("_", " ")]), c.operator, (v) => {
        c.operator = v; if (v === "exists") delete c.value; else if (c.value === undefined) c.value = ""; redraw();
      }, { "aria-label": "Operator" }),
      value);
    if (c.type === "behavior") {
      row.append(select([["", "ever"], ...ctx.model.steps.map((s) => [s.id, `since ${s.id}`])], c.since_step || "", (v) => {
        if (v) c.since_step = v; else delete c.since_step; ctx.changed();
      }, { "aria-label": "Counted since" }));
    }
    row.append(remove);
    list.append(row);
  });
  box.append(list, el("div", { class: "jb-actions" },
    el("button", { type: "button", class: "btn small", onclick: () => {
      items.push({ type: "property", field: "region", operator: "equals", value: "" }); redraw();
    } }, "+ Condition"),
    el("button", { type: "button", class: "btn small", onclick: () => {
      items.push({ any: [{ type: "behavior", field: "opened", operator: "exists" }] }); redraw();
    } }, "+ Nested group")));
  return box;
}

function templateChips(ctx, inputs) {
  let last = inputs[inputs.length - 1];
  inputs.forEach((input) => input.addEventListener("focus", () => { last = input; }));
  return el("p", { class: "jb-chips" }, el("span", { class: "muted small" }, "Lead fields: "),
    ctx.templateFields.map((name) => el("button", { type: "button", class: "chip", onclick: () => {
      const at = last.selectionStart ?? last.value.length;
      last.value = `${last.value.slice(0, at)}{${name}}${last.value.slice(at)}`;
      last.dispatchEvent(new Event("input"));
      last.focus();
    } }, `{${name}}`)));
}

function stepFields(step, ctx) {
  const set = (key) => (v) => { if (v === "" || v === undefined) delete step[key]; else step[key] = v; ctx.changed(); };
  const redraw = () => { ctx.changed(); ctx.redrawPanel(); };
  switch (step.type) {
    case "send": {
      const subject = text(step.subject, set("subject"), { name: "subject", maxlength: 150 });
      const body = el("textarea", { name: "body", rows: 5, maxlength: 3000, oninput: (e) => set("body")(e.target.value) });
      body.value = step.body ?? "";
      const texting = step.channel === "sms" || step.channel === "chat";  // no subject line there
      return [
        field("Channel", select([["email", "email"], ["sms", "sms"], ["chat", "chat"], ["auto", "auto (the lead's preferred)"]],
          step.channel, (v) => { step.channel = v; if (v === "sms" || v === "chat") delete step.subject; redraw(); }, { name: "channel" })),
        texting ? null : field("Subject", subject, "used when it goes by email"),
        field("Message", body), templateChips(ctx, texting ? [body] : [subject, body]),
      ];
    }
    case "wait": {
      const mode = step.until_event ? "event" : step.until_day !== undefined ? "day" : "duration";
      const parts = [field("Wait", select([["duration", "for a while"], ["day", "until day N of the journey"], ["event", "until the lead does something"]],
        mode, (v) => {
          for (const k of ["duration", "until_day", "until_event", "timeout", "since_step"]) delete step[k];
          if (v === "duration") step.duration = "1d";
          if (v === "day") step.until_day = 2;
          if (v === "event") { step.until_event = ["opened"]; step.timeout = "2d"; }
          redraw();
        }, { name: "wait_mode" }))];
      if (mode === "duration") parts.push(field("How long", text(step.duration, set("duration"), { name: "duration" }), "30s, 15m, 2h, 2d or 1w"));
      if (mode === "day") parts.push(field("Day", text(step.until_day, (v) => set("until_day")(v === "" ? "" : Number(v)), { name: "until_day", type: "number", min: 1 })));
      if (mode === "event") {
        parts.push(el("fieldset", { class: "jb-events" }, el("legend", {}, "Any of"), EVENTS.map((ev) => el("label", { class: "check" },
          el("input", { type: "checkbox", checked: step.until_event.includes(ev), onchange: (e) => {
            step.until_event = EVENTS.filter((x) => (x === ev ? e.target.checked : step.until_event.includes(x))); ctx.changed();
          } }), ev))));
        parts.push(field("At most", text(step.timeout, set("timeout"), { name: "timeout" }), "then it goes on anyway"));
        parts.push(field("Counting since", select([["", "the journey start"], ...ctx.model.steps.filter((s) => s.id !== step.id).map((s) => [s.id, s.id])],
          step.since_step || "", set("since_step"), { name: "since_step" })));
      }
      return parts;
    }
    case "branch":
      return [
        ...step.cases.map((c, i) => el("div", { class: "jb-case" }, el("h4", {}, `Case ${i + 1}`),
          conditionBuilder(c.when, ctx, (g) => { c.when = g; }),
          field("Then go to", select(targets(ctx, step.id, false), c.next, (v) => { c.next = v; ctx.changed(); }, { name: `case_${i}_next` })),
          step.cases.length > 1 ? el("button", { type: "button", class: "btn small", onclick: () => { step.cases.splice(i, 1); redraw(); } }, "Remove case") : null)),
        el("button", { type: "button", class: "btn small", onclick: () => {
          step.cases.push({ when: { all: [{ type: "behavior", field: "clicked", operator: "exists" }] }, next: "end" }); redraw();
        } }, "+ Case"),
        field("Otherwise go to", select(targets(ctx, step.id, false), step.default, set("default"), { name: "default" })),
      ];
    case "handoff":
      return [field("To", select(["human", "sms_agent", "email_agent", "chat_agent"].map((t) => [t, t.replace("_", " ")]), step.to, set("to"), { name: "to" })),
        field("Reason", text(step.reason, set("reason"), { name: "reason" }))];
    case "update_lead":
      return [field("Stage", select([["", "unchanged"], ...STAGES.map((s) => [s, s])], step.set?.stage || "", (v) => {
        step.set = { ...(step.set || {}) }; if (v) step.set.stage = v; else delete step.set.stage;
        if (!Object.keys(step.set).length) delete step.set; ctx.changed();
      }, { name: "stage" })),
      field("Score change", text(step.score_delta ?? 0, (v) => set("score_delta")(Number(v) || ""), { name: "score_delta", type: "number" }))];
    case "goal":
      return [conditionBuilder(step.when, ctx, (g) => { step.when = g; })];
    default:
      return [field("Reason", text(step.reason, set("reason"), { name: "reason" }))];
  }
}

function journeyFields(ctx) {
  const m = ctx.model;
  const set = (obj, key) => (v) => { if (v === "") delete obj[key]; else obj[key] = v; ctx.changed(); };
  const t = m.trigger;
  const rule = (obj, key, label, first) => (obj[key]
    ? el("div", {}, el("h4", {}, label), conditionBuilder(obj[key], ctx, (g) => { obj[key] = g; }),
      el("button", { type: "button", class: "btn small", onclick: () => { delete obj[key]; ctx.changed(); ctx.redrawPanel(); } }, `Remove: ${label}`))
    : el("button", { type: "button", class: "btn small", onclick: () => {
      obj[key] = { all: [first] }; ctx.changed(); ctx.redrawPanel();
    } }, `+ ${label}`));
  const booked = { type: "behavior", field: "booked", operator: "exists" };
  return [
    el("h3", {}, "Journey"),
    field("Id", text(m.id, set(m, "id"), { name: "journey_id", readonly: !ctx.isNew, pattern: "[a-z0-9][a-z0-9-]*" }), ctx.isNew ? "lower case, digits and dashes" : null),
    field("Name", text(m.name, set(m, "name"), { name: "journey_name" })),
    field("Description", text(m.description, set(m, "description"), { name: "description" })),
    field("Entry", select([["new_lead", "a new lead"], ["event", "an event"], ["condition", "a condition is met"], ["schedule", "a schedule"], ["webhook", "enrolled by hand or webhook"]],
      t.type, (v) => { t.type = v; ctx.changed(); ctx.redrawPanel(); }, { name: "trigger" })),
    t.type === "event" ? field("Event", text(t.event, set(t, "event"), { name: "trigger_event" })) : null,
    t.type === "schedule" ? field("Schedule (cron)", text(t.schedule, set(t, "schedule"), { name: "trigger_schedule" })) : null,
    rule(t, "when", "Who qualifies", { type: "property", field: "region", operator: "exists" }),
    rule(m, "goal", "Goal (leaves converted)", booked),
    rule(m, "exit", "Exit criteria", { type: "property", field: "stage", operator: "equals", value: "lost" }),
  ];
}

export function renderPanel(box, ctx) {
  box.replaceChildren();
  const index = ctx.selected;
  const step = ctx.model.steps[index];
  if (!step) {
    box.append(...journeyFields(ctx).filter(Boolean));
    return;
  }
  const mine = ctx.problems.filter((p) => p.step === index);
  box.append(
    el("h3", {}, `Step ${index + 1} · ${KINDS[step.type]}`),
    el("ul", { class: "jb-step-problems", role: "alert", hidden: !mine.length }, mine.map((p) => el("li", {}, p.message))),
    field("Id", text(step.id, (v) => ctx.rename(index, v), { name: "step_id" }), "lower case; other steps refer to it"),
    field("Name", text(step.name, (v) => { if (v) step.name = v; else delete step.name; ctx.changed(); }, { name: "step_name" })),
    ...stepFields(step, ctx).filter(Boolean),
  );
  if (step.type !== "branch" && step.type !== "exit") {
    box.append(field("Then go to", select(targets(ctx, step.id, true), step.next || "", (v) => {
      if (v) step.next = v; else delete step.next; ctx.changed();
    }, { name: "next" })));
  }
  box.append(el("div", { class: "jb-actions" },
    el("button", { type: "button", class: "btn small", onclick: () => ctx.move(index, -1) }, "Move up"),
    el("button", { type: "button", class: "btn small", onclick: () => ctx.move(index, 1) }, "Move down"),
    el("button", { type: "button", class: "btn small danger", onclick: () => ctx.remove(index) }, "Delete step")));
}
