// The inbox page's own behaviour (htmx and live.js do the rest): which conversation
// is open (highlighted in the list, and sent with the list's live refreshes), the
// thread kept at its newest message unless the reader scrolled up (then a "New
// messages" button says more arrived), and "Use this draft" copying an AI
// suggestion into the reply box.
(() => {
  const thread = () => document.getElementById("inbox-thread");
  const openId = () => thread()?.querySelector("[data-conversation]")?.dataset.conversation || "";
  const messages = () => thread()?.querySelector(".ib-messages");

  const markOpen = () => {
    const id = openId();
    const field = document.querySelector("#inbox-filters input[name=c]");
    if (field) field.value = id;
    document.querySelectorAll("#inbox-list .ib-row").forEach((row) => {
      const open = row.dataset.conversation === id;
      row.classList.toggle("selected", open);
      if (open) row.setAttribute("aria-current", "true"); else row.removeAttribute("aria-current");
    });
  };

  const atNewest = (list) => list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  const toNewest = () => {
    const list = messages();
    if (list) list.scrollTop = list.scrollHeight;
    thread()?.querySelector(".ib-thread")?.removeAttribute("data-new-below");
  };
  let stick = true; // was the reader at the newest message before this refresh?
  document.addEventListener("htmx:beforeSwap", (evt) => {
    const list = messages();
    if (list && evt.detail.target === list) stick = atNewest(list);
  });
  document.addEventListener("htmx:afterSwap", (evt) => {
    const target = evt.detail.target;
    if (target === thread()) { markOpen(); toNewest(); }
    else if (target.id === "inbox-list") markOpen();
    else if (target === messages()) {
      if (stick) toNewest();
      else if (!atNewest(target)) target.closest(".ib-thread").dataset.newBelow = "";
    }
  });
  document.addEventListener("scroll", (evt) => {
    if (evt.target === messages() && atNewest(evt.target)) evt.target.closest(".ib-thread").removeAttribute("data-new-below");
  }, true);
  // Back and forward restore the page from htmx's history: the open conversation changed with it.
  document.addEventListener("htmx:historyRestore", () => { markOpen(); toNewest(); });

  document.addEventListener("click", (evt) => {
    if (evt.target.closest(".ib-newer")) { toNewest(); return; }
    const use = evt.target.closest("[data-use-draft]");
    if (!use) return;
    const box = thread()?.querySelector(".ib-reply textarea");
    const draft = use.closest(".ib-draft")?.querySelector(".ib-draft-body");
    if (!box || !draft) return;
    box.value = draft.textContent.trim();
    box.focus();
  });

  document.addEventListener("DOMContentLoaded", toNewest);
})();
