// The live desk: the queue, All renewals and Team ([data-desk]) re-render themselves on topic `renewal`
// (live.js triggers them, htmx fetches the view again). Around each re-render this keeps what the person
// had: keyboard focus (the same control of the same card), the page's and the table's scroll position and
// the open "why this score"; and it marks the cards that moved. An Emergency new to a CSM is toasted to
// them on any page ([data-emergency-toast="<their email>"]) and to managers on Team ("*").
(() => {
  const ITEMS = ".qcard[id], tr.qrow[id]";
  const FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]";
  const before = new WeakMap();

  const snapshot = (region) => {
    const active = document.activeElement;
    const item = region.contains(active) ? active.closest(ITEMS) : null;
    return {
      order: [...region.querySelectorAll(ITEMS)].map((el) => el.id),
      focus: item ? { id: item.id, at: [...item.querySelectorAll(FOCUSABLE)].indexOf(active) } : null,
      open: [...region.querySelectorAll(`${ITEMS.split(",")[0]} details[open]`)].map((d) => d.closest(ITEMS).id),
      x: window.scrollX,
      y: window.scrollY,
      sideways: [...region.querySelectorAll(".table-scroll[id]")].map((el) => [el.id, el.scrollLeft]),
    };
  };

  // The cards that moved: those outside the longest run that kept its relative order, and the new ones.
  const moved = (oldOrder, newOrder) => {
    const was = new Map(oldOrder.map((id, i) => [id, i]));
    const kept = newOrder.filter((id) => was.has(id));
    const seq = kept.map((id) => was.get(id));
    const tails = [], prev = new Array(seq.length), tailAt = [];
    seq.forEach((v, i) => {
      let lo = 0, hi = tails.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (tails[mid] < v) lo = mid + 1; else hi = mid; }
      tails[lo] = v; tailAt[lo] = i; prev[i] = lo > 0 ? tailAt[lo - 1] : -1;
    });
    const stayed = new Set();
    for (let i = tails.length ? tailAt[tails.length - 1] : -1; i >= 0; i = prev[i]) stayed.add(kept[i]);
    return newOrder.filter((id) => !stayed.has(id));
  };

  // The filters' URL says only what is set: "/queue?stage=Critical", not "...&due=&q=".
  document.addEventListener("formdata", (evt) => {
    if (!evt.target.matches?.(".desk-filters")) return;
    [...evt.formData.entries()].filter(([, v]) => v === "").forEach(([k]) => evt.formData.delete(k));
  });

  document.addEventListener("htmx:configRequest", (evt) => {
    const region = evt.detail.elt;
    if (!region.matches?.("[data-desk]")) return;
    // As many cards as are shown ("Show more" added some): the re-render keeps them all.
    const cards = region.querySelectorAll(".qcard[id]").length;
    if (cards) evt.detail.parameters.limit = cards;
  });

  document.addEventListener("htmx:beforeSwap", (evt) => {
    const region = evt.detail.target;
    if (region?.matches?.("[data-desk]")) before.set(region, snapshot(region));
  });

  const restoreScroll = (state, region) => {
    window.scrollTo(state.x, state.y);
    state.sideways.forEach(([id, left]) => {
      const box = document.getElementById(id);
      if (box && region.contains(box)) box.scrollLeft = left;
    });
  };

  document.addEventListener("htmx:afterSwap", (evt) => {
    const region = evt.detail.target;
    const state = region && before.get(region);
    if (!state) return;
    state.open.forEach((id) => document.getElementById(id)?.querySelector("details")?.setAttribute("open", ""));
    if (state.focus) {
      const item = document.getElementById(state.focus.id);
      const controls = item ? [...item.querySelectorAll(FOCUSABLE)] : [];
      const target = controls[state.focus.at] || controls[0];
      if (target && region.contains(target)) target.focus({ preventScroll: true });
    }
    restoreScroll(state, region);
  });

  document.addEventListener("htmx:afterSettle", (evt) => {
    const region = evt.detail.target;
    const state = region && before.get(region);
    if (!state) return;
    before.delete(region);
    restoreScroll(state, region); // settling (focus, attributes) must not have moved it either
    // Marked after settling: htmx's settle resets the classes of elements that kept their id.
    const order = [...region.querySelectorAll(ITEMS)].map((el) => el.id);
    const changed = moved(state.order, order);
    changed.forEach((id) => {
      const el = document.getElementById(id);
      el.classList.remove("moved");
      void el.offsetWidth; // restart the highlight when it moves again
      el.classList.add("moved");
      el.addEventListener("animationend", () => el.classList.remove("moved"), { once: true });
    });
    if (changed.length) document.body.dataset.deskMoved = changed.join(" "); // tests wait for it
    document.body.dataset.deskRenders = String(Number(document.body.dataset.deskRenders || 0) + 1);
  });

  // A new Emergency: one toast, linking to it. Its text comes from the event: set as text, never as HTML.
  const toasted = new Set();
  document.addEventListener("live", (evt) => {
    const el = evt.target;
    const p = evt.detail?.payload;
    if (!el.matches?.("[data-emergency-toast]") || !p?.new_emergency) return;
    const who = el.dataset.emergencyToast;
    const mine = who !== "*";
    if (mine && who.toLowerCase() !== String(p.assigned_to || "").toLowerCase()) return;
    const key = `${p.workflow_id}:${p.assigned_to}`;
    if (toasted.has(key)) return;
    toasted.add(key);
    const toast = document.createElement("div");
    toast.className = "toast flash error emergency-toast";
    toast.setAttribute("role", "alert");
    const text = document.createElement("p");
    const link = document.createElement("a");
    link.href = `/renewals/${encodeURIComponent(p.workflow_id)}`;
    link.textContent = p.customer_name || p.workflow_id;
    // Managers read the CSM's name where the page lists the team (the CSM filter), else their address.
    const owner = String(p.assigned_to || "");
    const option = [...document.querySelectorAll("select[name=csm] option")].find((o) => o.value === owner);
    text.append(mine ? "New Emergency in your queue: " : `New Emergency for ${option ? option.textContent : owner}: `, link);
    const close = document.createElement("button");
    close.className = "toast-close";
    close.type = "button";
    close.setAttribute("aria-label", "Dismiss");
    close.textContent = "✕";
    toast.append(text, close);
    document.getElementById("flash")?.prepend(toast);
    setTimeout(() => toast.remove(), 20000);
  });
})();
