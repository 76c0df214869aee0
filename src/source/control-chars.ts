/** Characters that act on a terminal or a reader instead of showing themselves: C0 and
 *  C1 controls and DEL (escape sequences can clear a screen or retitle a terminal, a
 *  line feed forges a line of output), the Unicode line and paragraph separators, and
 *  the bidirectional controls that make text read other than it is ("trojan source"). */
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;

function escaped(char: string): string {
  const code = char.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** `text` with every control character written out as `\xNN` or `\uNNNN`, so a value
 *  quoted in a message shows what it holds and does nothing else. */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, escaped);
}

/** Like escapeControl, for multi-line output a command itself laid out: line feeds and
 *  tabs stay. */
export function escapeControlKeepLines(text: string): string {
  return text.replace(CONTROL_BUT_LINES, escaped);
}

/** The first control character of `text`, as `U+001B`, or undefined. */
export function firstControl(text: string): string | undefined {
  const found = text.match(new RegExp(CONTROL.source));
  return found ? `U+${found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}` : undefined;
}
