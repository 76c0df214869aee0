import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devNodePlan, provision, type ProvisionRun } from "../ansible/provision";
import { startTestHost, type TestHost } from "../ansible/test-host";
import { startS3Server, type S3Server } from "./s3-server";
import { restoreNode } from "../../src/restore/restore-node";
import { baseScenario, harness, type Harness } from "../automation/harness";

/** The node's side of off-node backups, for real: the backup role provisioned over SSH
 *  onto the disposable Debian 12 host, Debian's restic talking S3 to a real S3 server on
 *  the host side of the host's network. Virtualmin cannot be installed on this plain host,
 *  so its `virtualmin` command is the stand-in in fixtures/ (same command line, same
 *  directory layout and exit codes); test/backup/panel-restore.test.ts runs the same
 *  commands against real Virtualmin on the panel host. */
const HOSTNAME = "dev-sha-het-de-fsn1-001";
const PASSWORD = "restic-test-password-9f8e7d6c5b4a";
let host: TestHost;
let s3: S3Server;
let provisioned: ProvisionRun;

const on = (command: string) => host.ssh(command);
const status = () => JSON.parse(on("cat /var/lib/node-fleet/backup-status.json").stdout) as {
  last: { result: string; exitCode: number; stage: string; message: string; snapshot?: string; finishedAt: string };
  lastSuccess?: { snapshot: string; finishedAt: string };
  check?: { result: string; exitCode: number; message: string };
};
/** restic on the node, with the node's own repository settings. */
const restic = (args: string) => on(`set -a; . /etc/node-fleet/backup-s3.env; RESTIC_PASSWORD_FILE=/etc/node-fleet/restic-password \
  restic -r s3:${s3.endpoint}/${s3.bucket}/${HOSTNAME} ${args}`);
const snapshots = () => JSON.parse(restic("snapshots --json").stdout) as { id: string }[];
const backup = () => on("node-fleet-backup run");
const siteDigest = () => on("cd /srv/stand-in/sites && find . -type f -print0 | sort -z | xargs -0 sha256sum").stdout;

beforeAll(async () => {
  const plan = devNodePlan(HOSTNAME);
  host = await startTestHost(HOSTNAME, plan.fqdn);
  const hostSide = /via (\S+)/.exec(on("ip -4 route show default").stdout)![1]!;
  s3 = await startS3Server(hostSide, "node-fleet-backups");
  const standIn = readFileSync(join(__dirname, "fixtures/virtualmin-stand-in")).toString("base64");
  on(`base64 -d > /usr/local/sbin/virtualmin <<< '${standIn}' && chmod 755 /usr/local/sbin/virtualmin && ` +
    "install -d /srv/stand-in/sites/shop.example /srv/stand-in/sites/blog.example /srv/stand-in/ips /srv/stand-in/settings && " +
    "head -c 300000 /dev/urandom > /srv/stand-in/sites/shop.example/index.html && echo hello > /srv/stand-in/sites/blog.example/index.html && " +
    `echo ${host.address} > /srv/stand-in/ips/shop.example && echo ${host.address} > /srv/stand-in/ips/blog.example && echo global > /srv/stand-in/settings/config`);
  const vars = devNodePlan(HOSTNAME, {
    offsiteBackups: { endpoint: s3.endpoint, bucket: s3.bucket, region: "us-east-1", accessKeyId: s3.accessKeyId,
      keep: { daily: 7, weekly: 4, monthly: 6 }, checkSchedule: "30 4 * * 0", maxAgeHours: 26 },
  }).ansibleVars;
  provisioned = await provision({
    NODE_HOST: host.address, NODE_PORT: "22", NODE_USER: "root", NODE_HOSTNAME: HOSTNAME, NODE_HOST_KEY: host.hostPublicKey,
    NODE_VARS: JSON.stringify(vars), NODE_TAGS: "backup", NODE_SSH_WAIT: "60",
    NODE_PANEL_PASSWORD: "panel-password-unused-here", NODE_RESTIC_PASSWORD: PASSWORD, NODE_BACKUP_SECRET_KEY: s3.secretAccessKey,
  }, host.adminPrivateKey);
}, 600_000);

afterAll(async () => {
  await s3?.stop();
  await host?.stop();
}, 60_000);

describe("off-node backups on a real host and a real S3 server", () => {
  it("provisions restic, the commands and the check schedule, with the secrets for root only", () => {
    expect(provisioned.code, provisioned.stderr + provisioned.stdout.slice(-3000)).toBe(0);
    expect(provisioned.stdout + provisioned.stderr).not.toContain(PASSWORD);
    expect(provisioned.stdout + provisioned.stderr).not.toContain(s3.secretAccessKey);
    expect(on("stat -c '%a %U' /etc/node-fleet/restic-password /etc/node-fleet/backup-s3.env").stdout).toBe("600 root\n600 root");
    expect(on("command -v restic node-fleet-backup node-fleet-restore").stdout.split("\n")).toHaveLength(3);
    expect(on("cat /etc/cron.d/node-fleet-backup").stdout).toMatch(/^0 2 \* \* \* root \/usr\/local\/sbin\/node-fleet-backup run >> /m);
    expect(on("cat /etc/cron.d/node-fleet-backup-check").stdout).toMatch(/^30 4 \* \* 0 root \/usr\/local\/sbin\/node-fleet-backup check/m);
  });

  it("backs up every domain and the global settings, uploads a snapshot and records the success", () => {
    const run = backup();
    expect(run.code, run.stderr).toBe(0);
    const recorded = status();
    expect(recorded.last).toMatchObject({ result: "ok", exitCode: 0, stage: "done" });
    expect(recorded.lastSuccess!.snapshot).toMatch(/^[0-9a-f]{8}$/);
    expect(snapshots().map((s) => s.id.slice(0, 8))).toEqual([recorded.lastSuccess!.snapshot]);
    expect(on("ls /var/backups/virtualmin/$(date -u +%F)").stdout.split("\n").sort())
      .toEqual(["blog.example.tar", "blog.example.tar.dom", "blog.example.tar.info", "shop.example.tar", "shop.example.tar.dom", "shop.example.tar.info", "virtualmin.tar"]);
  });

  it("keeps one snapshot per day: a second run the same day replaces the first under the retention policy", () => {
    const before = status().lastSuccess!.snapshot;
    expect(backup().code).toBe(0);
    const after = status().lastSuccess!.snapshot;
    expect(after).not.toBe(before);
    expect(snapshots().map((s) => s.id.slice(0, 8))).toEqual([after]);
  });

  it("fails with exit 11 when Virtualmin backs up only some domains (its exit 4), and keeps the last success", () => {
    const good = status().lastSuccess!;
    on("echo shop.example > /srv/stand-in/fail-domain");
    const run = backup();
    on("rm /srv/stand-in/fail-domain");
    expect(run.code).toBe(11);
    expect(run.stderr).toContain("node-fleet-backup: FAILED (local): Virtualmin backed up only some domains (exit 4)");
    expect(status().last).toMatchObject({ result: "failed", exitCode: 11, stage: "local" });
    expect(status().lastSuccess).toEqual(good);
  });

  it("fails with exit 20 when the object store is unreachable, and the next run works", () => {
    s3.cutOff(true);
    const run = backup();
    s3.cutOff(false);
    expect(run.code, run.stderr).toBe(20);
    expect(run.stderr).toMatch(/FAILED \(open\): object store unreachable or refusing/);
    expect(status().last).toMatchObject({ result: "failed", exitCode: 20 });
    expect(backup().code).toBe(0);
  }, 180_000);

  it("fails with exit 20 when the store refuses in the middle of an upload: no snapshot, no damage, the next run works", async () => {
    on("head -c 60000000 /dev/urandom > /srv/stand-in/sites/shop.example/video.bin && " +
      "sed -i 's/^BACKUP_UPLOAD_TIMEOUT=.*/BACKUP_UPLOAD_TIMEOUT=40/' /etc/node-fleet/backup.conf");
    const before = snapshots().map((s) => s.id);
    const packsBefore = (await s3.list(`${HOSTNAME}/data/`)).length;
    const running = runInBackground("node-fleet-backup run");
    let packsDuring = packsBefore;
    const deadline = Date.now() + 120_000;
    while (packsDuring === packsBefore && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      packsDuring = (await s3.list(`${HOSTNAME}/data/`)).length;
    }
    let stopped: { code: number | null; stderr: string };
    try {
      s3.cutOff(true);
      stopped = await running;
    } finally {
      s3.cutOff(false);
    }
    expect(packsDuring).toBeGreaterThan(packsBefore);
    expect(stopped.code, stopped.stderr).toBe(20);
    expect(stopped.stderr).toMatch(/FAILED \(upload\): object store unreachable or refusing: the upload did not finish within 40s/);
    expect(snapshots().map((s) => s.id)).toEqual(before);
    expect(on("node-fleet-backup check").code).toBe(0);
    const next = backup();
    on("rm /srv/stand-in/sites/shop.example/video.bin");
    expect(next.code, next.stderr).toBe(0);
    expect(snapshots()).toHaveLength(1);
  }, 300_000);

  it("fails with exit 21 on a wrong repository password and leaves the repository as it was", async () => {
    const objects = (await s3.list(`${HOSTNAME}/`)).sort();
    on("cp /etc/node-fleet/restic-password /root/pw && echo wrong-password > /etc/node-fleet/restic-password");
    const run = backup();
    on("mv /root/pw /etc/node-fleet/restic-password");
    expect(run.code).toBe(21);
    expect(run.stderr).toContain("FAILED (open): wrong repository password");
    expect((await s3.list(`${HOSTNAME}/`)).sort()).toEqual(objects);
  });

  it("fails with exit 12 when the disk fills during the local backup, removes only its own partial files, and the next run works", () => {
    on("head -c 3000000 /dev/urandom > /srv/stand-in/sites/shop.example/big.bin && mkdir -p /root/keep && " +
      "mount -t tmpfs -o size=1m tmpfs /var/backups/virtualmin && mkdir /var/backups/virtualmin/2026-01-01 && echo old > /var/backups/virtualmin/2026-01-01/a");
    const run = backup();
    const left = on("ls /var/backups/virtualmin").stdout;
    on("umount /var/backups/virtualmin && rm /srv/stand-in/sites/shop.example/big.bin");
    expect(run.code, run.stderr).toBe(12);
    expect(run.stderr).toContain("FAILED (local): disk full during the local backup");
    expect(left).toBe("2026-01-01");
    expect(backup().code).toBe(0);
  });

  it("checks the repository on demand and records the result", () => {
    const run = on("node-fleet-backup check");
    expect(run.code, run.stderr).toBe(0);
    expect(status().check).toMatchObject({ result: "ok", exitCode: 0 });
  });
});

describe("restoring on the node from the off-node repository", () => {
  it("a drill restores the latest snapshot into a scratch directory, reads every archive back, and changes nothing", () => {
    const sites = siteDigest();
    const run = on("node-fleet-restore --drill");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^drill ok: snapshot [0-9a-f]{8} of dev-sha-het-de-fsn1-001 .* 2 domain archives read back$/m);
    expect(run.stdout.split("\n").filter((l) => l.startsWith("domain "))).toEqual(["domain blog.example", "domain shop.example"]);
    expect(siteDigest()).toBe(sites);
    expect(on("ls -A /var/backups/node-fleet-restore").stdout).toBe("");
  });

  it("refuses with exit 30 to restore onto a node that hosts domains", () => {
    const run = on("node-fleet-restore");
    expect(run.code).toBe(30);
    expect(run.stderr).toBe("node-fleet-restore: FAILED: refusing to restore: this node already hosts domains (blog.example shop.example); pass --overwrite to restore over them");
  });

  it("restores settings and every domain byte for byte onto an emptied node and moves them to the new address", () => {
    const sites = siteDigest();
    on("rm -rf /srv/stand-in/sites/* /srv/stand-in/ips/* /srv/stand-in/settings/*");
    const run = on("node-fleet-restore --new-ip 192.0.2.10");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^restored 2 domains from snapshot [0-9a-f]{8} of dev-sha-het-de-fsn1-001/m);
    expect(run.stdout).toContain(`ip ${host.address} 192.0.2.10`);
    expect(siteDigest()).toBe(sites);
    expect(on("cat /srv/stand-in/settings/config /srv/stand-in/ips/shop.example").stdout).toBe("global\n192.0.2.10");
  });

  it("fails with exit 24 for a snapshot that does not exist", () => {
    const run = on("node-fleet-restore --overwrite --snapshot 0123abcd");
    expect(run.code).toBe(24);
    expect(run.stderr).toContain("no snapshot 0123abcd of dev-sha-het-de-fsn1-001");
  });

  it("after a restore interrupted half-way, the next restore finishes the job without --overwrite", async () => {
    const sites = siteDigest();
    // The stand-in's domain restore waits, so the restore can be stopped inside it.
    on("sed -i 's|^  restore-domain)$|  restore-domain)\\n    [[ \" $* \" == *\" --all-domains \"* ]] \\&\\& sleep 30|' /usr/local/sbin/virtualmin");
    on("rm -rf /srv/stand-in/sites/* /srv/stand-in/ips/*");
    // In a session of its own, stopped as a whole, as when the SSH session that ran it is lost.
    const running = runInBackground("setsid node-fleet-restore & echo $! > /run/restore.pid; wait $!");
    const deadline = Date.now() + 60_000;
    while (on("pgrep -x sleep").code !== 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    on("kill -TERM -- -$(cat /run/restore.pid)");
    const stopped = await running;
    on("sed -i '/sleep 30/d' /usr/local/sbin/virtualmin");
    expect(stopped.code).not.toBe(0);
    expect(on("test -f /var/lib/node-fleet/restore-in-progress").code).toBe(0);
    on("mkdir -p /srv/stand-in/sites/shop.example");
    const again = on("node-fleet-restore");
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/an earlier restore \([0-9a-f]{64} .*\) did not finish; restoring over its partial work/);
    expect(siteDigest()).toBe(sites);
    expect(on("test -f /var/lib/node-fleet/restore-in-progress").code).toBe(1);
  }, 120_000);

});

describe("fleet restore through the Automation API library, over SSH with the stack's outputs", () => {
  let h: Harness | undefined;
  const stackWith = () => {
    h?.cleanup();
    h = harness(baseScenario([], {
      outputs: {
        nodes: { value: { [HOSTNAME]: { ipv4: host.address, hostPublicKey: host.hostPublicKey } }, secret: false },
        adminKeys: { value: { [HOSTNAME]: host.adminPrivateKey }, secret: true },
        backupPasswords: { value: { [HOSTNAME]: PASSWORD }, secret: true },
      },
    }));
    return h;
  };
  afterAll(() => {
    h?.cleanup();
    on("kill $(cat /run/web.pid) 2>/dev/null");
  });

  it("refuses a node that hosts domains, as an audited refusal with the correlation id", async () => {
    const { fleet } = stackWith();
    await expect(restoreNode(fleet, HOSTNAME, { correlationId: "restore-refused-1" }))
      .rejects.toThrow("refusing to restore: this node already hosts domains (blog.example shop.example); pass --overwrite to restore over them");
    expect(h!.audit().map((a) => [a.type, a.action, a.node, a.correlationId])).toEqual([
      ["operation.started", "fleet_restore_started", HOSTNAME, "restore-refused-1"],
      ["operation.refused", "fleet_restore_refused", HOSTNAME, "restore-refused-1"],
    ]);
  });

  it("fails with exit 33 when the restored domains do not answer over HTTP, after restoring them", async () => {
    const { fleet } = stackWith();
    const failed = await restoreNode(fleet, HOSTNAME, { overwrite: true, answerTimeoutMs: 3000 }).then(() => new Error("restored"), (e: Error) => e);
    expect((failed.cause as { exitCode: number }).exitCode).toBe(33);
    expect((failed.cause as Error).message).toMatch(/^restored 2 domains, but 2 do not answer: blog\.example \(connect ECONNREFUSED .*\), shop\.example/);
    expect(h!.audit().at(-1)).toMatchObject({ type: "operation.failed", action: "fleet_restore_failed" });
  });

  it("restores every domain, checks each answers at the node's address, and reports it", async () => {
    on("cd /srv/stand-in/sites && (setsid python3 -m http.server 80 >/dev/null 2>&1 & echo $! > /run/web.pid)");
    await new Promise((r) => setTimeout(r, 1500));
    const sites = siteDigest();
    const { fleet } = stackWith();
    const report = await restoreNode(fleet, HOSTNAME, { overwrite: true, correlationId: "restore-ok-1" });
    expect(report.domains).toEqual(["blog.example", "shop.example"]);
    expect(report.answers).toEqual([{ domain: "blog.example", ok: true, detail: "HTTP 200" }, { domain: "shop.example", ok: true, detail: "HTTP 200" }]);
    expect(report.summary).toMatch(/^restored 2 domains from snapshot [0-9a-f]{8} of dev-sha-het-de-fsn1-001/);
    expect(report.operation.correlationId).toBe("restore-ok-1");
    expect(siteDigest()).toBe(sites);
    expect(h!.audit().map((a) => a.action)).toEqual(["fleet_restore_started", "fleet_restore_succeeded"]);
  });

  it("runs a drill, and refuses a drill --from a node whose backup password the stack's outputs lack", async () => {
    const { fleet } = stackWith();
    const report = await restoreNode(fleet, HOSTNAME, { drill: true, from: HOSTNAME });
    expect(report.summary).toMatch(/^drill ok: snapshot [0-9a-f]{8} of dev-sha-het-de-fsn1-001/);
    await expect(restoreNode(fleet, HOSTNAME, { drill: true, from: "dev-sha-het-de-fsn1-002" }))
      .rejects.toThrow("the stack's outputs hold no backup password for dev-sha-het-de-fsn1-002; nothing was restored");
  });
});

describe("a damaged repository", () => {
  it("fails a check with exit 22 once a pack in the repository is damaged", async () => {
    // A pack the index references: the store may also hold unreferenced ones (an upload
    // refused half-way leaves its pack), which a check only counts as leftovers.
    const referenced = new Set(restic("list packs").stdout.split("\n"));
    const packs = (await s3.list(`${HOSTNAME}/data/`)).filter((key) => referenced.has(key.split("/").pop()!));
    expect(packs.length).toBeGreaterThan(0);
    expect(await s3.put(packs[0]!, Buffer.alloc(4096, 7))).toBe(200);
    on("sed -i 's/^BACKUP_CHECK_READ_SHARE=.*/BACKUP_CHECK_READ_SHARE=100%/' /etc/node-fleet/backup.conf");
    const run = on("node-fleet-backup check");
    expect(run.code, run.stderr).toBe(22);
    expect(run.stderr).toContain("FAILED (check): repository damaged");
    expect(status().check).toMatchObject({ result: "failed", exitCode: 22 });
  }, 180_000);
});

/** Runs a command on the host without waiting for it. */
function runInBackground(command: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn("ssh", ["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", `UserKnownHostsFile=${join(dirname(host.adminKeyFile), "known_hosts")}`, "-o", "LogLevel=ERROR",
      "-o", "IdentitiesOnly=yes", "-i", host.adminKeyFile, `root@${host.address}`, command], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c) => (stderr += String(c)));
    child.on("close", (code) => done({ code, stderr }));
  });
}
