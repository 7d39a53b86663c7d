// The request form: built from an API's field list, read back into an event body, and
// marked where the gateway named a field in a `field: rule` message.

import { el } from "./dom.js";

const INTEGER = /^-?\d+$/;

/**
 * A form for one API at a time inside `container`. Values typed for one API stay when
 * another is picked, so a meeting ID goes from create to get, edit and delete.
 */
export class RequestForm {
  constructor(container) {
    this.container = container;
    this.values = new Map();
    this.controls = new Map();
    this.api = null;
    this.browserChecks = false;
    this.onChange = () => {};
  }

  /** Shows the fields of `api`. */
  show(api) {
    this.api = api;
    this.controls.clear();
    const parts = api.fields.map((spec) => (spec.group ? this.group(spec) : this.field(spec)));
    this.container.replaceChildren(...parts);
    this.applyBrowserChecks();
  }

  /** Turns the browser's own checks of the limits on or off. */
  setBrowserChecks(on) {
    this.browserChecks = on;
    this.applyBrowserChecks();
  }

  /** Sets a field's value, as if typed, whether or not it is on show now. */
  set(name, value) {
    this.values.set(name, String(value));
    const control = this.controls.get(name);
    if (control) control.input.value = String(value);
    this.onChange();
  }

  get(name) {
    return this.values.get(name) ?? "";
  }

  /** A nested object's fields, folded away until opened or until one of them has a value. */
  group(spec) {
    const hintId = `g-${spec.group}-hint`;
    const used = spec.fields.some((field) => this.get(field.name) !== "");
    return el(
      "details",
      { class: "group", open: used },
      el("summary", {}, spec.legend, el("code", { class: "key" }, spec.group)),
      el(
        "fieldset",
        { "aria-describedby": hintId },
        el("legend", { class: "visually-hidden" }, spec.legend),
        el("p", { class: "hint", id: hintId }, spec.hint),
        el("div", { class: "group-fields" }, ...spec.fields.map((field) => this.field(field))),
      ),
    );
  }

  field(spec) {
    const id = `f-${spec.name.replace(/\./g, "-")}`;
    const hint = el("p", { class: "hint", id: `${id}-hint` }, spec.hint);
    const error = el("p", { class: "field-error", id: `${id}-error`, hidden: true });
    const input = this.input(spec, id);
    input.setAttribute("aria-describedby", hint.id);
    input.addEventListener("input", () => {
      this.values.set(spec.name, input.value);
      this.clearError(spec.name);
      this.onChange();
    });
    const label = el("label", { for: id }, spec.label, el("code", { class: "key" }, spec.name));
    const suggestions =
      spec.suggestions &&
      el(
        "datalist",
        { id: `${id}-list` },
        ...spec.suggestions.map((v) => el("option", { value: v })),
      );
    const wrapper = el(
      "div",
      { class: "field", "data-field": spec.name },
      label,
      input,
      suggestions,
      hint,
      error,
    );
    this.controls.set(spec.name, { spec, input, hint, error, wrapper });
    return wrapper;
  }

  input(spec, id) {
    const value = this.get(spec.name);
    const common = { id, name: spec.name };
    if (spec.kind === "choice" || spec.kind === "flag") {
      const options =
        spec.kind === "flag"
          ? [
              ["", "Not sent"],
              ["true", "true"],
              ["false", "false"],
            ]
          : spec.options;
      const select = el(
        "select",
        common,
        ...options.map(([optionValue, text]) => el("option", { value: String(optionValue) }, text)),
      );
      select.value = value;
      return select;
    }

    const attributes = {
      ...common,
      autocomplete: spec.autocomplete ?? "off",
      spellcheck: "false",
      placeholder: spec.placeholder,
      inputmode: spec.inputMode ?? (spec.kind === "integer" ? "numeric" : undefined),
    };
    let input;
    if (spec.multiline) {
      input = el("textarea", { ...attributes, rows: spec.kind === "json" ? 3 : 4 });
    } else {
      input = el("input", { ...attributes, type: spec.secret ? "password" : "text" });
    }
    if (spec.suggestions) input.setAttribute("list", `${id}-list`);
    input.value = value;
    return input;
  }

  applyBrowserChecks() {
    for (const { spec, input } of this.controls.values()) {
      const on = this.browserChecks;
      toggleAttribute(input, "maxlength", on && spec.maxLength);
      toggleAttribute(
        input,
        "pattern",
        on && (spec.pattern ?? (spec.kind === "integer" ? "-?[0-9]+" : undefined)),
      );
      toggleAttribute(input, "required", on && spec.required ? "" : undefined);
      input.setCustomValidity("");
    }
  }

  /**
   * The body for the current API, or `{ problems }` when a value cannot be written as JSON at
   * all (only the settings field can fail so). Limits are the gateway's to check, unless the
   * browser checks are on.
   */
  read() {
    const body = {};
    const problems = [];
    for (const { spec, input } of this.controls.values()) {
      const text = input.value;
      if (text === "") continue;
      let value;
      try {
        value = parse(spec, text);
      } catch (error) {
        problems.push({ field: spec.name, message: error.message });
        continue;
      }
      if (this.browserChecks) {
        const outOfRange = rangeProblem(spec, value);
        input.setCustomValidity(outOfRange ?? "");
      }
      place(body, spec.name, value);
    }
    return { body, problems };
  }

  /** True when the browser checks are off, or every field passes them (else it says why). */
  reportValidity() {
    if (!this.browserChecks) return true;
    for (const { input } of this.controls.values()) {
      if (!input.reportValidity()) return false;
    }
    return true;
  }

  /**
   * Shows `message` beside the field named `name` (`recurrence.type`, `topic`, ...), marks it
   * invalid and moves focus there. False when this form has no such field.
   */
  showError(name, message) {
    const control = this.controls.get(name);
    if (!control) return false;
    const { input, hint, error, wrapper } = control;
    error.textContent = message;
    error.hidden = false;
    wrapper.classList.add("invalid");
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", `${error.id} ${hint.id}`);
    const folded = input.closest("details");
    if (folded) folded.open = true;
    input.focus();
    return true;
  }

  clearError(name) {
    const control = this.controls.get(name);
    if (!control) return;
    const { input, hint, error, wrapper } = control;
    error.hidden = true;
    error.textContent = "";
    wrapper.classList.remove("invalid");
    input.removeAttribute("aria-invalid");
    input.setAttribute("aria-describedby", hint.id);
  }

  clearErrors() {
    for (const name of this.controls.keys()) this.clearError(name);
  }
}

function parse(spec, text) {
  switch (spec.kind) {
    case "integer":
      // Anything else goes as typed, so the gateway's own check answers it.
      return INTEGER.test(text.trim()) ? Number(text.trim()) : text;
    case "choice":
      return INTEGER.test(text) ? Number(text) : text;
    case "flag":
      return text === "true";
    case "json": {
      let value;
      try {
        value = JSON.parse(text);
      } catch {
        throw new Error("not valid JSON, so it cannot be sent");
      }
      return value;
    }
    default:
      return text;
  }
}

function rangeProblem(spec, value) {
  if (spec.kind !== "integer" || typeof value !== "number") return null;
  if (spec.min !== undefined && value < spec.min) return `At least ${spec.min}.`;
  if (spec.max !== undefined && value > spec.max) return `At most ${spec.max}.`;
  return null;
}

/** Puts `value` at a dotted path such as `recurrence.type`. */
function place(body, path, value) {
  const keys = path.split(".");
  const last = keys.pop();
  let target = body;
  for (const key of keys) {
    target[key] ??= {};
    target = target[key];
  }
  target[last] = value;
}

function toggleAttribute(element, name, value) {
  if (value === undefined || value === false || value === null) element.removeAttribute(name);
  else element.setAttribute(name, String(value));
}
