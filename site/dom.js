// The page's little helpers, once: making an element, and writing a size or a count.

// An element with attributes and text; text is never parsed as HTML, so any name is shown as it is.
export function element(tag, attributes = {}, text = "") {
  const made = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, value);
  if (text) made.textContent = text;
  return made;
}

export const MB = (bytes) => (bytes / 1e6).toFixed(1); // "1.2" (MB)

export const plural = (count, word) => `${count.toLocaleString("en")} ${word}${count === 1 ? "" : "s"}`;
