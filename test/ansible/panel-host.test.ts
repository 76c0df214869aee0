import { connect } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pinnedHostKey } from "../../src/components/host-key-pin";
import type { NodePlan } from "../../src/plan/node-plan";
import { describeBackups } from "./panel/backups";
import { describeCustomers } from "./panel/customers";
import { describeGrading } from "./panel/grading";
import { describePanelHealth } from "./panel/health";
import type { PanelNode } from "./panel/panel-node";
import { describePlatformJourney } from "./panel/platform-journey";
import { changedCount, changedTasks, devNodePlan, provision, type ProvisionRun } from "./provision";
import { startTestHost, type TestHost } from "./test-host";

const HOSTNAME = "dev-sha-het-de-fsn1-002";
const FQDN = devNodePlan(HOSTNAME).fqdn;
const PASSWORD = "panel-host-password-0123456789";
const SERVER_ID = "4713";

let host: TestHost;
let plan: NodePlan;
let bootStarted = 0;
let first: ProvisionRun;
let second: ProvisionRun;
/** The host key the first run rotated in and printed; later runs get that output back, as
 *  the command provider hands a step its previous stdout. */
let pinned = "";

/** Every role with nothing switched off, the platform allowed from this machine. */
const env = (overrides: Record<string, string> = {}) => ({
  NODE_SERVER_ID: SERVER_ID, ...(pinned ? { PULUMI_COMMAND_STDOUT: `node-fleet-host-key ${SERVER_ID} ${pinned}\n` } : {}),
  NODE_HOST: host.address, NODE_PORT: "22", NODE_USER: "root", NODE_HOSTNAME: HOSTNAME,
  NODE_HOST_KEY: host.hostPublicKey, NODE_VARS: JSON.stringify(plan.ansibleVars),
  NODE_PANEL_PASSWORD: PASSWORD, NODE_SSH_WAIT: "60", ...overrides,
});

const node: PanelNode = {
  host: () => host,
  fqdn: FQDN,
  login: { user: devNodePlan(HOSTNAME).panel.apiUser, password: PASSWORD },
  bootStarted: () => bootStarted,
  provision: (overrides) => provision(env(overrides), host.adminPrivateKey),
};

beforeAll(async () => {
  const built = Date.now();
  host = await startTestHost(HOSTNAME, FQDN, { panel: true });
  console.log(`panel host: image ready and booted to SSH in ${((Date.now() - built) / 1000).toFixed(1)} s`);
  bootStarted = built;
  plan = devNodePlan(HOSTNAME, { platformSourceCidrs: [`${host.hostSide}/32`] });
  first = await node.provision({});
  // On the panel host the rotation once failed: sshd was not back from its restart when
  // the next login came ("Connection refused"); the whole journey below runs on the new key.
  if (first.code === 0) {
    pinned = pinnedHostKey(first.stdout, SERVER_ID);
    host.pin(pinned);
  }
  second = await node.provision({});
  console.log(`panel host provisioning: first run ${first.seconds.toFixed(1)} s, rerun ${second.seconds.toFixed(1)} s`);
}, 1_800_000);

afterAll(async () => {
  await host?.stop();
}, 300_000);

/** The SHA-256 fingerprint of the certificate Webmin serves on 10000, as `fleet health` reads it. */
function servedPanelCert(address: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address, port: 10000, servername: FQDN, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.once("error", reject);
  });
}

describe("provisioning the panel host with every role on", () => {
  it("succeeds, the panel checks of the validate role included", () => {
    expect(first.code, `provision failed:\n${first.stderr}\n${first.stdout.slice(-6000)}`).toBe(0);
    expect(first.stdout).toMatch(/TASK \[validate : Ask Virtualmin for its version\][^\n]*\n[^\n]*\nok: /);
    expect(first.stdout).toContain(`all ${FQDN} checks passed`);
    expect(first.stderr + first.stdout).not.toContain(PASSWORD);
  });

  it("skips the installer only because the node says Virtualmin is installed", () => {
    expect(first.stdout).toMatch(/TASK \[virtualmin : Look for the installer's completion marker\][^\n]*\n[^\n]*\nok: /);
    expect(first.stdout).toMatch(/TASK \[virtualmin : Run the installer unattended\][^\n]*\n[^\n]*\nskipping: /);
  });

  it("holds the pinned Webmin and Virtualmin packages", () => {
    expect(host.ssh("dpkg-query -W -f '${Package} ${Version} ${Status}\\n' webmin webmin-virtual-server").stdout.split("\n")).toEqual([
      "webmin 2.660 hold ok installed", "webmin-virtual-server 8.1.0 hold ok installed",
    ]);
  });

  it("replaces the user-data host key through the panel host's sshd restart and pins the key the node now presents", () => {
    expect(pinned).toMatch(/^ssh-ed25519 AAAA/);
    expect(pinned).not.toBe(host.hostPublicKey);
    expect(host.ssh("cut -d ' ' -f 1,2 /etc/ssh/ssh_host_ed25519_key.pub").stdout).toBe(pinned);
  });

  it("prints the SHA-256 of the certificate Webmin serves, for `fleet health` to pin", async () => {
    const printed = new RegExp(`^node-fleet-panel-cert ${SERVER_ID} (\\S+)$`, "m").exec(first.stdout)?.[1];
    expect(printed).toBe(await servedPanelCert(host.address));
  });

  it("changes nothing when run again", () => {
    expect(second.code, second.stdout.slice(-4000)).toBe(0);
    expect(changedCount(second.stdout), `changed on the re-run: ${changedTasks(second.stdout).join("; ")}`).toBe(0);
  });
});

describePlatformJourney(node);
describeCustomers(node);
describeBackups(node);
describePanelHealth(node);
describeGrading(node);
