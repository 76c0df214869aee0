import { beforeAll, describe, expect, it } from "vitest";
import { sshAuditFindings } from "../checks/sshd";
import { onPanel, type PanelNode } from "./panel-node";

/** Lynis warnings that stay on the panel host, each with the reason (docs/panel-host.md
 *  lists them too). Any other warning fails the grading. */
export const ACCEPTED_LYNIS_WARNINGS: Readonly<Record<string, string>> = {
  "PKGS-7392": "the test image is built from bookworm without its security suite; on a node unattended-upgrades installs them",
  "NETW-2704": "this machine's resolver, which the test host copies, does not answer for names it has no record of (Lynis asks for the node's FQDN); Hetzner's resolvers answer every query",
  "NETW-2705": "the test host copies this machine's single resolver; Hetzner's servers get several",
};

/** The provisioned panel host graded as an auditor would: ssh-audit from outside, Lynis inside. */
export function describeGrading(node: PanelNode): void {
  const on = onPanel(node);

  describe("grading the panel host", () => {
    let index = 0;
    let warnings: string[] = [];
    beforeAll(() => {
      const install = on("DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends lynis >/dev/null 2>&1");
      expect(install.code, install.stderr).toBe(0);
      const audit = on("lynis audit system --quick --no-colors --report-file /root/lynis-report.dat >/root/lynis.log 2>&1; cat /root/lynis-report.dat");
      index = Number(/^hardening_index=(\d+)$/m.exec(audit.stdout)?.[1] ?? 0);
      warnings = [...audit.stdout.matchAll(/^warning\[\]=([^|]+)\|([^|]*)\|/gm)].map((m) => `${m[1]}: ${m[2]}`);
      console.log(`panel host: Lynis hardening index ${index}; warnings: ${warnings.join("; ") || "none"}`);
    }, 600_000);

    it("passes ssh-audit without a [fail] or [warn] line", () => {
      const { findings, output } = sshAuditFindings(node.host().address);
      expect(findings, output).toEqual([]);
    });

    it("reaches a Lynis hardening index of at least 80", () => {
      expect(index).toBeGreaterThanOrEqual(80);
    });

    it("has no Lynis warning but the accepted ones", () => {
      expect(warnings.filter((w) => !(w.split(":")[0]! in ACCEPTED_LYNIS_WARNINGS))).toEqual([]);
    });
  });
}
