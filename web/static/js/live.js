// Live updates without polling: one EventSource per page, for the topics its
// [data-live] elements name. Each event triggers "live" on the elements it
// concerns, and they re-fetch themselves with htmx (hx-trigger="live ...").
//   data-live="topic ..."   the topics the element follows
//   data-live-children="topic ..."  topics of elements that will be swapped in later (subscribed from the start)
//   data-live-key="id"      only events whose ref, payload.agent_id, payload.workflow_id or payload.lead_id is this id
//   data-live-status="s"    the status the element shows: an event reporting that same status is news to nobody
//   data-live-new="prefix"  only events about something not on the page yet (no element #prefix+ref)
//   data-live-param="name"  sends the event's ref as this query parameter
//   data-seq-cursor         an append-only list: sends after=<largest data-seq among its items>
(() => {
  const liveElements = () => document.querySelectorAll("[data-live]");
  const topicsOf = (el) => el.dataset.live.split(/\s+/).filter(Boolean);
  const later = [...document.querySelectorAll("[data-live-children]")].flatMap((el) => el.dataset.liveChildren.split(/\s+/));
  const topics = new Set([...[...liveElements()].flatMap(topicsOf), ...later].filter(Boolean));
  if (!topics.size || !window.EventSource) return;

  const concerns = (el, event) => {
    if (!topicsOf(el).includes(event.topic)) return false;
    const key = el.dataset.liveKey;
    const payload = event.payload || {};
    if (key && ![event.ref, payload.agent_id, payload.workflow_id, payload.lead_id].includes(key)) return false;
    if (el.dataset.liveStatus && el.dataset.liveStatus === payload.status) return false;
    const prefix = el.dataset.liveNew;
    return !(prefix && document.getElementById(prefix + event.ref));
  };

  // A refresh replaces the element: wait while the user is typing in it, so their text survives.
  const replaces = (el) => !/^(beforeend|afterbegin)/.test(el.getAttribute("hx-swap") || "");
  const typingIn = (el) => {
    const active = document.activeElement;
    return active && el.contains(active) && active.matches("textarea, select, input:not([type=checkbox]):not([type=radio])");
  };
  const waiting = new WeakSet();
  const fire = (el, detail) => {
    if (replaces(el) && typingIn(el)) {
      if (waiting.has(el)) return;
      waiting.add(el);
      // Only once focus leaves the element: moving to its own button (send the edited draft) must not swap the
      // form away under the click and lose the edit.
      const left = (evt) => {
        if (evt.relatedTarget && el.contains(evt.relatedTarget)) return;
        el.removeEventListener("focusout", left);
        setTimeout(() => { waiting.delete(el); fire(el, detail); });
      };
      el.addEventListener("focusout", left);
      return;
    }
    if (el.id) heard.set(el.id, [++tick, detail]);
    htmx.trigger(el, "live", detail);
  };

  // An event that lands while a live refresh is on its way (its delay counting, or its request out) is lost
  // when that refresh swaps the element out (outerHTML): then the new element fetches once more.
  let tick = 0;
  const heard = new Map(); // element id -> [tick of the newest event fired at it, that event]
  const asked = new Map(); // element id -> tick when its latest live request was sent
  const swapped = new Set();
  document.addEventListener("htmx:configRequest", (evt) => {
    const el = evt.detail.elt;
    if (el?.id && evt.detail.triggeringEvent?.type === "live") asked.set(el.id, tick);
  });
  document.addEventListener("htmx:afterRequest", (evt) => {
    const el = evt.detail.elt;
    if (el?.id && evt.detail.requestConfig?.triggeringEvent?.type === "live") swapped.add(el.id);
  });
  document.addEventListener("htmx:afterSettle", () => {
    swapped.forEach((id) => {
      const [at, detail] = heard.get(id) || [0, null];
      const now = document.getElementById(id);
      if (at > (asked.get(id) ?? 0) && now) {
        asked.set(id, at);
        fire(now, detail);
      }
    });
    swapped.clear();
  });

  const source = new EventSource(`/events/stream?topics=${encodeURIComponent([...topics].join(","))}`);
  let connected = false;
  // <body data-live-state>: "open" or "reconnecting", for the live indicator (and tests that wait for it).
  source.addEventListener("error", () => { document.body.dataset.liveState = "reconnecting"; });
  source.addEventListener("ready", () => {
    document.body.dataset.liveState = "open";
    // After a reconnect the events sent meanwhile are lost: bring every element up to date once.
    if (connected) liveElements().forEach((el) => { if (!el.dataset.liveNew) fire(el, { resync: true }); });
    connected = true;
  });
  topics.forEach((topic) => source.addEventListener(topic, (message) => {
    const event = JSON.parse(message.data);
    liveElements().forEach((el) => { if (concerns(el, event)) fire(el, event); });
  }));

  document.addEventListener("htmx:configRequest", (evt) => {
    const el = evt.detail.elt;
    if (el.hasAttribute("data-seq-cursor")) {
      const seqs = [...el.querySelectorAll(":scope > [data-seq]")].map((item) => Number(item.dataset.seq));
      evt.detail.parameters.after = Math.max(0, ...seqs);
    }
    const ref = evt.detail.triggeringEvent?.detail?.ref;
    if (el.dataset.liveParam && ref) evt.detail.parameters[el.dataset.liveParam] = ref;
  });

  // A live redraw keeps what the reader opened: <details> open before stay open (matched by id, else class, else
  // position), so a panel refreshed by someone else's change does not fold the form the reader was in.
  const detailsKey = (d, i) => d.id || d.className || `#${i}`;
  const opened = new Map();
  document.addEventListener("htmx:beforeSwap", (evt) => {
    const el = evt.detail.elt;
    if (!el?.id || evt.detail.requestConfig?.triggeringEvent?.type !== "live") return;
    opened.set(el.id, new Set([...el.querySelectorAll("details")].filter((d) => d.open).map(detailsKey)));
  });
  document.addEventListener("htmx:afterSettle", () => {
    opened.forEach((keys, id) => {
      document.getElementById(id)?.querySelectorAll("details").forEach((d, i) => { if (keys.has(detailsKey(d, i))) d.open = true; });
    });
    opened.clear();
  });

  // Two events about the same new thing can both fetch it; the second answer is dropped.
  document.addEventListener("htmx:beforeSwap", (evt) => {
    const prefix = evt.detail.elt?.dataset?.liveNew;
    const ref = evt.detail.requestConfig?.triggeringEvent?.detail?.ref;
    if (prefix && ref && document.getElementById(prefix + ref)) evt.detail.shouldSwap = false;
  });
})();
