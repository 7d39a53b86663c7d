// Building elements without innerHTML: every text from Zoom, the gateway or the user goes in
// as a text node.

/**
 * An element with attributes (`undefined`, `null` and `false` leave one out, `true` sets it
 * empty) and children (strings become text; `null`, `undefined` and `false` are skipped).
 */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    element.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return element;
}

/** The element with this id; a missing one is a bug in index.html, so it throws. */
export function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`index.html has no #${id}`);
  return element;
}
