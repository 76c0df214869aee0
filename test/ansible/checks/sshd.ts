import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onHost, type Provisioned } from "./provisioned";

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

/** SSH: sshd against its audited baseline, and root's keys managed exclusively. */
export function describeSsh(node: Provisioned): void {
  const on = onHost(node);

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
}
