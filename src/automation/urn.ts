import { HOSTNAME_LENGTH, parseHostname } from "../fleet/naming";

/** The component every node's resources hang under (src/components/hosting-node.ts). */
export const HOSTING_NODE_TYPE = "node-fleet:index:HostingNode";

/** A URN taken apart: `urn:pulumi:STACK::PROJECT::QUALIFIED$TYPE::NAME`
 *  (pulumi sdk/go/common/resource/urn/urn.go New: the qualified type is the parent's
 *  type chain joined with `$`, the root stack's own type left out). */
export interface ParsedUrn {
  readonly stack: string;
  readonly project: string;
  /** Every type from the outermost parent down to this resource. */
  readonly typeChain: readonly string[];
  readonly type: string;
  readonly name: string;
}

export function parseUrn(urn: string): ParsedUrn | undefined {
  if (!urn.startsWith("urn:pulumi:")) return undefined;
  const parts = urn.slice("urn:pulumi:".length).split("::");
  if (parts.length < 4) return undefined;
  const [stack, project, qualified] = parts as [string, string, string];
  // A resource name may itself contain "::"; everything after the type is the name.
  const name = parts.slice(3).join("::");
  const typeChain = qualified.split("$");
  return { stack, project, typeChain, type: typeChain[typeChain.length - 1]!, name };
}

/** Where a resource sits in the fleet: its node, and its role there (the name suffix the
 *  HostingNode gives it: `server`, `a`, `provision`, …). Undefined for fleet-wide ones. */
export interface NodeResource {
  readonly hostname: string;
  /** "" for the HostingNode component itself. */
  readonly role: string;
}

/** Children of a HostingNode are named `<hostname>-<role>` (STYLE.md, components 2). */
export function nodeResourceOf(urn: string): NodeResource | undefined {
  const parsed = parseUrn(urn);
  if (!parsed || !parsed.typeChain.includes(HOSTING_NODE_TYPE)) return undefined;
  const hostname = parsed.name.slice(0, HOSTNAME_LENGTH);
  if (!("name" in parseHostname(hostname))) return undefined;
  if (parsed.type === HOSTING_NODE_TYPE) return parsed.name === hostname ? { hostname, role: "" } : undefined;
  if (parsed.name[HOSTNAME_LENGTH] !== "-") return undefined;
  return { hostname, role: parsed.name.slice(HOSTNAME_LENGTH + 1) };
}
