import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProvisionRun } from "./provision";
import type { TestHost } from "./test-host";
import { webminDecides, type WebminFiles, type WebminPath } from "./webmin-acl";

/** What the security checks need from the real-host test that provisioned the host. */
export interface Provisioned {
  host(): TestHost;
  /** The first provisioning run's variables (JSON), with `extra` on top. */
  vars(extra?: Record<string, unknown>): string;
  /** Runs ansible/bin/provision against the host with these environment overrides. */
  provision(env: Record<string, string>): Promise<ProvisionRun>;
}

const METADATA = "169.254.169.254";
const CUSTOMER = "customer1";

/** ssh-audit (Debian's package) against the node's sshd: every `[fail]` or `[warn]` line,
 *  except its notes on algorithms it does not know (e.g. kex-strict-s-v00@openssh.com). */
export function sshAuditFindings(address: string): { findings: string[]; output: string } {
  const run = spawnSync("ssh-audit", ["-n", address], { encoding: "utf8", timeout: 60_000 });
  if (run.error) throw new Error(`ssh-audit is missing: apt-get install ssh-audit (${run.error.message})`);
  const output = run.stdout + run.stderr;
  if (!/\(gen\) banner: SSH-2\.0-OpenSSH/.test(output)) throw new Error(`ssh-audit did not reach sshd:\n${output}`);
  const findings = output.split("\n").filter((line) => /\[(fail|warn)\]/.test(line) && !/unknown algorithm/.test(line));
  return { findings, output };
}

export function describeNodeSecurity(node: Provisioned): void {
  const on = (command: string) => node.host().ssh(command);

  describe("sshd", () => {
    it("passes ssh-audit without a [fail] or [warn] line", () => {
      const { findings, output } = sshAuditFindings(node.host().address);
      expect(findings, output).toEqual([]);
    });

    it("refuses TCP forwarding", () => {
      const forward = spawnSync("ssh", ["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
        "-o", "ConnectTimeout=3", "-o", "IdentitiesOnly=yes", "-i", node.host().adminKeyFile, "-W", "127.0.0.1:22", `root@${node.host().address}`],
      { encoding: "utf8", input: "", timeout: 20_000 });
      expect(forward.stderr).toMatch(/administratively prohibited/);
    });

    it("sets the options of the baseline", () => {
      const effective = on("sshd -T").stdout.split("\n");
      for (const line of ["allowtcpforwarding no", "allowagentforwarding no", "allowstreamlocalforwarding no", "permittunnel no",
        "gatewayports no", "x11forwarding no", "maxstartups 10:30:60", "maxsessions 10", "loglevel VERBOSE",
        "authorizedkeysfile .ssh/authorized_keys", "permituserenvironment no"]) {
        expect(effective).toContain(line);
      }
    });

    it("offers Diffie-Hellman group exchange with moduli of 3072 bits or more only", () => {
      expect(Number(on("awk '$1 !~ /^#/ { print $5 }' /etc/ssh/moduli | sort -n | head -1").stdout)).toBeGreaterThanOrEqual(3071);
    });
  });

  describe("the cloud metadata service", () => {
    beforeAll(() => {
      // The address becomes local inside the host's own network namespace, served by a
      // small listener: the node's firewall sees the same packets as towards Hetzner's.
      const setup = on(`set -e; ip addr add ${METADATA}/32 dev lo; mkdir -p /run/fake-metadata;
        echo 'ssh_keys: {ed25519_private: host-private-key}' > /run/fake-metadata/user-data;
        systemd-run --unit=fake-metadata python3 -m http.server --bind ${METADATA} --directory /run/fake-metadata 80;
        id ${CUSTOMER} >/dev/null 2>&1 || useradd -m ${CUSTOMER};
        for _ in $(seq 50); do curl -s -o /dev/null http://${METADATA}/ && exit 0; sleep 0.2; done; exit 1`);
      expect(setup.code, setup.stderr).toBe(0);
    });
    afterAll(() => {
      on(`systemctl stop fake-metadata; ip addr del ${METADATA}/32 dev lo`);
    });
    const fetchAs = (user: string) => on(`runuser -u ${user} -- curl -sS -m 5 http://${METADATA}/user-data`);

    it("answers root", () => {
      expect(on(`curl -sS -m 5 http://${METADATA}/user-data`).stdout).toContain("host-private-key");
    });

    it("refuses every other user, customers and services alike", () => {
      for (const user of [CUSTOMER, "www-data", "nobody"]) {
        const run = fetchAs(user);
        expect(run.code, `${user}: ${run.stdout}`).toBe(7);
        expect(run.stderr).toContain("Couldn't connect to server");
      }
    });

    it("stays refused when Virtualmin's firewall (firewalld) is installed, started and reloaded", () => {
      // firewalld conflicts with nftables.service, whose stop flushes the whole ruleset.
      const install = on("DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends netbase firewalld >/dev/null 2>&1" +
        " && systemctl start firewalld && firewall-cmd --reload");
      try {
        expect(install.code, install.stderr).toBe(0);
        expect(on("nft list tables").stdout).toContain("table inet firewalld");
        expect(fetchAs(CUSTOMER).code).toBe(7);
        expect(on("systemctl start nftables && systemctl stop nftables").code).toBe(0);
        expect(fetchAs(CUSTOMER).code).toBe(7);
      } finally {
        on("systemctl disable --now firewalld");
      }
    }, 180_000);
  });

  describe("root's authorized keys", () => {
    let keys: string;
    beforeAll(() => {
      keys = mkdtempSync("/var/tmp/master-key-");
      execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "", "-f", join(keys, "master")]);
    });
    afterAll(() => rmSync(keys, { recursive: true, force: true }));

    it("admit the master key, taken literally, while the stack names it, and refuse it once it is removed", async () => {
      const marker = `/var/tmp/templated-${process.pid}`;
      const comment = `ops {{ lookup('pipe', 'touch ${marker}') }}`;
      const master = `${readFileSync(join(keys, "master.pub"), "utf8").trim()} ${comment}`;
      const added = await node.provision({ NODE_TAGS: "keys", NODE_VARS: node.vars({ node_master_ssh_public_key: master }) });
      expect(added.code, added.stdout.slice(-2000)).toBe(0);
      expect(node.host().ssh("true", join(keys, "master")).code).toBe(0);
      expect(on("cat /root/.ssh/authorized_keys").stdout).toContain(comment);
      expect(existsSync(marker)).toBe(false);

      const removed = await node.provision({ NODE_TAGS: "keys", NODE_VARS: node.vars({ node_master_ssh_public_key: "" }) });
      expect(removed.code, removed.stdout.slice(-2000)).toBe(0);
      const refused = node.host().ssh("true", join(keys, "master"));
      expect(refused.code).toBe(255);
      expect(refused.stderr).toContain("Permission denied (publickey)");
      expect(on("true").code).toBe(0);
    }, 240_000);

    it("drop a key added by hand on the next run", async () => {
      on(`echo '${readFileSync(join(keys, "master.pub"), "utf8").trim()}' >> /root/.ssh/authorized_keys`);
      expect(node.host().ssh("true", join(keys, "master")).code).toBe(0);
      const run = await node.provision({ NODE_TAGS: "keys" });
      expect(run.code).toBe(0);
      expect(node.host().ssh("true", join(keys, "master")).code).toBe(255);
    }, 120_000);
  });

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
      const run = await node.provision({ NODE_TAGS: "api-user", NODE_VARS: node.vars({
        virtualmin_install_enabled: true, virtualmin_api_allowed_sources: [`${platform}/32`, "2001:db8:1::/48"] }) });
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

  describe("the system", () => {
    beforeAll(() => {
      expect(on(`id ${CUSTOMER} >/dev/null 2>&1 || useradd -m ${CUSTOMER}`).code).toBe(0);
    });

    it("gives no core dumps to login sessions, customers' or root's, nor to services", () => {
      expect(on(`su - ${CUSTOMER} -c 'ulimit -Hc'`).stdout).toBe("0");
      expect(on("ulimit -Hc").stdout).toBe("0");
      expect(on("systemd-run --wait --pipe --quiet sh -c 'ulimit -Hc'").stdout).toBe("0");
    });

    it("gives login shells the umask 027", () => {
      expect(on(`su - ${CUSTOMER} -c umask`).stdout).toBe("0027");
    });

    it("shows a user only their own processes, and root all", () => {
      const seen = on(`runuser -u ${CUSTOMER} -- ps -eo user= | sort -u`).stdout.split("\n");
      expect(seen).toEqual([CUSTOMER]);
      expect(on("ps -eo comm=").stdout.split("\n")).toContain("sshd");
    });

    it("keeps the drivers of unused file systems from loading (checked in modprobe's file: the host has no modprobe)", () => {
      expect(on("cat /etc/modprobe.d/node-fleet-filesystems.conf").stdout).toMatch(/^install cramfs \/bin\/false$/m);
    });

    it("installs security updates from the distribution's security suite, and only those", () => {
      const dryRun = on("unattended-upgrade --dry-run --debug 2>&1").stdout;
      const allowed = /^Allowed origins are: (.*)$/m.exec(dryRun)?.[1]?.split(", ");
      expect(allowed).toEqual(["origin=Debian,codename=bookworm-security,label=Debian-Security", "origin=Ubuntu,archive=bookworm-security"]);
      expect(on("apt-cache policy").stdout).toMatch(/bookworm-security\/main amd64 Packages\n\s+release .*l=Debian-Security/);
    }, 120_000);
  });
}
