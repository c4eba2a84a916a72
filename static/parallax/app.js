// Parallax: small progressive enhancements on top of htmx. Pages work without this file.
document.addEventListener("htmx:beforeRequest", (event) => {
  // The reader: mark the claim whose matches are being loaded.
  const source = event.detail.elt;
  if (source.classList && source.classList.contains("claim")) {
    document.querySelectorAll(".reader .claim.selected").forEach((el) => el.classList.remove("selected"));
    source.classList.add("selected");
  }
});

// The keyboard queues (review, discrepancies): one key per action. Each key names an element
// of the page by its data-keys attribute; a key clicks it (a form field gets the focus
// instead). Keys typed into a field (the note) are text, never commands: Escape leaves it.
//
// A key acts only on the panel the person is looking at. While the panel is being replaced
// (its request in flight, the new one swapping in and settling) no key is a command: it is
// ignored, and #queue-key-status says so; the old panel is inert meanwhile, so neither a click
// nor the focus lands in it. A key pressed just after a new panel appeared (FRESH_MS) was
// meant for the old one, and is ignored too. Once a key was ignored, the keys after it are
// part of the same burst (a note typed after "e" went nowhere; "1 1 1"): they are ignored
// until the person pauses (PAUSE_MS with no key, counted from the panel settling at the
// earliest) or presses Escape. #queue-key-status tells the state in data-state: "busy",
// "held" or "ready".
const PANEL = "review-panel";
const FRESH_MS = 300;
const PAUSE_MS = 1000;
const keyboardQueue = {
  requests: new Set(), // the queue's requests in flight (their XMLHttpRequest)
  clicking: false, // a key has just clicked something that may start a request
  readyAt: -Infinity, // when a new panel last settled
  held: false, // keys were ignored: more are, until a pause
  lastIgnored: -Infinity,
  ignored: [],
  timer: null,
};

function queueBusy() {
  const q = keyboardQueue;
  return (
    q.clicking ||
    q.requests.size > 0 ||
    document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added") !== null
  );
}

function queueKeyState() {
  const q = keyboardQueue;
  const now = performance.now();
  if (queueBusy()) return "busy";
  if (now - q.readyAt < FRESH_MS) return "held";
  if (q.held && now - Math.max(q.lastIgnored, q.readyAt) < PAUSE_MS) return "held";
  q.held = false;
  return "ready";
}

function refreshQueueKeys() {
  const q = keyboardQueue;
  const state = queueKeyState();
  const status = document.getElementById("queue-key-status");
  if (status) status.dataset.state = state;
  clearTimeout(q.timer);
  if (state === "held") {
    const now = performance.now();
    const until = Math.max(q.readyAt + FRESH_MS, q.held ? Math.max(q.lastIgnored, q.readyAt) + PAUSE_MS : 0);
    q.timer = setTimeout(refreshQueueKeys, Math.max(until - now, 0) + 10);
  }
  return state;
}

function sayQueueKeys(text) {
  const status = document.getElementById("queue-key-status");
  if (status) status.textContent = text;
}

function ignoreQueueKey(event) {
  const q = keyboardQueue;
  event.preventDefault();
  if (!q.held) q.ignored = [];
  q.held = true;
  q.lastIgnored = performance.now();
  q.ignored.push(event.key === " " ? "Space" : event.key);
  const [first, ...after] = q.ignored;
  const more = after.length ? ` and ${after.length} key${after.length === 1 ? "" : "s"} after it` : "";
  sayQueueKeys(
    `Busy — key “${first}”${more} ignored: the page was changing, nothing was saved. ` +
      "Look at what is shown now, pause, then press again.",
  );
  refreshQueueKeys();
}

function isQueueRequest(detail) {
  const panel = document.getElementById(PANEL);
  if (!panel) return false;
  return (detail.target && detail.target.id === PANEL) || panel.contains(detail.elt);
}

document.addEventListener("htmx:beforeRequest", (event) => {
  if (!isQueueRequest(event.detail)) return;
  keyboardQueue.requests.add(event.detail.xhr);
  const panel = document.getElementById(PANEL);
  panel.inert = true;
  panel.setAttribute("aria-busy", "true");
  refreshQueueKeys();
});

document.addEventListener("htmx:afterRequest", (event) => {
  // Also when nothing was swapped (an error, an abort): the panel shown is usable again.
  if (!keyboardQueue.requests.delete(event.detail.xhr)) return;
  const panel = document.getElementById(PANEL);
  if (panel && keyboardQueue.requests.size === 0) {
    panel.inert = false;
    panel.removeAttribute("aria-busy");
  }
  refreshQueueKeys();
});

document.addEventListener("htmx:afterSettle", () => {
  if (!document.getElementById(PANEL)) return;
  keyboardQueue.readyAt = performance.now();
  refreshQueueKeys();
});

document.addEventListener("keydown", (event) => {
  if (!document.getElementById(PANEL)) return;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const typing = event.target.closest && event.target.closest("input, textarea, select, [contenteditable]");
  if (typing) {
    if (event.key === "Escape") event.target.blur();
    return;
  }
  const q = keyboardQueue;
  if (event.key === "Escape" && q.held && !queueBusy()) {
    q.held = false; // the person has seen the sign: keys are commands again
    refreshQueueKeys();
    return;
  }
  const target = Array.from(document.querySelectorAll("[data-keys]")).find((el) =>
    el.dataset.keys.split(" ").includes(event.key),
  );
  // A command, or a character typed (text meant for a field, or the next command).
  if (!target && event.key.length !== 1) return;
  if (refreshQueueKeys() !== "ready") {
    ignoreQueueKey(event);
    return;
  }
  if (!target) return;
  event.preventDefault();
  sayQueueKeys("");
  if (target.matches("input, textarea, select")) {
    target.focus();
    return;
  }
  // htmx starts its request from the click; until it has, this key counts as one.
  q.clicking = true;
  target.click();
  setTimeout(() => {
    q.clicking = false;
    refreshQueueKeys();
  }, 0);
});
