import { connect } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devNodePlan, provision, type ProvisionRun } from "./provision";
import { startTestHost, type TestHost } from "./test-host";

const HOSTNAME = "dev-sha-het-de-fsn1-003";
const FQDN = devNodePlan(HOSTNAME).fqdn;
const SERVER_ID = "4713";
const DIGEST = "b".repeat(64);

let host: TestHost;
let run: ProvisionRun;

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

// On the panel host the rotation failed once: sshd was not back from its restart when the
// next login came ("Connection refused"). The node is taken here down the path of a node
// whose playbook already ran (its configuration digest recorded), which then rotates.
beforeAll(async () => {
  host = await startTestHost(HOSTNAME, FQDN, { panel: true });
  host.ssh(`install -d /etc/node-fleet && echo ${DIGEST} > /etc/node-fleet/provisioned`);
  run = await provision({
    NODE_HOST: host.address, NODE_PORT: "22", NODE_USER: "root", NODE_HOSTNAME: HOSTNAME, NODE_HOST_KEY: host.hostPublicKey,
    NODE_SERVER_ID: SERVER_ID, NODE_VARS: JSON.stringify(devNodePlan(HOSTNAME).ansibleVars), NODE_CONFIG_DIGEST: DIGEST,
    NODE_PANEL_PASSWORD: "panel-host-password-0123456789", NODE_SSH_WAIT: "120",
  }, host.adminPrivateKey);
}, 1_800_000);

// Stopping the panel host took over 60 s on a loaded machine (16:28 run).
afterAll(async () => {
  await host?.stop();
}, 180_000);

describe("host key rotation on the panel host", () => {
  it("replaces the user-data key through the panel host's sshd restart and pins the key the node now presents", () => {
    expect(run.code, run.stderr).toBe(0);
    const pinned = /^node-fleet-host-key 4713 (ssh-ed25519 \S+)$/m.exec(run.stdout)?.[1] ?? "";
    expect(pinned).toMatch(/^ssh-ed25519 AAAA/);
    expect(pinned).not.toBe(host.hostPublicKey);
    host.pin(pinned);
    expect(host.ssh("cut -d ' ' -f 1,2 /etc/ssh/ssh_host_ed25519_key.pub").stdout).toBe(pinned);
  });

  it("prints the SHA-256 of the certificate Webmin serves, for `fleet health` to pin", async () => {
    const printed = /^node-fleet-panel-cert 4713 (\S+)$/m.exec(run.stdout)?.[1];
    expect(printed).toBe(await servedPanelCert(host.address));
  });
});
