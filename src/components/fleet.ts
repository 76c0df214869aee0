import * as pulumi from "@pulumi/pulumi";
import type { NodePlan } from "../plan/node-plan";
import { sumEur } from "../plan/cost";
import { HostingNode, type NodeTimeouts } from "./hosting-node";
import type { RegistrationArgs } from "./registration";

export interface FleetArgs {
  /** This stack's nodes, already planned. */
  readonly plans: readonly NodePlan[];
  readonly zoneId: pulumi.Input<string>;
  readonly playbookDigest: string;
  readonly timeouts: NodeTimeouts;
  readonly registration?: RegistrationArgs;
  readonly hcloudToken?: pulumi.Output<string>;
  readonly offsiteBackupSecretKey?: pulumi.Output<string>;
}

/** What the stack reports per node. */
export interface NodeOutputs {
  fqdn: pulumi.Output<string>;
  ipv4: pulumi.Output<string>;
  ipv6: pulumi.Output<string>;
  serverId: pulumi.Output<string>;
  size: pulumi.Output<string>;
  monthlyCostEur: pulumi.Output<number>;
  /** The SSH host key `fleet health` compares with what the node presents. */
  hostPublicKey: pulumi.Output<string>;
  /** The panel certificate's SHA-256 fingerprint pinned at provisioning ("" without one). */
  panelCertSha256: pulumi.Output<string>;
}

/** Nodes declared before a preview waits for the engine to take them. */
export const PREVIEW_BATCH = 25;

/** All nodes of one stack. Each node is named by its hostname (never an index), so
 *  removing one node never renames another. Build it with `Fleet.declare`. */
export class Fleet extends pulumi.ComponentResource {
  public readonly nodes: Record<string, NodeOutputs> = {};
  /** Panel API passwords by hostname, each secret. */
  public readonly panelPasswords: Record<string, pulumi.Output<string>> = {};
  /** Backup repository passwords and admin private keys by hostname, each secret. */
  public readonly backupPasswords: Record<string, pulumi.Output<string>> = {};
  public readonly adminKeys: Record<string, pulumi.Output<string>> = {};
  public readonly totalMonthlyCostEur: number;

  /** Declares the fleet and its nodes. In a preview, nodes are declared in batches
   *  that each wait for the engine: registration is immediate there, and pacing keeps
   *  a thousand-node preview's memory bounded. A deployment declares all at once,
   *  because there a registration waits for the resource to be created. */
  static async declare(name: string, args: FleetArgs, opts?: pulumi.ComponentResourceOptions): Promise<Fleet> {
    const fleet = new Fleet(name, args, opts);
    const batch = pulumi.runtime.isDryRun() ? PREVIEW_BATCH : args.plans.length;
    for (let start = 0; start < args.plans.length; start += batch) {
      const declared = args.plans.slice(start, start + batch).map((plan) => fleet.declareNode(plan, args));
      if (batch < args.plans.length) await Promise.all(declared.map((node) => node.registered));
    }
    fleet.registerOutputs({ nodes: fleet.nodes, totalMonthlyCostEur: fleet.totalMonthlyCostEur });
    return fleet;
  }

  private constructor(name: string, args: FleetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("node-fleet:index:Fleet", name, {}, opts);
    this.totalMonthlyCostEur = sumEur(args.plans.map((p) => p.monthlyCostEur));
  }

  private declareNode(plan: NodePlan, args: FleetArgs): HostingNode {
    const node = new HostingNode(plan.hostname, {
      plan,
      zoneId: args.zoneId,
      playbookDigest: args.playbookDigest,
      timeouts: args.timeouts,
      ...(args.registration ? { registration: args.registration } : {}),
      ...(args.hcloudToken ? { hcloudToken: args.hcloudToken } : {}),
      ...(args.offsiteBackupSecretKey ? { offsiteBackupSecretKey: args.offsiteBackupSecretKey } : {}),
    }, { parent: this, protect: plan.protect });
    this.nodes[plan.hostname] = {
      fqdn: node.fqdn, ipv4: node.ipv4, ipv6: node.ipv6, serverId: node.serverId, size: node.size, monthlyCostEur: node.monthlyCostEur,
      hostPublicKey: node.hostPublicKey, panelCertSha256: node.panelCertSha256,
    };
    this.panelPasswords[plan.hostname] = node.panelPassword;
    this.backupPasswords[plan.hostname] = node.backupPassword;
    this.adminKeys[plan.hostname] = node.adminPrivateKey;
    return node;
  }
}
