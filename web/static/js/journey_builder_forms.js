// The builder's two forms: publish the canvas as a new version (which clears "unsaved changes") and dry-run
// it with a sample lead, highlighting the path on the canvas. The state and actions are journey_builder.js's.
import { el } from "./journey_builder_panel.js";

export function attachForms(ctx) {
  const { state, root, api, say, draw, showProblems, redrawPanel, setDirty } = ctx;
  document.getElementById("jb-publish").addEventListener("submit", async (e) => {
    e.preventDefault();
    const form = new FormData(e.target);
    const body = { definition: state.model, note: form.get("note") || "", activate: form.get("activate") === "true" };
    if (state.journeyId === "new") body.positions = state.positions;
    const { status: code, data } = await api("/publish", body);
    const out = document.getElementById("jb-publish-result");
    if (code === 201) {
      setDirty(false);
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

}
