// Keyboard navigation on list pages (queue, approvals, inbox), as on the agents page: j / k move through the
// list named by [data-keynav] (its value selects the items), Enter opens the current one ([data-keynav-open]
// selects the link inside it), ? shows the keys. Off while typing, and on pages without a [data-keynav] list.
(() => {
  const typing = (el) => el.closest?.("input, textarea, select, [contenteditable]");
  const list = () => document.querySelector("[data-keynav]");
  const items = () => {
    const l = list();
    return l ? [...l.querySelectorAll(l.dataset.keynav)] : [];
  };

  let currentId = ""; // live updates re-render the list: the current item is found again by its id

  function move(delta) {
    const all = items();
    if (!all.length) return;
    const at = all.findIndex((el) => el.classList.contains("kb-current"));
    const next = all[at < 0 ? 0 : Math.min(all.length - 1, Math.max(0, at + delta))];
    all.forEach((el) => el.classList.toggle("kb-current", el === next));
    currentId = next.id;
    if (!next.matches("a, button, [tabindex]")) next.setAttribute("tabindex", "-1");
    next.focus({ preventScroll: true });
    next.scrollIntoView({ block: "nearest" });
  }

  function open(current) {
    const selector = list()?.dataset.keynavOpen;
    const target = selector ? current.querySelector(selector) : current;
    target?.click();
  }

  document.addEventListener("keydown", (evt) => {
    if (!list() || evt.ctrlKey || evt.metaKey || evt.altKey || typing(evt.target)) return;
    if (document.querySelector("dialog[open]")) return;
    const current = document.activeElement?.closest?.(".kb-current");
    if (evt.key === "j" || evt.key === "k") {
      evt.preventDefault();
      move(evt.key === "j" ? 1 : -1);
    } else if (evt.key === "Enter" && current && !evt.target.matches("a, button")) {
      evt.preventDefault(); // a focused link opens itself; a card opens its link
      open(current);
    } else if (evt.key === "?") {
      evt.preventDefault();
      document.getElementById("keys-help")?.showModal();
    }
  });
  document.addEventListener("htmx:afterSettle", () => {
    const el = currentId && document.getElementById(currentId);
    if (!el || !list()?.contains(el) || el.classList.contains("kb-current")) return;
    el.classList.add("kb-current");
    if (document.activeElement === document.body) el.focus({ preventScroll: true });
  });
  document.addEventListener("click", (evt) => {
    if (evt.target.matches?.("dialog#keys-help")) evt.target.close(); // a click on the backdrop
  });
})();
