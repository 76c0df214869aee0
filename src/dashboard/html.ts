/** HTML that is already safe to place in a page. Only `html` and `jsonData` make one, so
 *  every value that reaches a page went through `escapeHtml` or `jsonData`'s escaping
 *  unless a template wrote it. */
export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string { return this.text; }
}

/** Text as HTML that shows it and does nothing else, in element content and in
 *  double- or single-quoted attributes alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** A template whose every interpolated value is escaped, except SafeHtml (and arrays of
 *  them) made by this same function; undefined, null and false leave nothing. A node's
 *  display name or a health answer can therefore only ever be text. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += piece(value) + strings[i + 1]!;
  });
  return new SafeHtml(out);
}

function piece(value: unknown): string {
  if (value === undefined || value === null || value === false) return "";
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(piece).join("");
  return escapeHtml(String(value));
}

/** A value as a JSON data block (`<script type="application/json">`), which the page's
 *  script reads and the browser never runs (nor does the policy count it as a script).
 *  Every `<` is written `\u003c`, so no string inside can close the element or open a
 *  comment: a display name of `</script><script>…` stays a string of the data. */
export function jsonData(id: string, value: unknown): SafeHtml {
  return html`<script type="application/json" id="${id}">${new SafeHtml(JSON.stringify(value).replace(/</g, "\\u003c"))}</script>`;
}
