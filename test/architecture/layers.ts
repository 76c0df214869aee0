/** The import rules of src/, as data (docs/architecture.md draws them).
 *
 *  Layers go from the bottom up. A module may import any module of a lower layer, and of
 *  its own layer only what `within` allows: `ordered` — folders listed before its own
 *  (the order data flows in), `none` — nothing of a sibling folder. A layer with
 *  `pulumi: false` imports no `@pulumi/*` package. A folder of src/ (or a file directly
 *  in it) that no layer names is a capability: see `classify`. */
export interface Layer {
  readonly name: string;
  readonly folders: readonly string[];
  readonly within: "ordered" | "none";
  readonly pulumi: boolean;
}

export const LAYERS: readonly Layer[] = [
  // Shared vocabulary every layer may use: positions and YAML, text and money formatting,
  // the events health and operations report and notifications and audit carry.
  { name: "foundation", folders: ["source", "format", "events"], within: "none", pulumi: false },
  // Decided without a cloud: catalog → fleet → stack settings → node plans, and how a
  // change is spread over them in waves.
  { name: "core", folders: ["catalog", "fleet", "stack", "plan", "shard", "rollout"], within: "ordered", pulumi: false },
  // Where records and messages go, and the platform's registration client.
  { name: "services", folders: ["audit", "notify", "register"], within: "none", pulumi: false },
  // Pulumi itself: resources, the stack program, its offline run and the Automation API.
  { name: "pulumi edge", folders: ["components", "config.ts", "program.ts", "index.ts", "offline", "automation"], within: "ordered", pulumi: true },
  // What node-fleet does with the fleet: one folder each, using everything below, never each other.
  { name: "capabilities", folders: ["review", "health"], within: "none", pulumi: true },
  // Callers: the `fleet` command and the benchmarks. Nothing imports them.
  { name: "entry points", folders: ["cli", "bench"], within: "none", pulumi: false },
];

/** The layer a new folder lands in until it is placed in LAYERS: a capability (backups,
 *  restore, shards, rollout, dashboard, metrics …) uses the layers below and is used only
 *  by the entry points. Place a folder in another layer by adding it to that layer. */
export const DEFAULT_LAYER = "capabilities";

/** Imports between two capabilities that are allowed on purpose, as [from, to] pairs
 *  (e.g. ["restore", "backup"]: a restore reads what a backup wrote; ["health", "backup"]:
 *  the metadata barrier check logs in through backup's pinned SSH shell). */
export const CAPABILITY_USES: readonly (readonly [string, string])[] = [["restore", "backup"], ["restore", "health"], ["health", "backup"],
  // Metrics and the dashboard show what health rounds and backups found.
  ["metrics", "health"], ["metrics", "backup"], ["dashboard", "health"], ["dashboard", "backup"]];

/** The layer and position of a top-level folder (or file) of src/. */
export function classify(folder: string): { layer: Layer; rank: number; index: number } {
  let rank = LAYERS.findIndex((l) => l.folders.includes(folder));
  if (rank < 0) rank = LAYERS.findIndex((l) => l.name === DEFAULT_LAYER);
  const layer = LAYERS[rank]!;
  return { layer, rank, index: layer.folders.indexOf(folder) };
}

/** Why `from` may not import `to` (top-level folders of src/), or undefined when it may. */
export function importProblem(from: string, to: string): string | undefined {
  if (from === to) return undefined;
  const a = classify(from);
  const b = classify(to);
  if (b.rank < a.rank) return undefined;
  if (b.rank > a.rank) return `${from} (${a.layer.name}) may not import ${to} (${b.layer.name}, a higher layer)`;
  if (CAPABILITY_USES.some(([f, t]) => f === from && t === to)) return undefined;
  if (a.layer.within === "ordered" && a.index >= 0 && b.index >= 0 && b.index < a.index) return undefined;
  return a.layer.within === "ordered"
    ? `${from} may not import ${to}: in the ${a.layer.name} layer data flows ${a.layer.folders.join(" → ")}`
    : `${from} may not import ${to}: folders of the ${a.layer.name} layer do not import each other`;
}
