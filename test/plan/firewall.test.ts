import { describe, expect, it } from "vitest";
import { CLOUDFLARE_RANGES, firewallRules } from "../../src/plan/firewall";

const ADMIN = ["203.0.113.10/32"];
const rules = (httpFromCloudflareOnly = false, platformSourceCidrs: string[] = []) =>
  firewallRules({ sshSourceCidrs: ADMIN, panelSourceCidrs: ["198.51.100.0/24"], platformSourceCidrs, httpFromCloudflareOnly });
const find = (protocol: string, port?: string) => rules().find((r) => r.protocol === protocol && r.port === port);

describe("firewallRules", () => {
  it("opens every port of seed 000, inbound", () => {
    expect(rules().map((r) => `${r.port ?? "-"}/${r.protocol}`)).toEqual([
      "22/tcp", "10000/tcp", "80/tcp", "443/tcp", "25/tcp", "465/tcp", "587/tcp", "993/tcp", "995/tcp",
      "21/tcp", "40000-40100/tcp", "53/tcp", "53/udp", "-/icmp",
    ]);
    expect(rules().every((r) => r.direction === "in")).toBe(true);
  });

  it("limits SSH to the admin sources and Webmin to the panel sources", () => {
    expect(find("tcp", "22")?.sourceIps).toEqual(ADMIN);
    expect(find("tcp", "10000")?.sourceIps).toEqual(["198.51.100.0/24"]);
  });

  it("also lets the platform reach Webmin, whose API user logs in only from there, without repeating a source", () => {
    const webmin = rules(false, ["192.0.2.8/29", "198.51.100.0/24"]).find((r) => r.port === "10000");
    expect(webmin?.sourceIps).toEqual(["198.51.100.0/24", "192.0.2.8/29"]);
    expect(rules(false, ["192.0.2.8/29"]).find((r) => r.port === "22")?.sourceIps).toEqual(ADMIN);
  });

  it("keeps mail, FTP and DNS open to everyone", () => {
    for (const port of ["25", "465", "587", "993", "995", "21", "40000-40100", "53"]) {
      expect(find("tcp", port)?.sourceIps).toEqual(["0.0.0.0/0", "::/0"]);
    }
    expect(find("udp", "53")?.sourceIps).toEqual(["0.0.0.0/0", "::/0"]);
  });

  it("opens HTTP and HTTPS to everyone by default", () => {
    expect(find("tcp", "443")?.sourceIps).toEqual(["0.0.0.0/0", "::/0"]);
  });

  it("accepts HTTP and HTTPS only from Cloudflare when the stack asks", () => {
    const https = rules(true).find((r) => r.port === "443");
    expect(https?.sourceIps).toEqual(CLOUDFLARE_RANGES);
    expect(https?.sourceIps).toContain("173.245.48.0/20");
    expect(https?.sourceIps).toContain("2606:4700::/32");
  });
});
