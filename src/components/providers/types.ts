import type * as pulumi from "@pulumi/pulumi";
import type { NodePlan } from "../../plan/node-plan";

/** What a provider is given to create a node's server. */
export interface ServerInputs {
  readonly plan: NodePlan;
  /** The node's own admin key (OpenSSH public key line). */
  readonly adminPublicKey: pulumi.Output<string>;
  /** cloud-init user data (secret: it carries the host private key). */
  readonly userData: pulumi.Output<string>;
  /** Seconds the provider may take to create the server (stack `timeouts.serverCreate`). */
  readonly createTimeoutSeconds: number;
  /** Resources that must have finished before the server changes (the graceful shutdown before a resize). */
  readonly after: readonly pulumi.Resource[];
}

/** The server as the rest of the node sees it. */
export interface DeclaredServer {
  readonly id: pulumi.Output<string>;
  readonly ipv4: pulumi.Output<string>;
  readonly ipv6: pulumi.Output<string>;
  /** The server type the provider reports, once any resize has finished. */
  readonly serverType: pulumi.Output<string>;
  /** Resources that must exist before the server is provisioned (e.g. reverse DNS). */
  readonly ready: readonly pulumi.Resource[];
  /** Every resource declared for the server. */
  readonly resources: readonly pulumi.Resource[];
}

/** A cloud provider (seed 000 "Provider Abstraction"): declares a node's server and
 *  what belongs to it there. A second provider is one more implementation. */
export interface CloudProvider {
  declareServer(name: string, inputs: ServerInputs, parent: pulumi.Resource): DeclaredServer;
}
