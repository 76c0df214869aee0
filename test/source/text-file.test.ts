import { describe, expect, it } from "vitest";
import { decodeUtf8, firstInvalidUtf8 } from "../../src/source/text-file";

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : Buffer.from(p))));

describe("decodeUtf8", () => {
  it("refuses a Latin-1 byte, naming line, column and offset", () => {
    expect(decodeUtf8("fleet.yaml", bytes("nodes:\n  a:\n    displayName: Caf", [0xe9], "\n"))).toEqual({
      issue: expect.objectContaining({ line: 3, col: 21, code: "encoding",
        message: "the file is not UTF-8: byte 0xE9 (file offset 32) is not valid here; save the file as UTF-8" }),
    });
  });

  it("keeps a byte-order mark so that a rewrite keeps it too", () => {
    expect(decodeUtf8("f.yaml", bytes([0xef, 0xbb, 0xbf], "a: é\n"))).toEqual({ text: "\uFEFFa: é\n" });
  });
});

describe("firstInvalidUtf8", () => {
  it.each([
    ["an overlong slash", [0x61, 0xc0, 0xaf], 1],
    ["a surrogate", [0xed, 0xa0, 0x80], 0],
    ["a code point past U+10FFFF", [0xf4, 0x90, 0x80, 0x80], 0],
    ["a truncated sequence", [0x61, 0x62, 0xe2, 0x82], 2],
    ["a stray continuation byte", [0x80], 0],
  ])("finds %s", (_, input, offset) => {
    expect(firstInvalidUtf8(Uint8Array.from(input))).toBe(offset);
  });

  it("accepts 2-, 3- and 4-byte characters", () => {
    expect(firstInvalidUtf8(Buffer.from("é € 😀"))).toBe(-1);
  });
});
