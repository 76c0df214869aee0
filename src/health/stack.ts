import { z } from "zod";
import { AUDIT_ENV, auditSinksFromEnv } from "../audit/config";
import { OperationRefusedError, StackLockedError } from "../automation/errors";
import { describeChanges } from "../automation/events";
import { FleetAutomation, type Report } from "../automation/operations";
import { findPulumiCli, PulumiCliError } from "../automation/pulumi-cli";
import { IDENTITY_REFUSED } from "./model";
import { NotNowError, type NodeOperations, type StepContext } from "./recovery";
import type { AddressSource } from "./targets";
import type { NodeAddress } from "./types";

/** What `fleet health` gets from the stack through the Automation API library, or
 *  why it gets nothing (one line, e.g. how to install the Pulumi CLI). */
export type StackConnection =
  | { readonly addresses: AddressSource; readonly nodes: NodeOperations; readonly fleet?: FleetAutomation }
  | { readonly unavailable: string };

export interface ConnectOptions {
  readonly stack: string;
  readonly projectDir: string;
  readonly env: NodeJS.ProcessEnv;
  /** Where the operations' audit records go unless NODE_FLEET_AUDIT_FILE says. */
  readonly auditFile: string;
}

/** Connects to the stack when the Pulumi CLI is there. */
export async function connectStack(opts: ConnectOptions): Promise<StackConnection> {
  try {
    await findPulumiCli();
  } catch (err) {
    if (err instanceof PulumiCliError) return { unavailable: err.message };
    throw err;
  }
  const fleet = new FleetAutomation({
    stack: opts.stack, projectDir: opts.projectDir, env: opts.env,
    auditSinks: auditSinksFromEnv(opts.env, opts.env[AUDIT_ENV.file] ?? opts.auditFile),
  });
  return { addresses: outputsAddressSource(fleet, opts.stack), nodes: automationNodeOperations(fleet), fleet };
}

/** The outputs the stack program exports (src/program.ts StackOutputs) that locate a
 *  node; stacks deployed before the host key and passwords were exported lack them. */
export const LocatingOutputs = z.object({
  nodes: z.record(z.string(), z.looseObject({
    ipv4: z.string(), ipv6: z.string().optional(), hostPublicKey: z.string().optional(), panelCertSha256: z.string().optional(),
  })).default({}),
  panelPasswords: z.record(z.string(), z.string()).optional(),
});

/** Addresses, pinned host keys, pinned panel certificates and panel passwords from `pulumi stack output`. The
 *  passwords are read in clear to log in with and go nowhere else. */
export function outputsAddressSource(fleet: Pick<FleetAutomation, "outputs">, stack: string): AddressSource {
  return {
    name: `stack ${stack}'s outputs`,
    async addresses(hostnames) {
      const parsed = LocatingOutputs.safeParse(await fleet.outputs({ showSecrets: true }));
      if (!parsed.success) {
        const first = parsed.error.issues[0]!;
        throw new Error(`unexpected outputs: ${first.path.map(String).join(".")}: ${first.message}`);
      }
      const { nodes, panelPasswords } = parsed.data;
      const found = new Map<string, NodeAddress>();
      for (const hostname of hostnames) {
        const node = nodes[hostname];
        if (!node || node.ipv4 === "") continue;
        const password = panelPasswords?.[hostname];
        found.set(hostname, {
          address: node.ipv4,
          ...(node.hostPublicKey ? { hostKey: node.hostPublicKey } : {}),
          ...(node.panelCertSha256 ? { panelCertSha256: node.panelCertSha256 } : {}),
          ...(node.ipv6 ? { secondAddress: node.ipv6 } : {}),
          ...(password ? { panelPassword: password } : {}),
        });
      }
      return found;
    },
  };
}

/** Recovery's re-provision and rebuild as operations of the library, under the
 *  incident's correlation id, with the incident id in their audit records and update
 *  messages. A rebuild is never given a protection override: the health ladder does
 *  not rebuild protected nodes, and the library refuses them without one. They run one
 *  at a time: each is a `pulumi up` of the same stack, which holds one lock, so steps
 *  started together would otherwise fail on each other's lock. One update per incident
 *  rather than one for all keeps each node's NODE_CORRELATION_ID its incident's. */
export function automationNodeOperations(fleet: Pick<FleetAutomation, "reprovisionNode" | "rebuildNode">): NodeOperations {
  let queue: Promise<unknown> = Promise.resolve();
  const inTurn = (step: () => Promise<string>): Promise<string> => {
    const turn = queue.then(step);
    queue = turn.catch(() => undefined);
    return turn;
  };
  const run = (verb: string, done: string, hostname: string, ctx: StepContext, operation: typeof fleet.rebuildNode): Promise<string> => inTurn(async () => {
    let report: Report;
    try {
      report = await operation.call(fleet, hostname, {
        correlationId: ctx.correlationId, incidentId: ctx.incidentId, message: `fleet health: ${verb} ${hostname} (incident ${ctx.incidentId})`,
      });
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      // ansible/bin/provision exits 76 when the host presents another key than the pinned one;
      // the command provider reports it as `exit status 76: running "…":` and the output
      // (pulumi-command provider/pkg/provider/local/commandOutputs.go, run: fmt.Errorf("%w: running %q:\n%s")).
      if (/exit status 76\b|presented a host key that is not the pinned one/.test(text)) {
        throw new Error(`${IDENTITY_REFUSED} ${hostname} presented a host key that is not the pinned one (provisioning exit 76)`);
      }
      const reason = text.split("\n")[0]!;
      if (err instanceof StackLockedError) throw new NotNowError(`a deployment holds the stack's lock (${reason})`);
      throw new Error(err instanceof OperationRefusedError ? `refused: ${reason}` : reason);
    }
    return `${done} ${hostname} in ${report.durationSeconds} s (${describeChanges(report.changes)}; correlation ${report.correlationId})`;
  });
  return {
    reprovision: (hostname, ctx) => run("re-provision", "re-provisioned", hostname, ctx, fleet.reprovisionNode),
    rebuild: (hostname, ctx) => run("rebuild", "rebuilt", hostname, ctx, fleet.rebuildNode),
  };
}
