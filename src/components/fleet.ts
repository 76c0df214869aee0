import * as pulumi from "@pulumi/pulumi";
import type { NodePlan } from "../plan/node-plan";
import { sumEur } from "../plan/cost";
import { HostingNode, type RegistrationArgs } from "./hosting-node";
import { cloudProvider } from "./providers";

export interface FleetArgs {
  /** This stack's nodes, already planned. */
  readonly plans: readonly NodePlan[];
  readonly environment: string;
  readonly zoneId: pulumi.Input<string>;
  /** Fleet-wide emergency key (seed 000), added to every new server. */
  readonly masterSshPublicKey?: string;
  readonly playbookDigest: string;
  readonly sshWaitSeconds: number;
  readonly registration?: RegistrationArgs;
}

/** What the stack reports per node. */
export interface NodeOutputs {
  fqdn: pulumi.Output<string>;
  ipv4: pulumi.Output<string>;
  ipv6: pulumi.Output<string>;
  serverId: pulumi.Output<string>;
  size: pulumi.Output<string>;
  monthlyCostEur: pulumi.Output<number>;
}

/** All nodes of one stack. Each node is named by its hostname (never an index), so
 *  removing one node never renames another. */
export class Fleet extends pulumi.ComponentResource {
  public readonly nodes: Record<string, NodeOutputs> = {};
  public readonly totalMonthlyCostEur: number;

  constructor(name: string, args: FleetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("node-fleet:index:Fleet", name, {}, opts);
    const masterKeyIds = new Map<string, pulumi.Output<string>>();
    const masterKeyFor = (provider: string) => {
      if (!args.masterSshPublicKey) return undefined;
      if (!masterKeyIds.has(provider)) {
        masterKeyIds.set(provider, cloudProvider(provider).declareMasterKey(
          `node-fleet-${args.environment}-master`, args.masterSshPublicKey,
          { env: args.environment, "managed-by": "node-fleet" }, this));
      }
      return masterKeyIds.get(provider);
    };

    for (const plan of args.plans) {
      const masterSshKeyId = masterKeyFor(plan.provider);
      const node = new HostingNode(plan.hostname, {
        plan,
        zoneId: args.zoneId,
        ...(masterSshKeyId ? { masterSshKeyId } : {}),
        playbookDigest: args.playbookDigest,
        sshWaitSeconds: args.sshWaitSeconds,
        ...(args.registration ? { registration: args.registration } : {}),
      }, { parent: this, protect: plan.protect });
      this.nodes[plan.hostname] = {
        fqdn: node.fqdn, ipv4: node.ipv4, ipv6: node.ipv6, serverId: node.serverId, size: node.size, monthlyCostEur: node.monthlyCostEur,
      };
    }
    this.totalMonthlyCostEur = sumEur(args.plans.map((p) => p.monthlyCostEur));
    this.registerOutputs({ nodes: this.nodes, totalMonthlyCostEur: this.totalMonthlyCostEur });
  }
}
