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
    if (keyOf(el)) heard.set(keyOf(el), [++tick, detail]);
    htmx.trigger(el, "live", detail);
  };

  // An event must not be lost to a refresh already under way: a replacing swap (outerHTML) discards, with the
  // old element, the trigger delay an event started on it while its request was out. So once a refresh has
  // settled (htmx has set up the new element), if the element heard an event after its request went out, the
  // element now on the page (the same hx-get) fetches once more.
  let tick = 0;
  const heard = new Map(); // hx-get -> [tick of the newest event fired at it, that event]
  const asked = new Map(); // hx-get -> tick when its latest request went out
  const keyOf = (el) => el?.getAttribute?.("hx-get");
  document.addEventListener("htmx:configRequest", (evt) => {
    const key = keyOf(evt.detail.elt);
    if (heard.has(key)) asked.set(key, tick);
  });
  document.addEventListener("htmx:afterSettle", (evt) => {
    const key = keyOf(evt.detail.requestConfig?.elt); // the element that asked, even if the swap replaced it
    if (!heard.has(key)) return;
    const [at, detail] = heard.get(key);
    if (at <= (asked.get(key) ?? 0)) return;
    liveElements().forEach((el) => { if (keyOf(el) === key) fire(el, detail); });
    asked.set(key, tick);
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
