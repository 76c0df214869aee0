import type { Catalog } from "../../catalog/catalog";
import { parseHostname } from "../../fleet/naming";

/** A resource as both a policy pack (`pulumi preview --policy-pack`) and the offline
 *  plan see it: type token, name, inputs and whether it is protected. */
export interface PolicyResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly protect: boolean;
}

export interface PolicyContext {
  readonly catalog: Catalog;
}

/** One policy: a name, what it enforces, and a check that returns its violations. */
export interface PolicyRule {
  readonly name: string;
  readonly description: string;
  readonly check: (resource: PolicyResource, context: PolicyContext) => string[];
}

export const SERVER = "hcloud:index/server:Server";
export const FIREWALL = "hcloud:index/firewall:Firewall";
export const COMMAND = "command:local:Command";

/** The environment of a node resource: its `env` label, else its name's prefix. */
export function environmentOf(resource: PolicyResource): string | undefined {
  const labels = resource.inputs.labels as Record<string, unknown> | undefined;
  if (typeof labels?.env === "string") return labels.env;
  const name = typeof resource.inputs.name === "string" ? resource.inputs.name : resource.name;
  const parsed = parseHostname(name.slice(0, 23));
  return "name" in parsed ? parsed.name.env : undefined;
}
