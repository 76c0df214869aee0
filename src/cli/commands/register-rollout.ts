import { InvalidArgumentError, type Command } from "commander";
import type { Catalog } from "../../catalog/catalog";
import type { Io } from "../format";
import type { RolloutCliOptions } from "./rollout";

/** Registers `fleet rollout` and its options (src/cli/commands/rollout.ts runs it). */
export function registerRolloutCommand(program: Command, io: Io, catalog: () => Catalog, setCode: (code: number) => void): void {
  const share = (value: string) => {
    const n = Number(value);
    if (!(n > 0 && n < 1)) throw new InvalidArgumentError("expected a share between 0 and 1, e.g. 0.05");
    return n;
  };
  const whole = (value: string) => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError("expected a whole number");
    return Number(value);
  };
  program.command("rollout")
    .description("apply a change that re-provisions nodes in waves: a canary, ~5%, ~25%, the rest; health-gated, halted over the failure budget")
    .requiredOption("--stack <stack>", "stack name (prd, stg, dev, or a shard: prd-fsn1-a)")
    .option("--project <dir>", "project directory holding Pulumi.yaml", ".")
    .option("--exclude <host>", "leave this node out (repeatable)", (v: string, all: string[]) => [...all, v], [])
    .option("--canary <n>", "nodes in the first wave (default 1)", (v) => { const n = whole(v); if (n < 1) throw new InvalidArgumentError("at least 1"); return n; })
    .option("--waves <shares>", "the waves between the canary and the rest, as shares (default 0.05,0.25)", (v) => v.split(",").map(share))
    .option("--failure-budget <share>", "share of a wave that may fail, at least one node (default 0.02)", (v) => { const n = Number(v); if (!(n >= 0 && n < 1)) throw new InvalidArgumentError("expected a share from 0 to below 1"); return n; })
    .option("--soak <seconds>", "seconds a wave runs before its health round (default 300)", whole)
    .option("--state-dir <dir>", "where the rollout's record and lock live (default: $STATE_DIRECTORY or PROJECT/.fleet-health)")
    .option("--targets <file>", "JSON map {hostname: {address, hostKey?}} for the health rounds, as `fleet health --targets`; other nodes from the stack outputs")
    .option("--deferred-urns <file>", "write the provisioning steps of deferred nodes there, one URN a line (for a later `pulumi up --exclude`)")
    .option("--json", "print the report as one JSON document")
    .option("--correlation-id <id>", "correlation id of a new rollout (a resumed one keeps its own)")
    .option("--audit-file <file>", "JSON-lines audit file, or \"off\" (default: $NODE_FLEET_AUDIT_FILE or ~/.local/state/node-fleet/audit.jsonl)")
    .action(async (opts: RolloutCliOptions) => {
      // The health checks and the Automation API load only when a rollout runs.
      const { rolloutCommand } = await import("./rollout.js");
      setCode(await rolloutCommand(io, catalog, opts, process.env));
    });
}

