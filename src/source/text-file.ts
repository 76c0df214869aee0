import { readFileSync } from "node:fs";
import { issueAt, type Issue } from "./issues";

const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Decodes file bytes as UTF-8, keeping a byte-order mark as U+FEFF so that a rewrite can
 *  keep it too. Bytes that are not UTF-8 are an issue at the first of them: replacing
 *  them with U+FFFD would silently change the file when it is written back. */
export function decodeUtf8(file: string, bytes: Uint8Array): { text: string } | { issue: Issue } {
  try {
    return { text: strict.decode(bytes) };
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const before = strict.decode(bytes.subarray(0, offset));
    const lineStart = before.lastIndexOf("\n") + 1;
    const pos = { file, line: before.split("\n").length, col: before.length - lineStart + 1 };
    const byte = bytes[offset]!.toString(16).toUpperCase().padStart(2, "0");
    return { issue: issueAt(pos, "encoding",
      `the file is not UTF-8: byte 0x${byte} (file offset ${offset}) is not valid here; save the file as UTF-8`) };
  }
}

/** Reads a text file as strict UTF-8 (see decodeUtf8); a file that cannot be read is an
 *  issue too, with the reason. */
export function readTextFile(path: string, file: string, what: string): { text: string } | { issue: Issue } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message;
    return { issue: issueAt({ file, line: 1, col: 1 }, `${what}-file`, `cannot read ${what} file: ${reason}`) };
  }
  return decodeUtf8(file, bytes);
}

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence
 *  (overlong forms, surrogates and code points past U+10FFFF included), or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const extra = lead >= 0xc2 && lead <= 0xdf ? 1 : (lead & 0xf0) === 0xe0 ? 2 : lead >= 0xf0 && lead <= 0xf4 ? 3 : 0;
    if (extra === 0) return i;
    let codePoint = lead & (0x3f >> extra);
    for (let k = 1; k <= extra; k++) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return i;
      codePoint = (codePoint << 6) | (next & 0x3f);
    }
    const smallest = [0, 0x80, 0x800, 0x10000][extra]!;
    if (codePoint < smallest || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return i;
    i += extra + 1;
  }
  return -1;
}
