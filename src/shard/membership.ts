import { issueAt, type Issue } from "../source/issues";
import type { StackSettings } from "../stack/settings";
import type { ShardLayout } from "../stack/shards";
import { shardEnvironment } from "../stack/stack-names";
import { readStackFile } from "../stack/stack-file";
import { stackOf } from "./layout";

/** The shard layout a stack's own config declares. A shard stack (prd-fsn1-a) must carry
 *  its environment's layout with itself active: the program reads only its own stack's
 *  config, so that is where its membership comes from. */
export function layoutOf(stack: string, settings: StackSettings): { layout?: ShardLayout; issues: Issue[] } {
  const environment = shardEnvironment(stack);
  if (environment === undefined) return { ...(settings.shards ? { layout: settings.shards } : {}), issues: [] };
  if (!settings.shards?.active.includes(stack)) {
    return { issues: [issueAt({ file: `Pulumi.${stack}.yaml`, line: 1, col: 1 }, "shard-layout",
      `stack ${stack} is not an active shard: copy node-fleet:shards from Pulumi.${environment}.yaml, with ${stack} in its active list`)] };
  }
  return { layout: settings.shards, issues: [] };
}

/** layoutOf, and for a shard also the check that its layout is the environment stack's
 *  (Pulumi.<env>.yaml beside it): two layouts that differ could put one node in two
 *  stacks, so `fleet plan`, `fleet diff` and `fleet validate --project` refuse that. */
export function checkedLayout(projectDir: string, stack: string, settings: StackSettings): { layout?: ShardLayout; issues: Issue[] } {
  const own = layoutOf(stack, settings);
  const environment = shardEnvironment(stack);
  if (environment === undefined || !own.layout) return own;
  const parent = readStackFile(projectDir, environment);
  if (!parent.stack) return { issues: parent.issues };
  if (JSON.stringify(parent.stack.settings.shards) !== JSON.stringify(own.layout)) {
    return { issues: [issueAt({ file: `Pulumi.${stack}.yaml`, line: 1, col: 1 }, "shard-layout",
      `node-fleet:shards of stack ${stack} differs from Pulumi.${environment}.yaml; make them equal (the environment's is the reference)`)] };
  }
  return own;
}

/** The nodes a stack deploys: its environment's nodes whose stack (stackOf) is this one. */
export function nodesOfStack<T extends { readonly hostname: string }>(plans: readonly T[], stack: string, environment: string,
  layout: ShardLayout | undefined): T[] {
  return plans.filter((p) => stackOf(p.hostname, environment, layout) === stack);
}
