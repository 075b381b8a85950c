// The agents dashboard: phone tabs, the tablet details drawer, dialogs, thread
// navigation and keyboard shortcuts (listed in the "?" dialog).
(() => {
  const ops = () => document.getElementById("ops");
  const threads = () => [...document.querySelectorAll("#threads > .thread")];
  const current = () => document.querySelector("#threads > .thread.current");

  function showPane(name) {
    const root = ops();
    if (!root) return;
    root.dataset.pane = name;
    document.querySelectorAll("[data-pane-tab]").forEach((tab) => {
      tab.setAttribute("aria-current", String(tab.dataset.paneTab === name));
    });
  }

  function selectThread(thread) {
    if (!thread) return;
    threads().forEach((t) => t.classList.toggle("current", t === thread));
    const box = thread.querySelector("details.thread-box");
    if (box && !box.open) box.open = true;
    showPane("feed");
    thread.scrollIntoView({ block: "start", behavior: "smooth" });
    thread.focus({ preventScroll: true });
  }

  function step(delta) {
    const list = threads();
    if (!list.length) return;
    const index = list.indexOf(current());
    selectThread(list[Math.min(list.length - 1, Math.max(0, index + delta))] || list[0]);
  }

  // The pending approval the shortcuts act on: the focused card, else the one in the current thread.
  function pendingCard() {
    const card = document.activeElement?.closest?.(".approval") || current()?.querySelector(".approval .approve-all")?.closest(".approval");
    return card?.querySelector(".approve-all") ? card : null;
  }

  function hint(message) {
    const flash = document.getElementById("flash");
    if (!flash) return;
    const toast = document.createElement("div");
    toast.className = "toast flash notice";
    toast.setAttribute("role", "status");
    toast.textContent = message;
    flash.prepend(toast);
    setTimeout(() => toast.remove(), 4000);
  }

  const typing = (el) => el.closest?.("input, textarea, select, [contenteditable]");
  let lastG = 0; // "g" then "c" within a second: the command center

  const keys = {
    j: () => step(1),
    k: () => step(-1),
    r: () => {
      const agent = ops()?.dataset.selectedAgent;
      const button = agent && document.querySelector(`#agent-${CSS.escape(agent)} .run-now`);
      if (button) button.click();
      else hint(agent ? "Only managers can run workflows." : "Select a workflow first (click its name).");
    },
    a: () => {
      const card = pendingCard();
      if (card) card.querySelector(".approve-all").click(); // asks for confirmation (hx-confirm)
      else hint("No pending approval you can decide here: select its thread with j/k.");
    },
    d: () => {
      const card = pendingCard();
      if (card) {
        const deny = card.querySelector('[data-part="deny"]');
        if (deny?.hidden) card.querySelector('[data-reveal="deny"]').click();
        else deny?.querySelector("input[name=reason]")?.focus();
      } else hint("No pending approval you can decide here: select its thread with j/k.");
    },
    "?": () => document.getElementById("help-dialog")?.showModal(),
  };

  document.addEventListener("keydown", (evt) => {
    if (evt.ctrlKey || evt.metaKey || evt.altKey || typing(evt.target)) return;
    if (evt.key === "Escape") {
      ops()?.classList.remove("show-details");
      return;
    }
    if (document.querySelector("dialog[open]")) return;
    if (evt.key === "c" && Date.now() - lastG < 1000) {
      window.location.href = "/command";
      return;
    }
    lastG = evt.key === "g" ? Date.now() : 0;
    const action = keys[evt.key];
    if (action) {
      evt.preventDefault();
      action();
    }
  });

  document.addEventListener("click", (evt) => {
    const tab = evt.target.closest("[data-pane-tab]");
    if (tab) showPane(tab.dataset.paneTab);
    if (evt.target.closest("[data-toggle-details]")) ops()?.classList.toggle("show-details");
    const opener = evt.target.closest("[data-dialog]");
    if (opener) document.getElementById(opener.dataset.dialog)?.showModal();
    if (evt.target.matches("dialog")) evt.target.close(); // a click on the backdrop
    const head = evt.target.closest("#threads > .thread");
    if (head) threads().forEach((t) => t.classList.toggle("current", t === head));
    // History rows link to their run's page; when the thread is in the feed, go there instead.
    const link = evt.target.closest("[data-thread]");
    const thread = link && document.getElementById(`thread-${link.dataset.thread}`);
    if (thread) {
      evt.preventDefault();
      selectThread(thread);
    }
  });

  showPane(ops()?.dataset.pane || "feed");
  document.addEventListener("htmx:afterSettle", () => showPane(ops()?.dataset.pane || "feed"));
})();
