import { describe, expect, it } from "vitest";
import { escapeControl, escapeControlKeepLines, firstControl } from "../../src/source/control-chars";

describe("escapeControl", () => {
  it("writes C0, DEL and C1 controls out as \\xNN", () => {
    expect(escapeControl("a\x1b]0;title\x07b\x00c\x7fd\x9be")).toBe("a\\x1b]0;title\\x07b\\x00c\\x7fd\\x9be");
  });

  it("writes line breaks out too, so a quoted value cannot forge a line", () => {
    expect(escapeControl("prd\nfleet.yaml:1:1: ok\r")).toBe("prd\\x0afleet.yaml:1:1: ok\\x0d");
  });

  it("writes the Unicode line separators and bidi controls out as \\uNNNN", () => {
    expect(escapeControl("a\u2028b\u202Ec\u2066d")).toBe("a\\u2028b\\u202ec\\u2066d");
  });

  it("leaves printable text, accents and emoji alone", () => {
    expect(escapeControl("Zürich ⚠️ prd-sha-het-de-fsn1-001")).toBe("Zürich ⚠️ prd-sha-het-de-fsn1-001");
  });
});

describe("escapeControlKeepLines", () => {
  it("keeps the line feeds and tabs of output a command laid out, and escapes the rest", () => {
    expect(escapeControlKeepLines("a\tb\nc\x1b[2J\r")).toBe("a\tb\nc\\x1b[2J\\x0d");
  });
});

describe("firstControl", () => {
  it("names the first control character as U+NNNN, or nothing", () => {
    expect(firstControl("ok\x07\x1b")).toBe("U+0007");
    expect(firstControl("ok")).toBeUndefined();
  });
});
