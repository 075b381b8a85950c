// Small behaviours htmx does not cover. No framework.
document.addEventListener("click", (event) => {
  // Buttons that open a <details> form, e.g. "Complete Step".
  const opener = event.target.closest("[data-open]");
  if (opener) {
    const target = document.getElementById(opener.dataset.open);
    if (target) { target.open = true; target.scrollIntoView({ block: "nearest", behavior: "smooth" }); }
  }
});

// Filters that apply on change (<select data-autosubmit>): the CSP forbids inline onchange handlers.
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-autosubmit]")) event.target.form?.requestSubmit();
});

// Keep the chat scrolled to the newest message after every swap.
function scrollChat() {
  const messages = document.getElementById("messages");
  if (messages) messages.scrollTop = messages.scrollHeight;
}
document.addEventListener("DOMContentLoaded", scrollChat);
document.addEventListener("htmx:afterSwap", scrollChat);

// Show server errors from htmx requests instead of failing silently.
document.addEventListener("htmx:responseError", (event) => {
  const status = event.detail.xhr.status;
  if (status === 401) { window.location.href = "/login"; return; }
  const box = document.createElement("p");
  box.className = "flash error";
  box.setAttribute("role", "alert");
  box.textContent = `Request failed (${status}). Please retry.`;
  document.querySelector(".page")?.prepend(box);
});

// Reassign: a choice that breaks the assignment rule says why and needs a reason (the server checks it too).
function reassignWarning(form) {
  const option = form.querySelector("select[name=to_email]")?.selectedOptions[0];
  const box = form.querySelector("[data-reassign-warning]");
  const reason = form.querySelector("input[name=reason]");
  if (!option || !box || !reason) return;
  const warning = option.dataset.warning || "";
  box.hidden = !warning;
  box.textContent = warning ? `⚠ ${warning}. Give a reason to override the rule.` : "";
  reason.required = Boolean(warning);
  reason.placeholder = warning ? "Reason (required)" : "Reason";
}
document.addEventListener("change", (event) => {
  const form = event.target.closest?.("[data-reassign]");
  if (form) reassignWarning(form);
});
function initReassign() { document.querySelectorAll("[data-reassign]").forEach(reassignWarning); }
document.addEventListener("DOMContentLoaded", initReassign);
document.addEventListener("htmx:afterSwap", initReassign);

// The phone header's menu button opens and closes the nav; Esc closes it.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-menu]");
  if (!button) return;
  const open = button.closest(".topbar").classList.toggle("nav-open");
  button.setAttribute("aria-expanded", String(open));
});
document.addEventListener("keydown", (event) => {
  const bar = document.querySelector(".topbar.nav-open");
  if (event.key !== "Escape" || !bar) return;
  bar.classList.remove("nav-open");
  bar.querySelector("[data-menu]")?.setAttribute("aria-expanded", "false");
});
