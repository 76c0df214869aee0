import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { registrationUrlProblem } from "../../src/stack/registration-url";
import { readStackFile } from "../../src/stack/stack-file";

const ROOT = join(__dirname, "../..");

describe("registrationUrlProblem", () => {
  it.each(["https://platform.example.com/api/nodes", "http://127.0.0.1:8080/api/nodes", "http://127.8.9.10/x",
    "http://localhost:3000/api/nodes", "http://[::1]:8080/api/nodes"])("accepts %s", (url) => {
    expect(registrationUrlProblem(url)).toBeUndefined();
  });

  it("refuses plain http to anything but loopback", () => {
    expect(registrationUrlProblem("http://platform.example.com/api/nodes"))
      .toBe('must use https:// (plain http:// only for loopback addresses, not "platform.example.com")');
    expect(registrationUrlProblem("http://10.0.0.5/api/nodes")).toMatch(/^must use https:\/\//);
    expect(registrationUrlProblem("http://localhost.example.com/api")).toMatch(/^must use https:\/\//);
  });

  it("refuses credentials inside the URL, even over https", () => {
    expect(registrationUrlProblem("https://ops:hunter2@platform.example.com/api/nodes"))
      .toBe("must not contain credentials (user:password@); the token is the secret registrationToken");
    expect(registrationUrlProblem("https://token@platform.example.com/api/nodes")).toMatch(/^must not contain credentials/);
  });

  it("refuses a query string or fragment, even an empty one", () => {
    const message = "must not contain a query (?…) or fragment (#…): the node's name is appended to the path, and the token is the secret registrationToken";
    expect(registrationUrlProblem("https://platform.example.com/api/nodes?token=abc")).toBe(message);
    expect(registrationUrlProblem("https://platform.example.com/api/nodes?")).toBe(message);
    expect(registrationUrlProblem("https://platform.example.com/api/nodes#x")).toBe(message);
  });

  it("refuses other schemes and text that is not a URL", () => {
    expect(registrationUrlProblem("ftp://platform.example.com/nodes")).toBe("must be an https:// URL, not ftp://");
    expect(registrationUrlProblem("platform.example.com/api")).toMatch(/^is not a URL/);
  });
});

describe("the registrationUrl stack setting", () => {
  function issuesFor(url: string) {
    const dir = mkdtempSync(join(tmpdir(), "stack-"));
    try {
      const text = readFileSync(join(ROOT, "Pulumi.dev.yaml"), "utf8")
        .replace(/^ {2}node-fleet:registrationUrl: .*$/m, `  node-fleet:registrationUrl: ${url}`);
      writeFileSync(join(dir, "Pulumi.dev.yaml"), text);
      return readStackFile(dir, "dev").issues.filter((i) => i.severity === "error");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it("uses the same validator as the register command", () => {
    expect(issuesFor("http://platform.example.com/api/nodes")).toEqual([expect.objectContaining({
      message: expect.stringContaining('node-fleet:registrationUrl: must use https:// (plain http:// only for loopback addresses, not "platform.example.com")'),
    })]);
    expect(issuesFor("https://ops:pw@platform.example.com/api/nodes")).toEqual([expect.objectContaining({
      message: expect.stringContaining("node-fleet:registrationUrl: must not contain credentials"),
    })]);
  });

  it("accepts an https URL", () => {
    expect(issuesFor("https://platform.example.com/api/nodes")).toEqual([]);
  });
});
