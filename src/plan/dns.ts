/** A DNS record a node needs in the stack's zone. */
export interface DnsRecordPlan {
  readonly type: "A" | "AAAA";
  /** The FQDN, without a trailing dot (what Cloudflare's API takes). */
  readonly name: string;
  readonly ttl: number;
  readonly proxied: false;
}

/** Short TTL: a rebuilt node keeps its addresses, but a successor that `replaces` a
 *  failed node has its own, and clients should follow within minutes. */
export const NODE_RECORD_TTL = 300;

/** A and AAAA for the node's FQDN. Not proxied: SSH, mail, FTP and Webmin must reach
 *  the server itself, and its PTR records must match the name they resolve from. */
export function dnsRecords(fqdn: string): DnsRecordPlan[] {
  return [
    { type: "A", name: fqdn, ttl: NODE_RECORD_TTL, proxied: false },
    { type: "AAAA", name: fqdn, ttl: NODE_RECORD_TTL, proxied: false },
  ];
}
