import { createHash } from "node:crypto";

/** A stable id for one generation of a node (seed 002 correlation ids): the same for
 *  every retry of a deployment, new when `rebuild` is bumped. Shaped as a UUID so the
 *  platform can store it as one. */
export function correlationId(hostname: string, rebuild: number): string {
  const hex = createHash("sha256").update(`node-fleet:${hostname}:${rebuild}`).digest("hex");
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
