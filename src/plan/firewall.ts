import { ANYWHERE } from "../stack/settings";

/** One inbound rule of a node's cloud firewall. */
export interface FirewallRule {
  readonly direction: "in";
  readonly protocol: "tcp" | "udp" | "icmp";
  /** A port or range (`40000-40100`); absent for ICMP. */
  readonly port?: string;
  readonly sourceIps: readonly string[];
  readonly description: string;
}

/** Who may reach which surface of a node. */
export interface FirewallSources {
  readonly sshSourceCidrs: readonly string[];
  readonly panelSourceCidrs: readonly string[];
  /** The platform's addresses: it calls the panel's remote API on 10000. */
  readonly platformSourceCidrs: readonly string[];
  readonly httpFromCloudflareOnly: boolean;
}

/** Cloudflare's published edge ranges (cloudflare.com/ips-v4 and ips-v6), for stacks
 *  that accept HTTP/HTTPS only through Cloudflare (seed 003). */
export const CLOUDFLARE_RANGES = [
  "173.245.48.0/20", "103.21.244.0/22", "103.22.200.0/22", "103.31.4.0/22", "141.101.64.0/18",
  "108.162.192.0/18", "190.93.240.0/20", "188.114.96.0/20", "197.234.240.0/22", "198.41.128.0/17",
  "162.158.0.0/15", "104.16.0.0/13", "104.24.0.0/14", "172.64.0.0/13", "131.0.72.0/22",
  "2400:cb00::/32", "2606:4700::/32", "2803:f800::/32", "2405:b500::/32", "2405:8100::/32",
  "2a06:98c0::/29", "2c0f:f248::/32",
] as const;

/** The rules of seed 000 for a shared-hosting node. SSH (22) and Webmin (10000) accept
 *  only the stack's admin sources: both are login surfaces. 10000 also accepts the
 *  platform's sources, the only addresses its API user may log in from (roles/virtualmin). Mail, FTP and DNS stay open
 *  because customers reach them directly; HTTP/HTTPS too, unless the stack serves them
 *  through Cloudflare only. Outbound traffic is not filtered (Hetzner allows all
 *  outbound when a firewall has no outbound rule): nodes send mail and fetch updates. */
export function firewallRules(sources: FirewallSources): FirewallRule[] {
  const web = sources.httpFromCloudflareOnly ? [...CLOUDFLARE_RANGES] : [...ANYWHERE];
  const tcp = (port: string, sourceIps: readonly string[], description: string): FirewallRule =>
    ({ direction: "in", protocol: "tcp", port, sourceIps, description });
  return [
    tcp("22", sources.sshSourceCidrs, "SSH"),
    tcp("10000", [...new Set([...sources.panelSourceCidrs, ...sources.platformSourceCidrs])], "Webmin/Virtualmin"),
    tcp("80", web, "HTTP"),
    tcp("443", web, "HTTPS"),
    tcp("25", ANYWHERE, "SMTP"),
    tcp("465", ANYWHERE, "SMTPS"),
    tcp("587", ANYWHERE, "SMTP submission"),
    tcp("993", ANYWHERE, "IMAPS"),
    tcp("995", ANYWHERE, "POP3S"),
    tcp("21", ANYWHERE, "FTP control"),
    tcp("40000-40100", ANYWHERE, "FTP passive"),
    tcp("53", ANYWHERE, "DNS over TCP"),
    { direction: "in", protocol: "udp", port: "53", sourceIps: ANYWHERE, description: "DNS" },
    { direction: "in", protocol: "icmp", sourceIps: ANYWHERE, description: "ICMP (ping, path MTU discovery)" },
  ];
}
