import { readdirSync } from "node:fs";
import { shardEnvironment } from "../stack/stack-names";

/** The stacks of an environment in a project directory: its own stack (when its file
 *  exists) and every shard stack file of it (Pulumi.prd-fsn1-a.yaml), in name order.
 *  `only` narrows them to the named ones (a CI matrix from `fleet diff --json`); a name
 *  that is not among them is an error, not silently skipped. */
export function environmentStacks(projectDir: string, environment: string, only?: readonly string[]): string[] {
  const all = readdirSync(projectDir)
    .map((f) => /^Pulumi\.([^.]+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined && (s === environment || shardEnvironment(s) === environment))
    .sort();
  if (!only) return all;
  const unknown = only.filter((s) => !all.includes(s));
  if (unknown.length > 0) {
    throw new RangeError(`not a stack of ${environment} in ${projectDir}: ${unknown.join(", ")}; stacks: ${all.join(", ") || "none"}`);
  }
  return all.filter((s) => only.includes(s));
}
