import { describe, expect, it } from "vitest";
import { escapeHtml, html, jsonData } from "../../src/dashboard/html";
import { DashboardBindError, isLoopback, serveDashboard } from "../../src/dashboard/server";

describe("isLoopback", () => {
  it("takes 127.0.0.0/8, ::1 and localhost as loopback and nothing else", () => {
    expect(["127.0.0.1", "127.9.8.7", "::1", "::ffff:127.0.0.1", "localhost"].map(isLoopback)).toEqual([true, true, true, true, true]);
    expect(["0.0.0.0", "::", "10.0.0.5", "192.168.1.2", "dashboard.example.net", "128.0.0.1"].map(isLoopback)).toEqual([false, false, false, false, false, false]);
  });
});

describe("serveDashboard", () => {
  it("refuses a token-less bind to every address when no token is given", async () => {
    await expect(serveDashboard({ host: "0.0.0.0", port: 0, refreshSeconds: 1, load: () => Promise.reject(new Error("not read")) }))
      .rejects.toThrow(DashboardBindError);
    await expect(serveDashboard({ host: "::", port: 0, refreshSeconds: 1, load: () => Promise.reject(new Error("not read")) }))
      .rejects.toThrow("refusing to serve on :: without a token");
  });
});

describe("html", () => {
  it("escapes every interpolated value, in text and in attributes", () => {
    const name = `"><script>alert(1)</script>'`;
    expect(html`<a title="${name}">${name}</a>`.text).toBe(
      "<a title=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#39;\">&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#39;</a>");
  });

  it("keeps only what html itself made, and drops undefined and false", () => {
    expect(html`<p>${html`<b>${"<i>"}</b>`}${undefined}${false}${["<", html`<br>`]}</p>`.text).toBe("<p><b>&lt;i&gt;</b>&lt;<br></p>");
  });

  it("escapes the five characters that change HTML's meaning", () => {
    expect(escapeHtml(`&<>"'`)).toBe("&amp;&lt;&gt;&quot;&#39;");
  });
});

describe("jsonData", () => {
  it("writes a data block that no string inside can close or turn into a comment", () => {
    const block = jsonData("d", ["</script><script>alert(1)</script>", "<!-- x"]).text;
    expect(block).toBe(`<script type="application/json" id="d">["\\u003c/script>\\u003cscript>alert(1)\\u003c/script>","\\u003c!-- x"]</script>`);
    expect(JSON.parse(block.slice(block.indexOf(">") + 1, block.lastIndexOf("<")))).toEqual(["</script><script>alert(1)</script>", "<!-- x"]);
  });
});
