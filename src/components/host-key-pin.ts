/** The host key the provisioning step pinned, from its stdout. ansible/bin/provision
 *  replaces the user-data key on the node at the first successful run and prints the
 *  node's own key on every successful run as `node-fleet-host-key <server id> <key>`;
 *  the stack outputs, the health checker and every later run take that key, so the
 *  user-data key, which the metadata service serves for the server's life, opens nothing. */
const PIN_LINE = /^node-fleet-host-key (\S+) (ssh-ed25519 [A-Za-z0-9+/=]+)$/;

/** The line that pins `hostKey` for server `serverId`, as the script prints and reads it. */
export function pinLine(serverId: string, hostKey: string): string {
  return `node-fleet-host-key ${serverId} ${hostKey}`;
}

export function pinnedHostKey(stdout: string, serverId: string): string {
  const pins = stdout.split("\n").map((line) => PIN_LINE.exec(line)).filter((m) => m !== null && m[1] === serverId);
  const last = pins.at(-1);
  if (!last) throw new Error(`the provisioning step of server ${serverId} printed no pinned host key; run \`pulumi up\` again to provision it`);
  return last[2]!;
}

const CERT_LINE = /^node-fleet-panel-cert (\S+) ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})$/;

/** The SHA-256 fingerprint (`AB:CD:…`) of the panel's TLS certificate that the same step
 *  read on the node, printed as `node-fleet-panel-cert <server id> <fingerprint>`; empty
 *  when the node has no panel certificate (yet). */
export function pinnedPanelCert(stdout: string, serverId: string): string {
  const pins = stdout.split("\n").map((line) => CERT_LINE.exec(line)).filter((m) => m !== null && m[1] === serverId);
  return pins.at(-1)?.[2] ?? "";
}
