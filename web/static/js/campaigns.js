// Behaviours of the campaign pages that htmx does not cover: inline errors,
// toasts, the approval card's review list, the notifications bell.

// A refused action (409 from the workflow's validator, 403, invalid input) comes
// back with X-Renubu-Inline: swap it where it belongs instead of dropping it.
document.addEventListener("htmx:beforeSwap", (evt) => {
  if (evt.detail.xhr.getResponseHeader("X-Renubu-Inline")) {
    evt.detail.shouldSwap = true;
    evt.detail.isError = false;
  }
});

// Toasts (#flash): dismiss on click, or by themselves after a while.
document.addEventListener("click", (evt) => {
  const close = evt.target.closest(".toast-close");
  if (close) close.closest(".toast").remove();
});
document.addEventListener("htmx:afterSwap", (evt) => {
  if (evt.detail.target?.id === "flash") {  // history restores swap without a target
    const toast = evt.detail.target.firstElementChild;
    setTimeout(() => toast?.remove(), 12000);
  }
});

// Approval cards: Review list / Edit before send / Deny each reveal their part.
function revealPart(card, name) {
  card.querySelectorAll("[data-part]").forEach((part) => {
    part.hidden = part.dataset.part !== name || !part.hidden;
  });
  card.querySelectorAll("[data-reveal]").forEach((button) => {
    const shown = card.querySelector(`[data-part="${button.dataset.reveal}"]`);
    button.setAttribute("aria-expanded", String(Boolean(shown && !shown.hidden)));
  });
  const part = card.querySelector(`[data-part="${name}"]`);
  if (part && !part.hidden) part.querySelector("input:not([type=hidden]):not([type=checkbox]), textarea")?.focus();
}

function countSelected(card) {
  const n = card.querySelectorAll("input[name=item]:checked").length;
  card.querySelectorAll("[data-count]").forEach((el) => { el.textContent = n; });
  const approve = card.querySelector("[data-approve-selected]");
  if (approve) approve.disabled = n === 0;
}

document.addEventListener("click", (evt) => {
  const card = evt.target.closest(".approval");
  if (!card) return;
  const reveal = evt.target.closest("[data-reveal]");
  if (reveal) revealPart(card, reveal.dataset.reveal);
  const check = evt.target.closest("[data-check]");
  if (check) {
    // "Select the worst N": the list is ordered most severe first, so the worst are the first N.
    const worst = check.dataset.check === "worst" ? Number(card.querySelector("[data-worst]")?.value || 0) : 0;
    card.querySelectorAll("input[name=item]").forEach((box, i) => {
      box.checked = check.dataset.check === "all" || i < worst;
    });
    countSelected(card);
  }
});
// Enter in "Select the worst N" selects; it must not submit the form (that would approve).
document.addEventListener("keydown", (evt) => {
  if (evt.key !== "Enter" || !evt.target.matches?.("[data-worst]")) return;
  evt.preventDefault();
  evt.target.closest(".worst")?.querySelector("[data-check=worst]")?.click();
});
document.addEventListener("change", (evt) => {
  if (evt.target.matches(".approval input[name=item]")) countSelected(evt.target.closest(".approval"));
});

// An inline "Deny" in a queue row: focus its reason when opened.
document.addEventListener("toggle", (evt) => {
  if (evt.target.matches?.(".deny-inline") && evt.target.open) evt.target.querySelector("input[name=reason]")?.focus();
}, true);

// The bell: opening it marks the notifications seen; a click elsewhere or Esc closes it.
document.addEventListener("toggle", (evt) => {
  if (evt.target.id === "bell" && evt.target.open) {
    htmx.ajax("POST", "/ui/bell/seen", { target: "#bell", swap: "innerHTML" });
  }
}, true);
document.addEventListener("click", (evt) => {
  const bell = document.getElementById("bell");
  if (bell?.open && !bell.contains(evt.target)) bell.open = false;
});
document.addEventListener("keydown", (evt) => {
  const bell = document.getElementById("bell");
  if (evt.key === "Escape" && bell?.open) bell.open = false;
});

// Forms marked data-reset-on-success clear after the server accepted them.
document.addEventListener("htmx:afterRequest", (evt) => {
  const form = evt.detail.elt;
  if (form?.matches("form[data-reset-on-success]") && evt.detail.xhr.status < 300) form.reset();
});
