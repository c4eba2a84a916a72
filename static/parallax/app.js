// Parallax: small progressive enhancements on top of htmx. Pages work without this file.
document.addEventListener("htmx:beforeRequest", (event) => {
  // The reader: mark the claim whose matches are being loaded.
  const source = event.detail.elt;
  if (source.classList && source.classList.contains("claim")) {
    document.querySelectorAll(".reader .claim.selected").forEach((el) => el.classList.remove("selected"));
    source.classList.add("selected");
  }
});
