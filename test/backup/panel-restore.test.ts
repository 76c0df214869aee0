import { createHash } from "node:crypto";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devNodePlan, provision } from "../ansible/provision";
import { startTestHost, type TestHost } from "../ansible/test-host";
import { pinnedHostKey } from "../../src/components/host-key-pin";
import { restoreNode, type RestoreReport } from "../../src/restore/restore-node";
import { baseScenario, harness, type Harness } from "../automation/harness";
import { startS3Server, type S3Server } from "./s3-server";

/** A node comes back as itself, on the real panel host (Webmin 2.660, Virtualmin GPL
 *  8.1.0): two customer domains with site files, a database with rows and a mailbox are
 *  backed up off the node to a real S3 server; the host is destroyed; a fresh one boots
 *  at the same address, is provisioned with every role, and `restoreNode` brings
 *  everything back. The figures it prints (boot, provisioning, restore, RTO) are the
 *  ones docs/backups-and-restore.md reports. */
const HOSTNAME = "dev-sha-het-de-fsn1-001";
const PASSWORD = "restic-e2e-password-0123456789abcdef";
const PANEL_PASSWORD = "panel-Pass-0123456789";
const SERVER_ID = "4714";
const CUSTOMERS = [
  { domain: "shop.example", user: "shop", password: "shop-Pass-0123456" },
  { domain: "blog.example", user: "blog", password: "blog-Pass-0123456" },
];
const DOMAINS = CUSTOMERS.map((c) => c.domain);
let host: TestHost;
let s3: S3Server;
let h: Harness;
type NodeState = { sites: string[]; files: string; rows: string; mailbox: string };
let before: NodeState;
let report: RestoreReport;
/** The key the node answers with: its user-data key until a whole run rotates it. */
let hostKey = "";
const seconds: Record<"boot" | "provision" | "restore" | "rto", number> = { boot: 0, provision: 0, restore: 0, rto: 0 };

const on = (command: string) => {
  const run = host.ssh(command);
  if (run.code !== 0) throw new Error(`${command}: exit ${run.code}: ${run.stderr}\n${run.stdout.slice(-2000)}`);
  return run.stdout;
};

/** A customer's page as a visitor gets it: HTTP to the node's address with the domain's Host header. */
const page = (domain: string) => new Promise<{ status: number; body: Buffer }>((done, fail) => {
  const req = request({ host: host.address, port: 80, path: "/index.html", headers: { host: domain }, timeout: 30_000 }, (res) => {
    const chunks: Buffer[] = [];
    res.on("data", (c: Buffer) => chunks.push(c));
    res.on("end", () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
  });
  req.on("timeout", () => req.destroy(new Error(`http://${domain}/index.html: no answer within 30 s`)));
  req.on("error", fail);
  req.end();
});

/** What a customer sees: each site's page over HTTP, the files behind it, the database's
 *  rows and the mailbox. */
const state = async (): Promise<NodeState> => ({
  sites: await Promise.all(DOMAINS.map(async (domain) => {
    const answer = await page(domain);
    return `${answer.status} ${createHash("sha256").update(answer.body).digest("hex")}`;
  })),
  files: on(`sha256sum ${CUSTOMERS.map((c) => `/home/${c.user}/public_html/index.html`).join(" ")}`),
  rows: on("runuser -u mysql -- mariadb -N -e 'SELECT id, name FROM shop.orders ORDER BY id'"),
  mailbox: on("virtualmin list-users --domain shop.example --name-only"),
});

/** Provisions the host as the node's provisioning step does, off-node backups to the test's
 *  S3 server; `tags` limits the run to some roles (the first host needs only the backup). */
async function provisioned(tags?: string): Promise<void> {
  const started = Date.now();
  const vars = devNodePlan(HOSTNAME, {
    platformSourceCidrs: [`${host.hostSide}/32`],
    offsiteBackups: { endpoint: s3.endpoint, bucket: s3.bucket, region: "us-east-1", accessKeyId: s3.accessKeyId,
      keep: { daily: 7, weekly: 4, monthly: 6 }, checkSchedule: "30 4 * * 0", maxAgeHours: 26 },
  }).ansibleVars;
  const run = await provision({
    NODE_HOST: host.address, NODE_PORT: "22", NODE_USER: "root", NODE_HOSTNAME: HOSTNAME, NODE_HOST_KEY: host.hostPublicKey,
    NODE_SERVER_ID: SERVER_ID, NODE_VARS: JSON.stringify(vars), NODE_SSH_WAIT: "300", ...(tags ? { NODE_TAGS: tags } : {}),
    NODE_PANEL_PASSWORD: PANEL_PASSWORD, NODE_RESTIC_PASSWORD: PASSWORD, NODE_BACKUP_SECRET_KEY: s3.secretAccessKey,
  }, host.adminPrivateKey);
  if (run.code !== 0) throw new Error(`provision failed:\n${run.stderr}\n${run.stdout.slice(-3000)}`);
  // A whole run rotates the host key; from then on the node answers only with the new one.
  if (!tags) {
    hostKey = pinnedHostKey(run.stdout, SERVER_ID);
    host.pin(hostKey);
  }
  seconds.provision = (Date.now() - started) / 1000;
}

beforeAll(async () => {
  const plan = devNodePlan(HOSTNAME);
  host = await startTestHost(HOSTNAME, plan.fqdn, { panel: true });
  s3 = await startS3Server(host.hostSide, "node-fleet-e2e");
  await provisioned("backup");
  for (const c of CUSTOMERS) {
    // With hashed passwords (the LAMP bundle's hashpass=1) the database user needs its own.
    on(`virtualmin create-domain --domain ${c.domain} --pass ${c.password} --mysql-pass ${c.password} --unix --dir --web --mysql --mail`);
    on(`head -c 200000 /dev/urandom | base64 > /home/${c.user}/public_html/index.html && chown ${c.user}: /home/${c.user}/public_html/index.html`);
  }
  on("runuser -u mysql -- mariadb -e 'CREATE TABLE shop.orders (id INT PRIMARY KEY, name VARCHAR(40)); INSERT INTO shop.orders VALUES (1, \"first\"), (2, \"second\")'");
  on("virtualmin create-user --domain shop.example --user alice --pass mailbox-Pass-0123 --quota 1024");
  before = await state();
  on("node-fleet-backup run");

  // The node is lost; its successor boots at the same address from a fresh image.
  await host.stop();
  const started = Date.now();
  host = await startTestHost(HOSTNAME, plan.fqdn, { panel: true });
  seconds.boot = (Date.now() - started) / 1000;
  await provisioned();
  h = harness(baseScenario([], {
    outputs: {
      nodes: { value: { [HOSTNAME]: { ipv4: host.address, hostPublicKey: hostKey } }, secret: false },
      adminKeys: { value: { [HOSTNAME]: host.adminPrivateKey }, secret: true },
      backupPasswords: { value: { [HOSTNAME]: PASSWORD }, secret: true },
    },
  }));
  const restoreStarted = Date.now();
  report = await restoreNode(h.fleet, HOSTNAME, { correlationId: "e2e-restore-1" });
  seconds.restore = (Date.now() - restoreStarted) / 1000;
  seconds.rto = (Date.now() - started) / 1000;
  console.log(`panel restore: boot ${seconds.boot.toFixed(0)} s, provisioning ${seconds.provision.toFixed(0)} s, ` +
    `restore ${seconds.restore.toFixed(0)} s; RTO ${seconds.rto.toFixed(0)} s from the fresh host's boot to every domain answering`);
}, 3_600_000);

afterAll(async () => {
  h?.cleanup();
  await s3?.stop();
  await host?.stop();
}, 300_000);

describe("a panel node lost and restored from its off-node backup", () => {
  it("reports both domains restored from the latest snapshot and answering at the node's address", () => {
    expect([...report.domains].sort()).toEqual([...DOMAINS].sort());
    expect(report.answers.map((a) => [a.domain, a.ok]).sort()).toEqual(DOMAINS.map((d) => [d, true]).sort());
    expect(report.summary).toMatch(/^restored 2 domains from snapshot [0-9a-f]{8} of dev-sha-het-de-fsn1-001 /);
    expect(report.operation.correlationId).toBe("e2e-restore-1");
  });

  it("serves the same bytes, has the same rows, and the mailbox exists", async () => {
    expect(before.sites.every((s) => s.startsWith("200 "))).toBe(true);
    expect(before.mailbox).toContain("alice@shop.example");
    expect(await state()).toEqual(before);
  });

  it("refuses a second restore over the restored domains", async () => {
    await expect(restoreNode(h.fleet, HOSTNAME)).rejects.toThrow(/refusing to restore: this node already hosts domains \(blog\.example shop\.example\)/);
  });
});
