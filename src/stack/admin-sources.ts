import { embeddedIpv4, formatCidr, parseCidr, type Cidr } from "./cidr";

/** The widest block one admin or platform source may be in prd and stg: an office or a
 *  provider's range, never a slice of the internet. */
export const WIDEST_ADMIN_PREFIX = { 4: 16, 6: 32 } as const;

const BITS = { 4: 32, 6: 128 } as const;

/** The address families a set of blocks covers completely, however it is split
 *  (`0.0.0.0/1` + `128.0.0.0/1` is as open as `0.0.0.0/0`). */
export function familiesCovered(cidrs: readonly Cidr[]): (4 | 6)[] {
  return ([4, 6] as const).filter((family) => {
    const ranges = cidrs.filter((c) => c.family === family).map((c) => {
      const size = 1n << BigInt(BITS[family] - c.prefix);
      const start = c.address & ~(size - 1n);
      return { start, end: start + size };
    }).sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    let reached = 0n;
    for (const r of ranges) {
      if (r.start > reached) return false;
      if (r.end > reached) reached = r.end;
    }
    return reached === 1n << BigInt(BITS[family]);
  });
}

/** One problem with a source list; `index` when one entry alone is the cause. */
export interface SourceProblem {
  readonly index?: number;
  readonly message: string;
}

/** The one check of every admin and platform source list (stack settings and the policy
 *  pack): what reaches SSH (22) or Webmin (10000). Every environment refuses a set that
 *  covers a whole address family unless the world is explicitly allowed (dev only); prd
 *  and stg also refuse any block wider than /16 (IPv4) or /32 (IPv6). An IPv6 block that
 *  embeds IPv4 addresses (`::ffff:0:0/96`, 6to4, …) is judged as the IPv4 block it
 *  covers as well. `surface` names what the list opens, e.g. "SSH (22)". */
export function sourceListProblems(sources: readonly string[], opts: { environment: string; surface: string; worldAllowed: boolean }): SourceProblem[] {
  const strict = opts.environment === "prd" || opts.environment === "stg";
  const problems: SourceProblem[] = [];
  const parsed: Cidr[] = [];
  sources.forEach((source, index) => {
    const cidr = parseCidr(source);
    if (!cidr) {
      problems.push({ index, message: `"${source}" is not a CIDR; expected an address/prefix such as 192.0.2.7/32 or 2001:db8::/48` });
      return;
    }
    const embedded = embeddedIpv4(cidr);
    parsed.push(cidr, ...embedded);
    if (opts.worldAllowed) return;
    const blocks = [cidr, ...embedded];
    const via = (c: Cidr) => (c === cidr ? "" : ` (it holds ${formatCidr(c)} as IPv4 addresses embedded in IPv6)`);
    const world = blocks.find((c) => c.prefix === 0);
    const wide = blocks.find((c) => c.prefix < WIDEST_ADMIN_PREFIX[c.family]);
    if (world) {
      problems.push({ index, message: `"${source}" opens ${opts.surface} to the world${via(world)}; ` +
        (strict ? `${opts.environment} accepts admin sources only` : `on ${opts.environment} that needs allowAdminFromAnywhere: true`) });
    } else if (strict && wide) {
      problems.push({ index, message: `"${source}" is wider than /${WIDEST_ADMIN_PREFIX[wide.family]}${via(wide)}: ${opts.environment} accepts for ` +
        `${opts.surface} only IPv4 blocks of /${WIDEST_ADMIN_PREFIX[4]} or narrower and IPv6 blocks of /${WIDEST_ADMIN_PREFIX[6]} or narrower` });
    }
  });
  if (!opts.worldAllowed && problems.length === 0) {
    for (const family of familiesCovered(parsed)) {
      problems.push({ message: `together these sources cover every IPv${family} address (${sources.filter((s) => {
        const cidr = parseCidr(s);
        return cidr !== undefined && [cidr, ...embeddedIpv4(cidr)].some((c) => c.family === family);
      }).join(", ")}): that opens ${opts.surface} to the world; list the admin networks only` });
    }
  }
  return problems;
}
