import { isIPv4, isIPv6 } from "node:net";

/** A CIDR block as numbers, so host bits and containment can be checked exactly. */
export interface Cidr {
  readonly family: 4 | 6;
  readonly address: bigint;
  readonly prefix: number;
}

const BITS = { 4: 32, 6: 128 } as const;

/** Parses `203.0.113.7/32` or `2001:db8::/48`; undefined when it is not a CIDR. */
export function parseCidr(text: string): Cidr | undefined {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(text);
  if (!match) return undefined;
  const [, ip = "", bits = ""] = match;
  const family = isIPv4(ip) ? 4 : isIPv6(ip) ? 6 : undefined;
  const prefix = Number(bits);
  if (family === undefined || prefix > BITS[family] || (bits.length > 1 && bits.startsWith("0"))) return undefined;
  return { family, address: family === 4 ? ipv4Number(ip) : ipv6Number(ip), prefix };
}

function ipv4Number(ip: string): bigint {
  return ip.split(".").reduce((n, octet) => (n << 8n) | BigInt(Number(octet)), 0n);
}

function ipv6Number(ip: string): bigint {
  let text = ip.replace(/%.*$/, "");
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = ipv4Number(dotted[1]!);
    text = `${text.slice(0, -dotted[1]!.length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  return groups.reduce((n, group) => (n << 16n) | BigInt(parseInt(group, 16)), 0n);
}

function hostMask(cidr: Cidr): bigint {
  return (1n << BigInt(BITS[cidr.family] - cidr.prefix)) - 1n;
}

/** The block's network address: the address with its host bits cleared. */
export function networkOf(cidr: Cidr): Cidr {
  return { ...cidr, address: cidr.address & ~hostMask(cidr) };
}

export function hasHostBits(cidr: Cidr): boolean {
  return (cidr.address & hostMask(cidr)) !== 0n;
}

/** `203.0.113.0/24`, `2001:db8::/48` (IPv6 in its shortest form, RFC 5952). */
export function formatCidr(cidr: Cidr): string {
  return `${formatAddress(cidr)}/${cidr.prefix}`;
}

function formatAddress(cidr: Cidr): string {
  if (cidr.family === 4) return [24n, 16n, 8n, 0n].map((s) => String((cidr.address >> s) & 0xffn)).join(".");
  const groups = Array.from({ length: 8 }, (_, i) => Number((cidr.address >> BigInt(112 - i * 16)) & 0xffffn));
  let best = { start: -1, length: 1 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(":");
  return `${hex.slice(0, best.start).join(":")}::${hex.slice(best.start + best.length).join(":")}`;
}

/** Whether `inner` lies inside `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
  return outer.family === inner.family && inner.prefix >= outer.prefix &&
    (inner.address & ~hostMask(outer)) === networkOf(outer).address;
}

/** The ranges reserved for documentation: no real admin can be there. */
const DOCUMENTATION_RANGES = [
  { cidr: "192.0.2.0/24", rfc: "RFC 5737 TEST-NET-1" },
  { cidr: "198.51.100.0/24", rfc: "RFC 5737 TEST-NET-2" },
  { cidr: "203.0.113.0/24", rfc: "RFC 5737 TEST-NET-3" },
  { cidr: "2001:db8::/32", rfc: "RFC 3849" },
] as const;

/** The documentation range a block lies in, if any. */
export function documentationRange(cidr: Cidr): string | undefined {
  return DOCUMENTATION_RANGES.find((range) => contains(parseCidr(range.cidr)!, cidr))?.rfc;
}

/** IPv6 ranges whose addresses carry an IPv4 address at a fixed place, so a source list
 *  that holds them reaches (through a translator or a dual-stack socket) the IPv4
 *  addresses they embed: IPv4-mapped (RFC 4291 2.5.5.2), IPv4-compatible (RFC 4291
 *  2.5.5.1), NAT64's well-known prefix (RFC 6052), 6to4 (RFC 3056: bits 16-47) and
 *  Teredo (RFC 4380: the client's address inverted in the last 32 bits). */
const IPV4_EMBEDDINGS = [
  { range: "::ffff:0:0/96", at: 96, inverted: false },
  { range: "::/96", at: 96, inverted: false },
  { range: "64:ff9b::/96", at: 96, inverted: false },
  { range: "2002::/16", at: 16, inverted: false },
  { range: "2001::/32", at: 96, inverted: true },
] as const;

/** The IPv4 blocks an IPv6 block covers through those embeddings: all of IPv4 when it
 *  holds a whole embedding range (`::/64` holds two), the embedded block when it lies
 *  inside one (`::ffff:10.0.0.0/104` is `10.0.0.0/8`), none otherwise. */
export function embeddedIpv4(cidr: Cidr): Cidr[] {
  if (cidr.family !== 6) return [];
  return IPV4_EMBEDDINGS.flatMap(({ range, at, inverted }) => {
    const outer = parseCidr(range)!;
    if (contains(cidr, outer)) return [{ family: 4 as const, address: 0n, prefix: 0 }];
    if (!contains(outer, cidr)) return [];
    const prefix = Math.max(0, Math.min(32, cidr.prefix - at));
    const bits = (cidr.address >> BigInt(128 - at - 32)) & 0xffffffffn;
    return [networkOf({ family: 4, address: inverted ? ~bits & 0xffffffffn : bits, prefix })];
  });
}

/** A /0: every address of its family. */
export function isEverywhere(cidr: Cidr): boolean {
  return cidr.prefix === 0;
}
