// The import rules of docs/architecture.md, enforced on every module of src/.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { circles, folderOf, importsOf, type Import } from "./import-graph";
import { classify, importProblem, LAYERS } from "./layers";

const ROOT = join(__dirname, "../..");
const imports = importsOf(ROOT);
const at = (i: Import) => `${i.from}:${i.line}`;
const isPulumi = (i: Import) => i.specifier === "@pulumi" || i.specifier.startsWith("@pulumi/");

describe("the rule table", () => {
  it("lets a layer use the layers below it and never the ones above", () => {
    expect(importProblem("plan", "source")).toBeUndefined();
    expect(importProblem("catalog", "fleet")).toBe("catalog may not import fleet: in the core layer data flows catalog → fleet → stack → plan → shard → rollout");
    expect(importProblem("notify", "health")).toBe("notify (services) may not import health (capabilities, a higher layer)");
    expect(importProblem("review", "cli")).toBe("review (capabilities) may not import cli (entry points, a higher layer)");
  });

  it("places a folder it does not know among the capabilities", () => {
    expect(classify("backup").layer.name).toBe("capabilities");
    expect(importProblem("backup", "automation")).toBeUndefined();
    expect(importProblem("plan", "backup")).toBe("plan (core) may not import backup (capabilities, a higher layer)");
    expect(importProblem("backup", "restore")).toBe("backup may not import restore: folders of the capabilities layer do not import each other");
    expect(importProblem("restore", "backup")).toBeUndefined();
  });

  it("finds an import circle between files", () => {
    const edge = (from: string, file: string): Import => ({ from, line: 1, specifier: "./x", file });
    expect(circles([edge("a.ts", "b.ts"), edge("b.ts", "c.ts"), edge("c.ts", "a.ts"), edge("c.ts", "d.ts")]))
      .toEqual([["a.ts", "b.ts", "c.ts"]]);
  });

  it("names every folder once", () => {
    const named = LAYERS.flatMap((l) => l.folders);
    expect(named.length).toBe(new Set(named).size);
  });
});

describe("the modules of src/", () => {
  it("reads the imports of every module, type-only ones included", () => {
    expect(imports.find((i) => i.from === "src/cli/main.ts" && i.file === "src/cli/format.ts")).toBeDefined();
    expect(imports.filter((i) => i.from.startsWith("src/components/") && isPulumi(i)).length).toBeGreaterThan(5);
  });

  it("import only what their layer may: lower layers, and earlier folders where data flows in order", () => {
    const wrong = imports.filter((i) => i.file !== undefined)
      .map((i) => ({ i, problem: importProblem(folderOf(i.from), folderOf(i.file!)) }))
      .filter((x) => x.problem !== undefined).map((x) => `${at(x.i)} imports ${x.i.file}: ${x.problem}`);
    expect(wrong).toEqual([]);
  });

  it("import Pulumi only at the edge and in capabilities: never in source, catalog, fleet, stack, plan, the services or the cli", () => {
    const wrong = imports.filter((i) => isPulumi(i) && !classify(folderOf(i.from)).layer.pulumi).map((i) => `${at(i)} imports ${i.specifier}`);
    expect(wrong).toEqual([]);
  });

  it("reach no Pulumi package from src/fleet or src/plan, through any chain of imports", () => {
    const byFile = new Map<string, Import[]>();
    for (const i of imports) (byFile.get(i.from) ?? byFile.set(i.from, []).get(i.from)!).push(i);
    const reached = new Set<string>();
    const pending = [...byFile.keys()].filter((f) => f.startsWith("src/fleet/") || f.startsWith("src/plan/"));
    const pulumi: string[] = [];
    for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
      if (reached.has(file)) continue;
      reached.add(file);
      for (const i of byFile.get(file) ?? []) {
        if (isPulumi(i)) pulumi.push(`${at(i)} imports ${i.specifier}`);
        if (i.file) pending.push(i.file);
      }
    }
    expect(reached.size).toBeGreaterThan(20);
    expect(pulumi).toEqual([]);
  });

  it("form no import circle", () => {
    expect(circles(imports)).toEqual([]);
  });
});
