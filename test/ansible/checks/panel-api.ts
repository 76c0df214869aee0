import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webminDecides, type WebminFiles, type WebminPath } from "../webmin-acl";
import { onHost, type Provisioned } from "./provisioned";

/** The panel API user's rights, as Webmin and Virtualmin read the files the role writes. */
export function describePanelApi(node: Provisioned): void {
  const on = onHost(node);

  describe("the panel API user", () => {
    const user = "node-fleet-api";
    const platform = "10.213.200.7";
    let files: WebminFiles;
    beforeAll(async () => {
      // Webmin is not installable here: a fresh install's files with its root user, and a
      // stand-in webmin unit for the role's restart handler.
      expect(on(`set -e; mkdir -p /etc/webmin/virtual-server; echo 'root:x:0' > /etc/webmin/miniserv.users;
        echo 'root: acl virtual-server' > /etc/webmin/webmin.acl;
        printf '[Service]\\nExecStart=/bin/sleep infinity\\n' > /etc/systemd/system/webmin.service; systemctl daemon-reload`).code).toBe(0);
      const planned = node.planVars({ platformSourceCidrs: [`${platform}/32`, "2001:DB8:1::/48"] });
      const run = await node.provision({ NODE_TAGS: "api-user", NODE_VARS: node.vars({
        virtualmin_install_enabled: true, virtualmin_api_allowed_sources: planned.virtualmin_api_allowed_sources }) });
      expect(run.code, run.stdout.slice(-2000)).toBe(0);
      const snapshot = Object.fromEntries(["miniserv.users", "webmin.acl", `${user}.acl`, `virtual-server/${user}.acl`].map((path) => {
        const read = on(`cat /etc/webmin/${path}`);
        return [path, read.code === 0 ? `${read.stdout}\n` : undefined];
      }));
      files = (path) => snapshot[path];
    }, 180_000);
    afterAll(() => {
      on("rm -rf /etc/webmin /etc/systemd/system/webmin.service; systemctl daemon-reload");
    });
    const decide = (ip: string, path: WebminPath) => webminDecides(files, { user, ip, path });

    it("writes the allow list as miniserv reads it: IPv6 in lowercase, ';' for ':'", () => {
      expect(files("miniserv.users")).toMatch(new RegExp(`^${user}:\\$6\\$[^:]+:0::allow ${platform}/32 2001;db8;1;;/48$`, "m"));
    });

    it("may call Virtualmin's remote API from the platform's addresses", () => {
      expect(decide(platform, "/virtual-server/remote.cgi")).toEqual({ allowed: true, why: "master admin (can_remote)" });
      expect(decide("2001:db8:1::20", "/virtual-server/remote.cgi").allowed).toBe(true);
    });

    it("is refused Webmin's RPC, which runs any Perl as root", () => {
      for (const path of ["/rpc.cgi", "/fastrpc.cgi"] as const) {
        expect(decide(platform, path)).toEqual({ allowed: false, why: "rpc=0 (webmin_user_can_rpc)" });
      }
      expect(decide(platform, "/xmlrpc.cgi")).toEqual({ allowed: false, why: "rpc=0 (xmlrpc.cgi)" });
    });

    it("cannot log in from any other address", () => {
      expect(decide("10.213.200.8", "/virtual-server/remote.cgi")).toEqual({ allowed: false, why: "login from 10.213.200.8 refused (check_user_ip)" });
      expect(decide("2001:db8:2::20", "/virtual-server/remote.cgi").allowed).toBe(false);
    });

    it("leaves Webmin's other users as they were", () => {
      expect(files("miniserv.users")).toMatch(/^root:x:0$/m);
      expect(files("webmin.acl")).toMatch(/^root: acl virtual-server$/m);
      expect(webminDecides(files, { user: "root", ip: "192.0.2.1", path: "/rpc.cgi" }).allowed).toBe(true);
    });
  });
}
