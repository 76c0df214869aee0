import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import ts from "typescript";

/** One import of a module of src/: a resolved file of src/, or a package name. */
export interface Import {
  readonly from: string;
  readonly line: number;
  readonly specifier: string;
  /** The imported file, relative to the root (`src/fleet/naming.ts`), for a relative import. */
  readonly file?: string;
}

/** Every import of every `.ts` file under `src/`: static and type-only imports,
 *  re-exports, `import()` and `require()`, as TypeScript's own pre-processor reads them. */
export function importsOf(root: string): Import[] {
  const files = readdirSync(join(root, "src"), { recursive: true, encoding: "utf8" })
    .filter((p) => p.endsWith(".ts") && !p.endsWith(".d.ts")).map((p) => join("src", p)).sort();
  return files.flatMap((from) => {
    const text = readFileSync(join(root, from), "utf8");
    return ts.preProcessFile(text, true, true).importedFiles.map((f) => {
      const line = text.slice(0, f.pos).split("\n").length;
      const file = f.fileName.startsWith(".") ? resolveModule(root, from, f.fileName) : undefined;
      return { from, line, specifier: f.fileName, ...(file ? { file } : {}) };
    });
  });
}

function resolveModule(root: string, from: string, specifier: string): string {
  // A lazy `import("./x.js")` names the compiled file; its source is x.ts.
  const base = join(dirname(from), specifier.replace(/\.js$/, ""));
  const found = [`${base}.ts`, join(base, "index.ts"), base].find((p) => existsSync(join(root, p)) && p.endsWith(".ts"));
  if (!found) throw new Error(`${from}: cannot resolve import "${specifier}"`);
  return relative(root, join(root, found));
}

/** The top-level folder of src/ a file belongs to (`fleet`), or the file's own name
 *  for a file directly in src/ (`program.ts`). */
export function folderOf(file: string): string {
  return file.split("/")[1]!;
}

/** The import circles between files: groups of files that reach each other (Tarjan). */
export function circles(imports: readonly Import[]): string[][] {
  const edges = new Map<string, Set<string>>();
  for (const i of imports) if (i.file) (edges.get(i.from) ?? edges.set(i.from, new Set()).get(i.from)!).add(i.file);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      for (let w = stack.pop(); w !== undefined; w = w === v ? undefined : stack.pop()) group.push(w);
      if (group.length > 1) found.push(group.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return found;
}
