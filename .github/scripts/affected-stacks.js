#!/usr/bin/env node
// Prints, as a JSON array, the stacks a change touches: those `fleet diff --json` shows
// changing, or every stack when the program itself changed (src/, package files,
// Pulumi.yaml) — a code change reaches every node without showing in the fleet's data.
// Usage: affected-stacks.js DIFF_JSON BASE_REF
"use strict";
const { execFileSync } = require("node:child_process");
const { readFileSync } = require("node:fs");

const [diffFile, baseRef] = process.argv.slice(2);
if (!diffFile || !baseRef) {
  process.stderr.write("usage: affected-stacks.js DIFF_JSON BASE_REF\n");
  process.exit(2);
}
const diff = JSON.parse(readFileSync(diffFile, "utf8"));
const changedFiles = execFileSync("git", ["diff", "--name-only", baseRef, "--"], { encoding: "utf8" }).split("\n").filter(Boolean);
const programChanged = changedFiles.some((f) => /^(src\/|policy\/|package(-lock)?\.json$|Pulumi\.yaml$|tsconfig\.json$)/.test(f));
const stacks = diff.stacks
  .filter((s) => programChanged || s.stackResources.length > 0 || diff.nodes.some((n) => n.stack === s.stack && n.change !== "unchanged"))
  .map((s) => s.stack);
process.stdout.write(`${JSON.stringify(stacks)}\n`);
