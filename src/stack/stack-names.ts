import { ENVIRONMENTS } from "../fleet/naming";

/** A stack name: an environment (`prd`), or a shard of one (`prd-fsn1-a`, `prd-b`). */
export const SHARD_STACK_NAME = /^(prd|stg|dev)(?:-([a-z]{3}[0-9]))?-([a-z])$/;

/** The environment a shard stack belongs to, or undefined for a name that is not a shard's. */
export function shardEnvironment(stack: string): string | undefined {
  return SHARD_STACK_NAME.exec(stack)?.[1];
}

/** Stacks are named after the environment they deploy; any other name is refused
 *  before anything is suggested for it. Free of zod and yaml: every command that takes
 *  `--stack` checks the name before it loads anything else. */
export function stackNameProblem(stack: string): string | undefined {
  const environments = ENVIRONMENTS.map((e) => e.code);
  return (environments as readonly string[]).includes(stack) || shardEnvironment(stack) ? undefined
    : `stack "${stack}" is not one of ${environments.join(", ")} or a shard of one (prd-fsn1-a, prd-b): ` +
      "each stack deploys the nodes of the environment it is named after";
}
