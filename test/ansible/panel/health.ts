import { describe, expect, it } from "vitest";
import { virtualminInfo } from "../../../src/health/probes/virtualmin";
import { onPanel, type PanelNode } from "./panel-node";

/** `fleet health`'s Virtualmin check (src/health/probes/virtualmin.ts) against the real
 *  panel, with the API user's credentials, as check-node.ts calls it. */
export function describePanelHealth(node: PanelNode): void {
  const on = onPanel(node);
  // The pin provisioning records: the SHA-256 of the certificate Webmin serves.
  const pin = () => on("openssl x509 -in /etc/webmin/miniserv.pem -noout -fingerprint -sha256").stdout.split("=")[1]!.trim();
  const probe = () => virtualminInfo(node.host().address, 10000, node.fqdn, node.login, pin(), 30_000);

  describe("fleet health's Virtualmin check against the real panel", () => {
    it("passes on the healthy node and reports the pinned version", async () => {
      await expect(probe()).resolves.toBe("virtualmin 8.1.0");
    });

    it("fails with wrong credentials", async () => {
      await expect(virtualminInfo(node.host().address, 10000, node.fqdn, { ...node.login, password: "wrong-password-0123456789" }, pin(), 30_000))
        .rejects.toThrow(/credentials of node-fleet-api rejected \(HTTP 401\)/);
    });

    it("sends no credentials when the panel's certificate is not the pinned one", async () => {
      await expect(virtualminInfo(node.host().address, 10000, node.fqdn, node.login, "AB".repeat(32), 30_000))
        .rejects.toThrow(/is not the pinned one; credentials not sent/);
    });

    it("fails while Webmin is stopped, and passes once it runs again", async () => {
      expect(on("systemctl stop webmin").code).toBe(0);
      try {
        await expect(probe()).rejects.toThrow(/refused/);
      } finally {
        on("systemctl start webmin");
      }
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline && !(await probe().then(() => true, () => false))) await new Promise((r) => setTimeout(r, 1000));
      await expect(probe()).resolves.toBe("virtualmin 8.1.0");
    }, 90_000);
  });
}
