import type * as pulumi from "@pulumi/pulumi";
import type { NodePlan } from "../../plan/node-plan";

/** What a provider is given to create a node's server. */
export interface ServerInputs {
  readonly plan: NodePlan;
  /** The node's own admin key (OpenSSH public key line). */
  readonly adminPublicKey: pulumi.Output<string>;
  /** cloud-init user data (secret: it carries the host private key). */
  readonly userData: pulumi.Output<string>;
  /** Provider ids of further keys to install, e.g. the fleet's master key. */
  readonly extraSshKeyIds: readonly pulumi.Input<string>[];
}

/** The server as the rest of the node sees it. */
export interface DeclaredServer {
  readonly id: pulumi.Output<string>;
  readonly ipv4: pulumi.Output<string>;
  readonly ipv6: pulumi.Output<string>;
  /** Resources that must exist before the server is provisioned (e.g. reverse DNS). */
  readonly ready: readonly pulumi.Resource[];
  /** Every resource declared for the server. */
  readonly resources: readonly pulumi.Resource[];
}

/** A cloud provider (seed 000 "Provider Abstraction"): declares a node's server and
 *  what belongs to it there. A second provider is one more implementation. */
export interface CloudProvider {
  declareServer(name: string, inputs: ServerInputs, parent: pulumi.Resource): DeclaredServer;
  /** A fleet-wide key (seed 000 master key) as a provider resource; returns its id. */
  declareMasterKey(name: string, publicKey: string, labels: Record<string, string>, parent: pulumi.Resource): pulumi.Output<string>;
}
