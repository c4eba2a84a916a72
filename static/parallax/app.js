// Parallax: small progressive enhancements on top of htmx. Pages work without this file.
document.addEventListener("htmx:beforeRequest", (event) => {
  // The reader: mark the claim whose matches are being loaded.
  const source = event.detail.elt;
  if (source.classList && source.classList.contains("claim")) {
    document.querySelectorAll(".reader .claim.selected").forEach((el) => el.classList.remove("selected"));
    source.classList.add("selected");
  }
});

// The review queue: one key per action. Each key names an element of the page by its
// data-keys attribute; a key clicks it (a form field gets the focus instead). Keys typed
// into the note are text, not commands: Escape leaves the note.
document.addEventListener("keydown", (event) => {
  if (!document.getElementById("review-panel")) return;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const typing = event.target.closest && event.target.closest("input, textarea, select, [contenteditable]");
  if (typing) {
    if (event.key === "Escape") event.target.blur();
    return;
  }
  // One action at a time: keys pressed while a request or swap is under way are dropped
  // (a button htmx has not taken over yet would submit the old-fashioned way).
  if (document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")) return;
  const target = Array.from(document.querySelectorAll("[data-keys]")).find((el) =>
    el.dataset.keys.split(" ").includes(event.key),
  );
  if (!target) return;
  event.preventDefault();
  if (target.matches("input, textarea, select")) target.focus();
  else target.click();
});
