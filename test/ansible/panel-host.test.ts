import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

let host: TestHost;
let plan: NodePlan;
let bootStarted = 0;
let first: ProvisionRun;
let second: ProvisionRun;

/** Every role with nothing switched off, the platform allowed from this machine. */
const env = (overrides: Record<string, string> = {}) => ({
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
  second = await node.provision({});
  console.log(`panel host provisioning: first run ${first.seconds.toFixed(1)} s, rerun ${second.seconds.toFixed(1)} s`);
}, 1_800_000);

afterAll(async () => {
  await host?.stop();
}, 300_000);

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
