// The page's little helpers, once: making an element, writing a size or a count, remembering a flag, and a section
// that opens and closes.

// An element with attributes and text; text is never parsed as HTML, so any name is shown as it is.
export function element(tag, attributes = {}, text = "") {
  const made = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, value);
  if (text) made.textContent = text;
  return made;
}

export const MB = (bytes) => (bytes / 1e6).toFixed(1); // "1.2" (MB)

// A flag kept in this browser across visits; none in a private window, where nothing is remembered.
export function remember(key, on) {
  try {
    localStorage.setItem(key, on ? "1" : "");
  } catch {
    // no storage
  }
}

export function remembered(key) {
  try {
    return localStorage.getItem(key) === "1";
  } catch {
    return false;
  }
}

export const plural = (count, word) => `${count.toLocaleString("en")} ${word}${count === 1 ? "" : "s"}`;

// A section shown and hidden by its toggle button, remembered across visits (under the toggle's data-remember);
// opened(on) follows each change. For connect(): its toggle, open, whether it was open last time; and answered,
// which reaches the section only while it is open.
export function section(toggle, view, opened, answered) {
  const isOpen = () => toggle.getAttribute("aria-expanded") === "true";
  function open(on) {
    toggle.setAttribute("aria-expanded", String(on));
    view.hidden = !on;
    remember(toggle.dataset.remember, on); // without storage it starts closed next time
    opened(on);
  }
  toggle.addEventListener("click", () => open(!isOpen()));
  const shell = { toggle, open, remembered: () => remembered(toggle.dataset.remember) };
  return { isOpen, shell: { ...shell, answered: (given) => isOpen() && answered(given) } };
}
